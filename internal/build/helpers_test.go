package build

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/verge-edge/verge/internal/stack"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// files maps slash paths to contents.
type files map[string]string

// write creates the files under root and returns root.
func (fs files) write(t testing.TB, root string) string {
	t.Helper()
	for name, body := range fs {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func buildpack(entry, handlerFunction, runtime string) *stack.Function {
	return &stack.Function{
		Name:    "fn",
		Runtime: runtime,
		Package: stack.Package{Type: packagingBuildpack, EntryFile: entry, HandlerFunction: handlerFunction},
	}
}

func artifact(path, handler, runtime string) *stack.Function {
	return &stack.Function{
		Name:    "fn",
		Runtime: runtime,
		Package: stack.Package{Type: packagingArtifact, PackagePath: path, Handler: handler},
	}
}

// mustBuild builds fn with b and fails the test on error.
func mustBuild(t testing.TB, b *Builder, fn *stack.Function) *Artifact {
	t.Helper()
	a, err := b.Build(context.Background(), fn)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return a
}

// runNode runs a script with node and returns its combined output.
func runNode(t *testing.T, dir string, script string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append(args, "-e", script)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	return strings.TrimSpace(string(out))
}

// noLeftovers fails when a build left temporary folders in dir.
func noLeftovers(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), tmpPrefix) || strings.HasPrefix(e.Name(), trashPrefix) {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}
