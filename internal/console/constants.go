package console

// A Format is how a Console writes.
type Format string

// The formats.
const (
	FormatText Format = "text" // for people, optionally coloured
	FormatJSON Format = "json" // one JSON object per line
)

const (
	// queueLen is how many lines may wait for the terminal before lines
	// are dropped.
	queueLen = 4096
	// timeLayout stamps each text line: the day is the terminal's.
	timeLayout = "15:04:05.000"
	// maxNameWidth caps the padding of the name column.
	maxNameWidth = 24
	// vergeName is the name column of Verge's own lines.
	vergeName = "verge"
)

// The "type" of each JSON line.
const (
	typeOutput   = "output"
	typeError    = "error"
	typeRequest  = "request"
	typeSummary  = "summary"
	typeLog      = "log"
	typeEndpoint = "endpoint"
)

// ANSI SGR sequences.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

// palette colours function names, picked by a hash of the name so a
// function keeps its colour across runs.
var palette = []string{"\x1b[36m", "\x1b[35m", "\x1b[34m", "\x1b[32m", "\x1b[33m", "\x1b[96m", "\x1b[95m", "\x1b[94m"}

// runtimeFrames mark the stack frames of the runtime, not of the function:
// Verge's bootstraps (installed as runtimes/bootstrap-HASH/) and node's
// internals.
var runtimeFrames = []string{"/bootstrap.cjs:", "/bootstrap.py", "(node:internal/", "at new Promise (<anonymous>)"}
