package functions

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/runtimes"
	"github.com/verge-edge/verge/internal/stack"
)

// The handlers use the SDK their runtime includes on Lambda, unbundled.
const (
	nodeRequiresSDK = `const { LambdaClient } = require('@aws-sdk/client-lambda');
exports.handler = async () => typeof LambdaClient;
`
	pythonImportsBoto3 = "import boto3, sys\ndef handler(e, c):\n    assert len(sys.argv) == 1, sys.argv\n    return boto3.__version__\n"
	// pythonDebianBoto3 leaves out the interpreter's own packages, so that
	// boto3 can only come from the folder Verge provides.
	pythonDebianBoto3 = `import sys
sys.path = [p for p in sys.path if "site-packages" not in p]
import boto3, botocore.session
def handler(e, c):
    botocore.session.get_session().create_client("lambda", region_name="us-east-1")
    return boto3.__file__
`
)

// TestSDKs: as on Lambda, a Node.js handler requires the AWS SDK for
// JavaScript v3 and a Python handler imports boto3 without bundling them,
// inside the real sandbox.
func TestSDKs(t *testing.T) {
	if _, err := os.Stat("/usr/lib/python3/dist-packages/boto3"); err != nil {
		t.Fatal("Debian's boto3 is not installed: apt-get install python3-boto3")
	}
	s, _ := newService(t, Options{})
	deploy(t, s,
		fnSpec{name: "nodesdk", file: "index.js", code: nodeRequiresSDK},
		fnSpec{name: "nodesdkesm", file: "index.mjs", code: "import { LambdaClient } from '@aws-sdk/client-lambda';\nexport const handler = async () => typeof LambdaClient;\n"},
		fnSpec{name: "nodesdktla", file: "index.mjs", code: "import { LambdaClient } from '@aws-sdk/client-lambda';\nawait Promise.resolve();\nexport const handler = async () => typeof LambdaClient;\n"},
		fnSpec{name: "pyboto", file: "app.py", code: pythonImportsBoto3},
		fnSpec{name: "pydebian", file: "app.py", code: pythonDebianBoto3})
	for name, check := range map[string]func(string) bool{
		"nodesdk":    func(v string) bool { return v == "function" },
		"nodesdkesm": func(v string) bool { return v == "function" },
		"nodesdktla": func(v string) bool { return v == "function" },
		"pyboto":     func(v string) bool { return v != "" },
		"pydebian": func(v string) bool {
			return strings.HasPrefix(v, s.sdks.Dir()) && strings.HasSuffix(v, "boto3/__init__.py")
		},
	} {
		t.Run(name, func(t *testing.T) {
			if got := invokeString(t, s, name); !check(got) {
				t.Errorf("%s returned %q", name, got)
			}
		})
	}
}

// TestOwnSDKWins: a function's own copy of an SDK package, bundled or in
// its task root, is the one it gets, as on Lambda.
func TestOwnSDKWins(t *testing.T) {
	node, err := runtimes.Default(runtimes.Node)
	if err != nil {
		t.Skip(err)
	}
	own := map[string]string{
		"node_modules/@aws-sdk/client-lambda/package.json": `{"name":"@aws-sdk/client-lambda","main":"index.js"}`,
		"node_modules/@aws-sdk/client-lambda/index.js":     "exports.LambdaClient = 'the function\\'s own';\n",
	}
	ownNode := func(entry string) map[string]string {
		files := map[string]string{"index.js": entry}
		for k, v := range own {
			files[k] = v
		}
		return files
	}
	s, _ := newService(t, Options{})
	dir := t.TempDir()
	plan := &stack.Plan{Dir: dir, File: filepath.Join(dir, "verge.yaml"), Functions: map[string]*stack.Function{
		// esbuild finds the installed package and bundles it.
		"bundled": {Package: stack.Package{Type: stack.PackagingBuildpack,
			EntryFile: writeFiles(t, filepath.Join(dir, "bundled"), ownNode("const { LambdaClient } = require('@aws-sdk/client-lambda');\nexports.handler = async () => LambdaClient;\n"))}},
		// A task root run as it is: its node_modules comes first.
		"artifact": {Runtime: node, Package: stack.Package{Type: stack.PackagingArtifact, Handler: "index.handler",
			PackagePath: filepath.Dir(writeFiles(t, filepath.Join(dir, "artifact"), ownNode("exports.handler = async () => require('@aws-sdk/client-lambda').LambdaClient;\n")))}},
		// A Python package beside the handler comes before Verge's boto3.
		"pyown": {Package: stack.Package{Type: stack.PackagingBuildpack, EntryFile: writeFiles(t, filepath.Join(dir, "pyown"), map[string]string{
			"app.py":            "import boto3\ndef handler(e, c):\n    return boto3.__version__\n",
			"boto3/__init__.py": "__version__ = \"the function's own\"\n",
		})}},
	}}
	for name, f := range plan.Functions {
		f.Name, f.MemoryMB, f.TimeoutSeconds, f.Logging = name, 128, 3, stack.Logging{RetentionDays: 1}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := s.Apply(ctx, plan); err != nil {
		t.Fatal(err)
	}
	for name := range plan.Functions {
		if got := invokeString(t, s, name); got != "the function's own" {
			t.Errorf("%s got %q, want the function's own copy", name, got)
		}
	}
}

// writeFiles writes files under dir and returns the path of the first
// entry (index.js or app.py).
func writeFiles(t *testing.T, dir string, files map[string]string) string {
	t.Helper()
	entry := ""
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		if name == "index.js" || name == "app.py" {
			entry = p
		}
	}
	return entry
}

// invokeString invokes name with {} and returns the JSON string it answers.
func invokeString(t *testing.T, s *Service, name string) string {
	t.Helper()
	resp := invoke(t, s, name, `{}`)
	if resp.FunctionError != "" {
		t.Fatalf("%s: function error %s: %s\n%s", name, resp.ErrorType, resp.Payload, resp.LogTail)
	}
	var got string
	if err := json.Unmarshal(resp.Payload, &got); err != nil {
		t.Fatalf("%s: %v: %s", name, err, resp.Payload)
	}
	return got
}

// TestSDKUnavailable: without npm, Verge says once why functions have no
// SDK and what to do, and a handler that requires it fails as on Lambda
// when a module is missing; one that does not runs.
func TestSDKUnavailable(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip(err)
	}
	bin := t.TempDir() // node, and no npm
	if err := os.Symlink(node, filepath.Join(bin, "node")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin)
	var log lockedBuffer
	s, _ := newService(t, Options{SDKDir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(&log, nil))})
	deploy(t, s,
		fnSpec{name: "needssdk", file: "index.js", code: nodeRequiresSDK},
		fnSpec{name: "nosdk", file: "index.js", code: "exports.handler = async () => 'fine';\n"})
	resp := invoke(t, s, "needssdk", `{}`)
	if resp.ErrorType != "Runtime.ImportModuleError" || !strings.Contains(string(resp.Payload), "Cannot find module '@aws-sdk/client-lambda'") {
		t.Errorf("needssdk: %s %s", resp.ErrorType, resp.Payload)
	}
	if got := invokeString(t, s, "nosdk"); got != "fine" {
		t.Errorf("nosdk returned %q", got)
	}
	if n := strings.Count(log.String(), "AWS SDK for JavaScript v3 not available to functions: npm not found on PATH; bundle it with your function or install npm"); n != 1 {
		t.Errorf("the reason was logged %d times, want once:\n%s", n, log.String())
	}
}

// lockedBuffer is a bytes.Buffer for a logger that goroutines share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
