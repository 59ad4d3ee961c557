package build

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// tree lists the regular files under dir as slash paths.
func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func TestPython(t *testing.T) {
	type tc struct {
		name    string
		files   files
		entry   string
		fn      string
		handler string
		want    []string // files in the task root
	}
	for _, c := range []tc{
		{
			name: "folder copy",
			files: files{
				"fn/app.py": "def handler(e, c):\n    return 1\n", "fn/util/helpers.py": "X = 1\n",
				"fn/__pycache__/app.cpython-311.pyc": "x", "fn/.venv/bin/python": "x",
				"fn/node_modules/x/index.js": "x", "fn/.git/HEAD": "x", "other/skip.py": "x",
			},
			entry: "fn/app.py", handler: "app.handler",
			want: []string{"app.py", "util/helpers.py"},
		},
		{
			name: "module in a package",
			files: files{
				"src/pkg/__init__.py": "", "src/pkg/sub/__init__.py": "", "src/pkg/sub/mod.py": "from .. import x\n",
				"src/pkg/x.py": "", "src/main.py": "",
			},
			entry: "src/pkg/sub/mod.py", fn: "run", handler: "pkg/sub/mod.run",
			want: []string{"main.py", "pkg/__init__.py", "pkg/sub/__init__.py", "pkg/sub/mod.py", "pkg/x.py"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := c.files.write(t, t.TempDir())
			b := New(t.TempDir())
			fn := buildpack(filepath.Join(src, c.entry), c.fn, "")
			a := mustBuild(t, b, fn)
			if a.Handler != c.handler || a.Runtime != "python3.11" {
				t.Errorf("handler %q runtime %q", a.Handler, a.Runtime)
			}
			if got := listFiles(t, a.Dir); !slices.Equal(got, c.want) {
				t.Errorf("task root %q, want %q", got, c.want)
			}
			if again := mustBuild(t, b, fn); again.Hash != a.Hash {
				t.Error("unchanged folder, new hash")
			}
			files{c.entry: "# changed\n"}.write(t, src)
			if changed := mustBuild(t, b, fn); changed.Hash == a.Hash {
				t.Error("changed entry, same hash")
			}
		})
	}
}

func TestArtifactFolder(t *testing.T) {
	src := files{"index.mjs": "export const handler = 1;\n", "node_modules/dep/index.js": "x", "data/a.json": "{}"}.write(t, t.TempDir())
	if err := os.Chmod(filepath.Join(src, "data/a.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(src, "index.mjs"), filepath.Join(src, "link.mjs")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(src, "data"), filepath.Join(src, "datalink")); err != nil {
		t.Fatal(err)
	}
	b := New(t.TempDir())
	a := mustBuild(t, b, artifact(src, "index.handler", "nodejs20.x"))
	want := []string{"data/a.json", "index.mjs", "link.mjs", "node_modules/dep/index.js"}
	if got := listFiles(t, a.Dir); !slices.Equal(got, want) {
		t.Errorf("task root %q, want %q", got, want)
	}
	if st, err := os.Lstat(filepath.Join(a.Dir, "link.mjs")); err != nil || !st.Mode().IsRegular() {
		t.Errorf("a symlinked file is not copied as a file: %v", err)
	}
	if st, _ := os.Stat(filepath.Join(a.Dir, "data/a.json")); st.Mode()&0o111 == 0 {
		t.Error("executable bit lost")
	}
	if len(a.Warnings) != 1 || !strings.Contains(a.Warnings[0], "datalink") {
		t.Errorf("warnings %q", a.Warnings)
	}
	if a.Size != int64(len("export const handler = 1;\n")*2+len("x")+len("{}")) {
		t.Errorf("size %d", a.Size)
	}
}

func TestArtifactErrors(t *testing.T) {
	dir := files{"bootstrap": "x"}.write(t, t.TempDir())
	type tc struct {
		name    string
		ok      *Artifact // nil: an error is wanted
		path    string
		handler string
		runtime string
		want    string
	}
	for _, c := range []tc{
		{name: "no runtime", path: dir, handler: "x.y", want: "runtime is required"},
		{name: "no handler", path: dir, runtime: "nodejs20.x", want: "packaging.properties.handler is required"},
		{name: "bad runtime", path: dir, handler: "x.y", runtime: "java21", want: "bad runtime id"},
		{name: "no path", runtime: "nodejs20.x", handler: "x.y", want: "packagePath is required"},
		{name: "missing folder", path: dir + "/nope", handler: "x.y", runtime: "python3.11", want: "no such file"},
		{name: "provided defaults to bootstrap", path: dir, runtime: "provided.al2023", ok: &Artifact{Handler: "bootstrap"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, err := New(t.TempDir()).Build(context.Background(), artifact(c.path, c.handler, c.runtime))
			if c.ok != nil {
				if err != nil || a.Handler != c.ok.Handler {
					t.Errorf("err %v, artifact %+v", err, a)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want %q", err, c.want)
			}
		})
	}
}

// Concurrent builds of one function, by separate builders sharing a folder
// (as separate processes would), all end with the same complete version.
func TestConcurrentBuilds(t *testing.T) {
	src := tsProject.write(t, t.TempDir())
	py := files{"app.py": "def handler(e, c): pass\n"}.write(t, t.TempDir())
	dir := t.TempDir()
	const n = 6
	var wg sync.WaitGroup
	hashes := make([]string, 2*n)
	errs := make([]error, 2*n)
	for i := range n {
		wg.Add(2)
		go func() {
			defer wg.Done()
			a, err := New(dir).Build(context.Background(), buildpack(filepath.Join(src, "src/app.ts"), "", ""))
			if err == nil {
				hashes[2*i] = a.Hash
			}
			errs[2*i] = err
		}()
		go func() {
			defer wg.Done()
			a, err := New(dir).Build(context.Background(), buildpack(filepath.Join(py, "app.py"), "", ""))
			if err == nil {
				hashes[2*i+1] = a.Hash
			}
			errs[2*i+1] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("build %d: %v", i, err)
		}
		if hashes[i] != hashes[i%2] {
			t.Errorf("build %d: hash %s, want %s", i, hashes[i], hashes[i%2])
		}
	}
	noLeftovers(t, dir)
	for _, h := range hashes[:2] {
		if New(dir).lookup(h) == nil {
			t.Errorf("version %s is incomplete", h)
		}
	}
}

func TestPrune(t *testing.T) {
	dir := t.TempDir()
	b := New(dir)
	src := files{"app.py": "v1\n"}.write(t, t.TempDir())
	ts := tsProject.write(t, t.TempDir())
	fn := buildpack(filepath.Join(src, "app.py"), "", "")
	v1 := mustBuild(t, b, fn)
	files{"app.py": "v2\n"}.write(t, src)
	v2 := mustBuild(t, b, fn)
	node := mustBuild(t, b, buildpack(filepath.Join(ts, "src/app.ts"), "", ""))

	if err := b.Prune(map[string]bool{v2.Hash: true}); err != nil {
		t.Fatal(err)
	}
	for _, gone := range []*Artifact{v1, node} {
		if _, err := os.Stat(gone.Dir); !os.IsNotExist(err) {
			t.Errorf("%s not removed", gone.Dir)
		}
		if _, err := os.Stat(b.metaPath(gone.Hash)); !os.IsNotExist(err) {
			t.Errorf("%s description not removed", gone.Hash)
		}
	}
	if b.lookup(v2.Hash) == nil {
		t.Error("the kept version was removed")
	}
	if ents, _ := os.ReadDir(filepath.Join(dir, manifestsDir)); len(ents) != 0 {
		t.Errorf("%d manifests of removed versions left", len(ents))
	}
	noLeftovers(t, dir)
	// The removed node version is rebuilt on demand.
	if again := mustBuild(t, b, buildpack(filepath.Join(ts, "src/app.ts"), "", "")); again.Hash != node.Hash || b.lookup(node.Hash) == nil {
		t.Error("rebuild after prune")
	}
}

func TestSizeLimit(t *testing.T) {
	src := files{"app.py": strings.Repeat("#", 2000)}.write(t, t.TempDir())
	b := New(t.TempDir())
	b.limit = 1000
	_, err := b.Build(context.Background(), buildpack(filepath.Join(src, "app.py"), "", ""))
	if err == nil || !strings.Contains(err.Error(), "size limit") {
		t.Errorf("err = %v", err)
	}
	noLeftovers(t, b.dir)
}

// TestDataFolderLeftOut: a Python entry in the stack folder, whose data
// folder (.verge, where the builds go) is inside it: the task root holds
// the code, never the data folder's keys and tokens, and the copy ends.
func TestDataFolderLeftOut(t *testing.T) {
	src := files{
		"app.py": "def handler(e, c):\n    return 1\n", ".verge/admin-token": "secret", ".verge/aws-credentials-key": "key",
	}.write(t, t.TempDir())
	b := New(filepath.Join(src, ".verge", "builds"))
	a := mustBuild(t, b, buildpack(filepath.Join(src, "app.py"), "", ""))
	if got := listFiles(t, a.Dir); !slices.Equal(got, []string{"app.py"}) {
		t.Errorf("task root %q, want only app.py", got)
	}
}
