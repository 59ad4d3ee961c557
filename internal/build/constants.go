package build

// Packaging types, as written in the stack file.
const (
	packagingBuildpack = "stacktape-lambda-buildpack"
	packagingArtifact  = "custom-artifact"
)

// Lambda's limits and conventions.
const (
	// maxUnzippedSize is Lambda's limit on a function's unzipped code.
	maxUnzippedSize = 250 << 20
	// maxZipEntries bounds the entries read from an artifact zip.
	maxZipEntries = 100_000
	// defaultHandlerFunction is the export Lambda calls when none is named.
	defaultHandlerFunction = "handler"
	// bootstrapName is the executable a provided runtime starts.
	bootstrapName = "bootstrap"
	// nodeModule is the module name of a bundled Node.js handler.
	nodeModule = "index"
)

// Names inside DIR.
const (
	metaSuffix   = ".json"   // DIR/<hash>.json describes DIR/<hash>
	tmpPrefix    = ".tmp-"   // build folders not yet renamed into place
	trashPrefix  = ".trash-" // versions being removed by Prune
	manifestsDir = ".inputs" // DIR/.inputs/<recipe>.json: inputs of a tool's build
	// taskRootMode is a version folder's mode: readable by every sandbox's user.
	taskRootMode = 0o755
)

// skipDirs are folders never copied into a task root.
var skipDirs = map[string]bool{
	"__pycache__":  true,
	".venv":        true,
	"node_modules": true,
	".git":         true,
}

// recipeVersion changes whenever the build steps change the output for the
// same inputs, so old versions are not reused.
const recipeVersion = "verge-build/1"
