package runtimes

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseID(t *testing.T) {
	tests := []struct {
		id      string
		family  Family
		version string
		bad     bool
	}{
		{id: "nodejs20.x", family: Node, version: "20"},
		{id: "nodejs22.x", family: Node, version: "22"},
		{id: "python3.11", family: Python, version: "3.11"},
		{id: "python3.9", family: Python, version: "3.9"},
		{id: "provided", family: Provided},
		{id: "provided.al2", family: Provided},
		{id: "provided.al2023", family: Provided},
		{id: "nodejs", bad: true},
		{id: "nodejs20", bad: true},
		{id: "nodejs.x", bad: true},
		{id: "nodejs-1.x", bad: true},
		{id: "nodejs020.x", bad: true},
		{id: "python3", bad: true},
		{id: "python3.", bad: true},
		{id: "python2.7", bad: true},
		{id: "provided.al2024", bad: true},
		{id: "java21", bad: true},
		{id: "", bad: true},
	}
	for _, tt := range tests {
		f, v, err := ParseID(tt.id)
		if tt.bad != (err != nil) || f != tt.family || v != tt.version {
			t.Errorf("ParseID(%q) = %q, %q, %v; want %q, %q, bad=%v", tt.id, f, v, err, tt.family, tt.version, tt.bad)
		}
	}
}

func FuzzParseID(f *testing.F) {
	for _, s := range []string{"nodejs20.x", "python3.11", "provided.al2023", "nodejs.x", "python3.", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		fam, v, err := ParseID(id)
		if err != nil {
			return
		}
		if got, ferr := FamilyOf(id); ferr != nil || got != fam {
			t.Fatalf("ParseID(%q) = %s but FamilyOf = %s, %v", id, fam, got, ferr)
		}
		if fam != Provided && (v == "" || strings.ContainsAny(v, "+- ")) {
			t.Fatalf("ParseID(%q) version %q", id, v)
		}
	})
}

func TestSplitHandler(t *testing.T) {
	tests := []struct {
		family     Family
		handler    string
		module, fn string
		bad        bool
	}{
		{family: Node, handler: "index.handler", module: "index", fn: "handler"},
		{family: Node, handler: "src/app.handler", module: "src/app", fn: "handler"},
		{family: Node, handler: "index.api.get", module: "index", fn: "api.get"},
		{family: Node, handler: "index", bad: true},
		{family: Node, handler: "index.", bad: true},
		{family: Node, handler: ".handler", bad: true},
		{family: Node, handler: "../up.handler", bad: true},
		{family: Python, handler: "app.handler", module: "app", fn: "handler"},
		{family: Python, handler: "pkg/mod.fn", module: "pkg/mod", fn: "fn"},
		{family: Python, handler: "pkg.mod.fn", module: "pkg/mod", fn: "fn"},
		{family: Python, handler: "app", bad: true},
		{family: Python, handler: ".fn", bad: true},
		{family: Python, handler: "pkg..fn", bad: true},
		{family: Provided, handler: "anything", fn: "anything"},
	}
	for _, tt := range tests {
		m, fn, err := SplitHandler(tt.family, tt.handler)
		if tt.bad != (err != nil) || m != tt.module || fn != tt.fn {
			t.Errorf("SplitHandler(%s, %q) = %q, %q, %v; want %q, %q, bad=%v", tt.family, tt.handler, m, fn, err, tt.module, tt.fn, tt.bad)
		}
	}
}

func FuzzSplitHandler(f *testing.F) {
	for _, s := range []string{"index.handler", "src/app.handler", "pkg.mod.fn", "..", "a/.b", "/x.y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		for _, fam := range []Family{Node, Python} {
			m, fn, err := SplitHandler(fam, h)
			if err != nil {
				continue
			}
			if m == "" || fn == "" || strings.Contains(m, "..") {
				t.Fatalf("SplitHandler(%s, %q) = %q, %q", fam, h, m, fn)
			}
		}
	})
}

func TestResolve(t *testing.T) {
	for _, f := range []Family{Node, Python} {
		id, err := Default(f)
		if err != nil {
			t.Skipf("no %s interpreter: %v", f, err)
		}
		rt, warnings, err := Resolve(id)
		if err != nil || len(warnings) != 0 {
			t.Fatalf("Resolve(%s) = %v, %v, %v", id, rt, warnings, err)
		}
		if !filepath.IsAbs(rt.Interpreter) || strings.Contains(rt.Interpreter, "shims") || rt.Version == "" || rt.Family != f {
			t.Errorf("Resolve(%s) = %+v, want the real interpreter and its version", id, rt)
		}
		if fi, err := os.Stat(rt.Interpreter); err != nil || fi.Mode()&0o111 == 0 {
			t.Errorf("interpreter %s is not an executable file: %v", rt.Interpreter, err)
		}
	}
	other := map[Family]string{Node: "nodejs8.x", Python: "python3.2"}
	for f, id := range other {
		rt, warnings, err := Resolve(id)
		if err != nil || len(warnings) != 1 || rt.Interpreter == "" {
			t.Errorf("Resolve(%s) = %v, %q, %v; want the installed %s with a warning", id, rt, warnings, err, f)
		}
	}
	if rt, _, err := Resolve("provided.al2023"); err != nil || rt.Interpreter != "" || rt.Family != Provided {
		t.Errorf("Resolve(provided.al2023) = %+v, %v", rt, err)
	}
	if _, _, err := Resolve("ruby3.3"); err == nil {
		t.Error("Resolve(ruby3.3) succeeded")
	}
}

func TestInstall(t *testing.T) {
	dir := t.TempDir()
	first, err := Install(dir)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Install(dir)
	if err != nil || again != first {
		t.Fatalf("second Install = %q, %v; want %q", again, err, first)
	}
	for _, name := range []string{nodeBootstrap, pythonBootstrap} {
		want, _ := bootstraps.ReadFile("bootstrap/" + name)
		got, err := os.ReadFile(filepath.Join(first, name))
		if err != nil || string(got) != string(want) {
			t.Errorf("%s not installed intact: %v", name, err)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("Install left %d entries in %s, want 1", len(entries), dir)
	}
}

func TestLaunch(t *testing.T) {
	plain := LaunchSpec{TaskRoot: "/task", Handler: "index.handler", BootstrapDir: "/boot", MemoryMB: 1024}
	withSDK := plain
	withSDK.SDK = "/cache/sdk/node-1/node_modules"
	withBoto := plain
	withBoto.SDK = "/cache/sdk/python-1"
	tests := []struct {
		spec      LaunchSpec
		rt        Runtime
		path      string
		args      []string
		env       []string
		asLimit   bool
		mechanism string
	}{
		{plain, Runtime{ID: "nodejs20.x", Family: Node, Interpreter: "/usr/bin/node"}, "/usr/bin/node",
			[]string{"--max-semi-space-size=51", "--max-old-space-size=922", "--enable-source-maps", "/boot/bootstrap.cjs"},
			[]string{"AWS_EXECUTION_ENV=AWS_Lambda_nodejs20.x", "NODE_PATH=/task/node_modules:/task"}, false, MemoryNodeHeap},
		// The SDK comes after the task root's own modules: a bundled copy wins.
		{withSDK, Runtime{ID: "nodejs20.x", Family: Node, Interpreter: "/usr/bin/node"}, "/usr/bin/node",
			[]string{"--max-semi-space-size=51", "--max-old-space-size=922", "--enable-source-maps", "/boot/bootstrap.cjs"},
			[]string{"AWS_EXECUTION_ENV=AWS_Lambda_nodejs20.x", "NODE_PATH=/task/node_modules:/task:/cache/sdk/node-1/node_modules"}, false, MemoryNodeHeap},
		{plain, Runtime{ID: "python3.11", Family: Python, Interpreter: "/py/python3.11"}, "/py/python3.11",
			[]string{"-u", "/boot/bootstrap.py"}, []string{"AWS_EXECUTION_ENV=AWS_Lambda_python3.11", "PYTHONUNBUFFERED=1"}, true, MemoryRlimitAS},
		// boto3's folder is an argument the bootstrap appends to sys.path, not PYTHONPATH (which would come first).
		{withBoto, Runtime{ID: "python3.11", Family: Python, Interpreter: "/py/python3.11"}, "/py/python3.11",
			[]string{"-u", "/boot/bootstrap.py", "/cache/sdk/python-1"}, []string{"AWS_EXECUTION_ENV=AWS_Lambda_python3.11", "PYTHONUNBUFFERED=1"}, true, MemoryRlimitAS},
		{plain, Runtime{ID: "provided.al2023", Family: Provided}, "/task/bootstrap", nil, []string{"GOMEMLIMIT=921MiB"}, false, MemoryGoMemLimit},
		{withSDK, Runtime{ID: "provided.al2023", Family: Provided}, "/task/bootstrap", nil, []string{"GOMEMLIMIT=921MiB"}, false, MemoryGoMemLimit},
	}
	for _, tt := range tests {
		l := tt.rt.Launch(tt.spec)
		if l.Path != tt.path || !slices.Equal(l.Args, tt.args) || !slices.Equal(l.Env, tt.env) || l.AddressSpaceLimit != tt.asLimit || l.MemoryMechanism != tt.mechanism {
			t.Errorf("%s: Launch = %+v\nwant path %s args %q env %q as %v %s", tt.rt.ID, l, tt.path, tt.args, tt.env, tt.asLimit, tt.mechanism)
		}
	}
}

// TestInstallReplacesTampered: a bootstrap rewritten with the same size
// fails Verify, and the next Install restores it.
func TestInstallReplacesTampered(t *testing.T) {
	dir := t.TempDir()
	inst, err := Install(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(inst); err != nil {
		t.Fatalf("fresh install: %v", err)
	}
	path := filepath.Join(inst, nodeBootstrap)
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o444 {
		t.Errorf("%s is %v, want read-only", path, fi.Mode().Perm())
	}
	orig, _ := os.ReadFile(path)
	evil := bytes.Repeat([]byte{'/'}, len(orig))
	os.Chmod(path, 0o644)
	if err := os.WriteFile(path, evil, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := Verify(inst); err == nil {
		t.Fatal("Verify passed a bootstrap rewritten with the same size")
	}
	again, err := Install(dir)
	if err != nil || again != inst {
		t.Fatalf("Install = %q, %v", again, err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, orig) {
		t.Error("Install kept the rewritten bootstrap")
	}
}
