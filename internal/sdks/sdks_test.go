package sdks

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestNodeManifest: every package is pinned to an exact version, and the
// manifest (whose hash names the folder) is the same bytes every time.
func TestNodeManifest(t *testing.T) {
	exact := regexp.MustCompile(`^\d+\.\d+\.\d+$`)
	for pkg, v := range nodePackages {
		if !strings.HasPrefix(pkg, "@aws-sdk/") || !exact.MatchString(v) {
			t.Errorf("%s@%s: want an @aws-sdk package at an exact version", pkg, v)
		}
	}
	if a, b := nodeManifest(), nodeManifest(); !bytes.Equal(a, b) {
		t.Errorf("the manifest changes between calls:\n%s\n%s", a, b)
	}
	var m struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	if err := json.Unmarshal(nodeManifest(), &m); err != nil || len(m.Dependencies) != len(nodePackages) {
		t.Errorf("manifest: %v, %d dependencies", err, len(m.Dependencies))
	}
}

// TestNode installs the SDK into the shared cache (once per machine) and
// checks that the pinned clients are there, readable by anyone.
func TestNode(t *testing.T) {
	p := New(DefaultDir(), nil)
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), installTimeout)
	defer cancel()
	dir, err := p.Node(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for pkg, want := range nodePackages {
		var meta struct{ Version string }
		data, err := os.ReadFile(filepath.Join(dir, pkg, "package.json"))
		if err != nil || json.Unmarshal(data, &meta) != nil || meta.Version != want {
			t.Errorf("%s: version %q, want %s (%v)", pkg, meta.Version, want, err)
		}
	}
	filepath.WalkDir(filepath.Dir(dir), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if fi, err := d.Info(); err == nil && d.Type()&fs.ModeSymlink == 0 && fi.Mode().Perm()&0o004 == 0 {
			t.Fatalf("%s is not readable by others (%v)", path, fi.Mode())
		}
		return nil
	})
}

// TestNoNPM: without npm the SDK is unavailable, with one clear line.
func TestNoNPM(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	var log bytes.Buffer
	p := New(t.TempDir(), slog.New(slog.NewTextHandler(&log, nil)))
	defer p.Close()
	p.StartNode()
	dir, err := p.Node(context.Background())
	if dir != "" || err == nil || !strings.Contains(err.Error(), "npm not found") {
		t.Errorf("Node = %q, %v; want npm not found", dir, err)
	}
	if _, err := p.Node(context.Background()); err == nil {
		t.Error("a second Node succeeded")
	}
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "AWS SDK for JavaScript v3 not available to functions: npm not found") ||
		!strings.Contains(lines[0], "bundle it with your function or install npm") {
		t.Errorf("log:\n%s", log.String())
	}
}

// TestPython links boto3 and what it imports from Debian's dist-packages,
// and nothing else.
func TestPython(t *testing.T) {
	if _, err := os.Stat(filepath.Join(distPackages, "boto3")); err != nil {
		t.Fatalf("Debian's boto3 is not installed: %s", aptHint)
	}
	p := New(t.TempDir(), nil)
	defer p.Close()
	dir, err := p.Python(context.Background(), "")
	if err != nil || dir == "" {
		t.Fatalf("Python = %q, %v", dir, err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		target, err := os.Readlink(filepath.Join(dir, e.Name()))
		if !slices.Contains(pythonModules, e.Name()) || err != nil || target != filepath.Join(distPackages, e.Name()) {
			t.Errorf("%s → %s (%v)", e.Name(), target, err)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "boto3", "__init__.py")); err != nil || fi.Mode().Perm()&0o004 == 0 {
		t.Errorf("boto3 through the link: %v", err)
	}
	again, err := New(p.Dir(), nil).Python(context.Background(), "")
	if again != dir || err != nil {
		t.Errorf("a second provider: %q, %v; want %q", again, err, dir)
	}
}

// TestReadable: whatever npm's umask, a sandbox's user can read it all.
func TestReadable(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		path       string
		mode, want fs.FileMode
	}{
		{"a", 0o700 | fs.ModeDir, 0o755},
		{"a/private.js", 0o600, 0o644},
		{"a/tool", 0o700, 0o755},
		{"a/shared.js", 0o644, 0o644},
	}
	for _, c := range cases {
		p := filepath.Join(dir, c.path)
		if c.mode.IsDir() {
			os.Mkdir(p, c.mode.Perm())
		} else {
			os.WriteFile(p, nil, c.mode.Perm())
		}
	}
	if err := readable(dir); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if fi, err := os.Stat(filepath.Join(dir, c.path)); err != nil || fi.Mode().Perm() != c.want {
			t.Errorf("%s: %v, want %v (%v)", c.path, fi.Mode().Perm(), c.want, err)
		}
	}
}

// TestLock: a second taker waits for the first, or gives up with its ctx.
func TestLock(t *testing.T) {
	p := New(t.TempDir(), nil)
	defer p.Close()
	unlock, err := p.lock(context.Background(), "node")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*lockPoll)
	defer cancel()
	if _, err := p.lock(ctx, "node"); err != context.DeadlineExceeded {
		t.Errorf("lock while held: %v, want the deadline", err)
	}
	time.AfterFunc(2*lockPoll, unlock)
	unlock2, err := p.lock(context.Background(), "node")
	if err != nil {
		t.Fatal(err)
	}
	unlock2()
}
