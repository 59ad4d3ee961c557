package watch

import (
	"bytes"
	"cmp"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/errs"
)

const (
	testSettle = 40 * time.Millisecond
	// within bounds how long an expected change may take on a loaded machine.
	within = 3 * time.Second
)

// recorder collects the changes a watcher emits.
type recorder struct {
	mu   sync.Mutex
	got  []string      // "+path" or "-path"
	wait time.Duration // how long expect waits; within when zero
}

func (r *recorder) emit(c Change) {
	r.mu.Lock()
	defer r.mu.Unlock()
	sign := "+"
	if c.Removed {
		sign = "-"
	}
	r.got = append(r.got, sign+c.Path)
}

func (r *recorder) changes() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

// expect waits until the changes include want, then for a quiet spell in
// which no other change may come, and compares them as multisets.
func (r *recorder) expect(t *testing.T, want []string, quiet time.Duration) {
	t.Helper()
	want = slices.Sorted(slices.Values(want))
	deadline := time.Now().Add(cmp.Or(r.wait, within))
	for !contains(r.changes(), want) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(quiet)
	got := slices.Sorted(slices.Values(r.changes()))
	if !slices.Equal(got, want) {
		t.Errorf("changes = %q, want %q", got, want)
	}
}

// contains reports whether got holds every change of want, counting repeats.
func contains(got, want []string) bool {
	n := map[string]int{}
	for _, g := range got {
		n[g]++
	}
	for _, w := range want {
		if n[w]--; n[w] < 0 {
			return false
		}
	}
	return true
}

// start watches a new folder holding files and returns it.
func start(t *testing.T, files map[string]string, portable bool) (string, *recorder) {
	t.Helper()
	dir := t.TempDir()
	write(t, dir, files)
	rec := &recorder{}
	w, err := Watch(dir, Options{Settle: testSettle, portable: portable, Ignore: func(rel string) bool {
		return rel == ".verge~tmp"
	}}, rec.emit)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return dir, rec
}

// write creates files (slash paths → content) under dir; a path ending in
// "/" is a folder.
func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			must(t, os.MkdirAll(p, 0o755))
			continue
		}
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, []byte(content), 0o644))
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// slowWrite writes chunks into name, pausing between them with the file
// open, and checks nothing is announced before the close.
func slowWrite(pause time.Duration) func(t *testing.T, dir string, rec *recorder) {
	return func(t *testing.T, dir string, rec *recorder) {
		f, err := os.Create(filepath.Join(dir, "slow.bin"))
		must(t, err)
		for i := range 4 {
			_, err := f.WriteString(strings.Repeat(fmt.Sprint(i), 1000))
			must(t, err)
			time.Sleep(pause)
		}
		if got := rec.changes(); len(got) != 0 {
			t.Errorf("announced before the close: %q", got)
		}
		must(t, f.Close())
	}
}

func TestWatch(t *testing.T) {
	type watchTest struct {
		name       string
		files      map[string]string // present at start
		act        func(t *testing.T, dir string, rec *recorder)
		want       []string
		closesOnly bool // needs close events (inotify)
	}
	rename := func(from, to string) func(t *testing.T, dir string, rec *recorder) {
		return func(t *testing.T, dir string, _ *recorder) {
			must(t, os.Rename(filepath.Join(dir, from), filepath.Join(dir, to)))
		}
	}
	writes := func(files map[string]string) func(t *testing.T, dir string, rec *recorder) {
		return func(t *testing.T, dir string, _ *recorder) { write(t, dir, files) }
	}
	tests := []watchTest{
		{name: "write", act: writes(map[string]string{"a.txt": "hello"}), want: []string{"+a.txt"}},
		{name: "empty file", act: writes(map[string]string{"empty": ""}), want: []string{"+empty"}},
		{name: "overwrite in place", files: map[string]string{"a.txt": "v1"}, act: writes(map[string]string{"a.txt": "version 2"}), want: []string{"+a.txt"}},
		{name: "in a subfolder present at start", files: map[string]string{"d/e/": ""}, act: writes(map[string]string{"d/e/a": "x"}), want: []string{"+d/e/a"}},
		{name: "slow write", act: slowWrite(3 * testSettle), want: []string{"+slow.bin"}},
		{name: "slow write past the quiet period", act: slowWrite(minQuiet + 100*time.Millisecond), want: []string{"+slow.bin"}, closesOnly: true},
		{name: "temp and rename", act: func(t *testing.T, dir string, _ *recorder) {
			write(t, dir, map[string]string{".a.txt.tmp1234": "atomic"})
			must(t, os.Rename(filepath.Join(dir, ".a.txt.tmp1234"), filepath.Join(dir, "a.txt")))
		}, want: []string{"+a.txt"}},
		{name: "temp and rename over a file", files: map[string]string{"a.txt": "old"}, act: func(t *testing.T, dir string, _ *recorder) {
			write(t, dir, map[string]string{"a.txt.swp": "new content"})
			must(t, os.Rename(filepath.Join(dir, "a.txt.swp"), filepath.Join(dir, "a.txt")))
		}, want: []string{"+a.txt"}},
		{name: "vim backup write", files: map[string]string{"f.txt": "old"}, act: func(t *testing.T, dir string, _ *recorder) {
			write(t, dir, map[string]string{"4913": ""}) // vim's probe
			must(t, os.Remove(filepath.Join(dir, "4913")))
			must(t, os.Rename(filepath.Join(dir, "f.txt"), filepath.Join(dir, "f.txt~")))
			write(t, dir, map[string]string{"f.txt": "new"})
			must(t, os.Remove(filepath.Join(dir, "f.txt~")))
		}, want: []string{"+f.txt"}},
		{name: "store temp folder ignored", files: map[string]string{".verge~tmp/": ""}, act: func(t *testing.T, dir string, _ *recorder) {
			write(t, dir, map[string]string{".verge~tmp/up1": "uploaded"})
			must(t, os.Rename(filepath.Join(dir, ".verge~tmp/up1"), filepath.Join(dir, "obj")))
		}, want: []string{"+obj"}},
		{name: "ignored folder made later", act: func(t *testing.T, dir string, _ *recorder) {
			write(t, dir, map[string]string{".verge~tmp/a/b": "x", "c": "y"})
		}, want: []string{"+c"}},
		{name: "copied tree", act: func(t *testing.T, dir string, _ *recorder) {
			src := t.TempDir()
			write(t, src, tree)
			must(t, os.CopyFS(filepath.Join(dir, "site"), os.DirFS(src)))
		}, want: treeChanges("site/")},
		{name: "cp -r", act: func(t *testing.T, dir string, _ *recorder) {
			cp, err := exec.LookPath("cp")
			if err != nil {
				t.Skip("no cp")
			}
			src := t.TempDir()
			write(t, src, tree)
			if out, err := exec.Command(cp, "-r", src, filepath.Join(dir, "site")).CombinedOutput(); err != nil {
				t.Fatalf("cp -r: %v: %s", err, out)
			}
		}, want: treeChanges("site/")},
		{name: "tree moved in", act: func(t *testing.T, dir string, _ *recorder) {
			src := filepath.Join(filepath.Dir(dir), filepath.Base(dir)+"-out")
			write(t, src, tree)
			defer os.RemoveAll(src)
			must(t, os.Rename(src, filepath.Join(dir, "site")))
		}, want: treeChanges("site/")},
		{name: "mkdir -p then files", act: func(t *testing.T, dir string, _ *recorder) {
			must(t, os.MkdirAll(filepath.Join(dir, "x/y/z"), 0o755))
			write(t, dir, map[string]string{"x/1": "1", "x/y/2": "2", "x/y/z/3": "3"})
		}, want: []string{"+x/1", "+x/y/2", "+x/y/z/3"}},
		{name: "remove a file", files: map[string]string{"a.txt": "x", "b.txt": "y"}, act: func(t *testing.T, dir string, _ *recorder) {
			must(t, os.Remove(filepath.Join(dir, "a.txt")))
		}, want: []string{"-a.txt"}},
		{name: "remove a tree", files: map[string]string{"d/a": "1", "d/e/b": "2", "d/e/f/": "", "keep": "k"}, act: func(t *testing.T, dir string, _ *recorder) {
			must(t, os.RemoveAll(filepath.Join(dir, "d")))
		}, want: []string{"-d/a", "-d/e/b"}},
		{name: "rename a file", files: map[string]string{"a.txt": "x"}, act: rename("a.txt", "b.txt"), want: []string{"-a.txt", "+b.txt"}},
		{name: "rename a folder", files: map[string]string{"d/a": "1", "d/e/b": "2"}, act: rename("d", "n"), want: []string{"-d/a", "-d/e/b", "+n/a", "+n/e/b"}},
		{name: "folder moved out stops its watch", files: map[string]string{"d/a": "1"}, act: func(t *testing.T, dir string, rec *recorder) {
			out := filepath.Join(filepath.Dir(dir), filepath.Base(dir)+"-away")
			defer os.RemoveAll(out)
			must(t, os.Rename(filepath.Join(dir, "d"), out))
			rec.expect(t, []string{"-d/a"}, 0)
			write(t, out, map[string]string{"late": "not ours"})
		}, want: []string{"-d/a"}},
		{name: "folder made after the old one moved out", files: map[string]string{"d/a": "1"}, act: func(t *testing.T, dir string, rec *recorder) {
			out := filepath.Join(filepath.Dir(dir), filepath.Base(dir)+"-gone")
			defer os.RemoveAll(out)
			must(t, os.Rename(filepath.Join(dir, "d"), out))
			write(t, dir, map[string]string{"d/b": "2"})
		}, want: []string{"-d/a", "+d/b"}},
		{name: "symlink not announced", files: map[string]string{"real": "r"}, act: func(t *testing.T, dir string, _ *recorder) {
			if err := os.Symlink("real", filepath.Join(dir, "link")); err != nil {
				t.Skipf("symlink: %v", err)
			}
			write(t, dir, map[string]string{"after": "a"})
		}, want: []string{"+after"}},
		{name: "opened and closed unchanged", files: map[string]string{"same": "s"}, act: func(t *testing.T, dir string, _ *recorder) {
			f, err := os.OpenFile(filepath.Join(dir, "same"), os.O_WRONLY, 0)
			must(t, err)
			must(t, f.Close())
			write(t, dir, map[string]string{"after": "a"})
		}, want: []string{"+after"}},
		{name: "created and removed quickly", act: func(t *testing.T, dir string, _ *recorder) {
			write(t, dir, map[string]string{"brief": "b"})
			must(t, os.Remove(filepath.Join(dir, "brief")))
			write(t, dir, map[string]string{"after": "a"})
		}, want: []string{"+after"}},
	}
	for _, portable := range []bool{false, true} {
		for _, tt := range tests {
			name := tt.name
			if portable {
				name = "portable/" + name
			}
			t.Run(name, func(t *testing.T) {
				if portable && tt.closesOnly {
					t.Skip("the portable source sees no closes")
				}
				t.Parallel()
				dir, rec := start(t, tt.files, portable)
				tt.act(t, dir, rec)
				quiet := 5 * testSettle
				if portable {
					quiet += minQuiet
				}
				rec.expect(t, tt.want, quiet)
			})
		}
	}
}

// tree is a folder of files, as a build writes one.
var tree = map[string]string{
	"index.html":        "<html>",
	"assets/app.js":     "js",
	"assets/app.css":    "css",
	"assets/img/a.png":  "png",
	"assets/img/b.png":  "png2",
	"docs/deep/x/y.txt": "y",
	"docs/empty/":       "",
}

// treeChanges is tree's files, created under prefix.
func treeChanges(prefix string) []string {
	var out []string
	for name := range tree {
		if !strings.HasSuffix(name, "/") {
			out = append(out, "+"+prefix+name)
		}
	}
	return out
}

func TestWatchMany(t *testing.T) {
	// Many files at once in many new folders: each announced once.
	dir, rec := start(t, nil, false)
	var want []string
	for i := range 40 {
		sub := fmt.Sprintf("d%d/e%d/", i%7, i)
		for j := range 10 {
			name := fmt.Sprintf("%sf%d", sub, j)
			write(t, dir, map[string]string{name: name})
			want = append(want, "+"+name)
		}
	}
	rec.expect(t, want, 5*testSettle)
}

func TestWatchErrors(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"file": "x"})
	type errTest struct {
		name string
		dir  string
		kind errs.Kind
	}
	tests := []errTest{
		{"missing", filepath.Join(dir, "nope"), errs.IO},
		{"a file", filepath.Join(dir, "file"), errs.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := Watch(tt.dir, Options{}, func(Change) {})
			if !errs.Is(tt.kind, err) {
				t.Errorf("Watch = %v, want kind %v", err, tt.kind)
			}
			if w != nil {
				w.Close()
			}
		})
	}
}

func TestSymlinkedRoot(t *testing.T) {
	parent := t.TempDir()
	real := filepath.Join(parent, "build", "out")
	write(t, real, map[string]string{"old": "o"})
	link := filepath.Join(parent, "dist")
	if err := os.Symlink(filepath.Join("build", "out"), link); err != nil {
		t.Skipf("symlink: %v", err)
	}
	rec := &recorder{}
	w, err := Watch(link, Options{Settle: testSettle}, rec.emit)
	must(t, err)
	defer w.Close()
	write(t, link, map[string]string{"new": "n"})
	must(t, os.Remove(filepath.Join(real, "old")))
	rec.expect(t, []string{"+new", "-old"}, 3*testSettle)
}

func TestCloseStops(t *testing.T) {
	dir := t.TempDir()
	rec := &recorder{}
	w, err := Watch(dir, Options{Settle: testSettle}, rec.emit)
	must(t, err)
	write(t, dir, map[string]string{"a": "1"})
	rec.expect(t, []string{"+a"}, 0)
	done := make(chan error, 1)
	go func() { done <- w.Close() }()
	select {
	case err := <-done:
		must(t, err)
	case <-time.After(within):
		t.Fatal("Close hangs")
	}
	must(t, w.Close()) // twice is fine
	write(t, dir, map[string]string{"b": "2"})
	time.Sleep(3 * testSettle)
	if got := rec.changes(); !slices.Equal(got, []string{"+a"}) {
		t.Errorf("changes after Close = %q", got)
	}
}

func TestRemovedRoot(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "bucket")
	write(t, dir, map[string]string{"a": "1", "s/b": "2"})
	rec := &recorder{}
	w, err := Watch(dir, Options{Settle: testSettle}, rec.emit)
	must(t, err)
	defer w.Close()
	must(t, os.RemoveAll(dir))
	rec.expect(t, []string{"-a", "-s/b"}, 3*testSettle)
}

// TestOverflow blocks the loop in emit while more files are written than
// the kernel's queue holds: the overflow rescans, and every file is
// announced once.
func TestOverflow(t *testing.T) {
	max, err := os.ReadFile("/proc/sys/fs/inotify/max_queued_events")
	if err != nil {
		t.Skip("no inotify limits to overflow")
	}
	var queued int
	if _, err := fmt.Sscan(string(max), &queued); err != nil || queued > 1<<16 {
		t.Skipf("max_queued_events %q is too many to overflow in a test", max)
	}
	dir := t.TempDir()
	write(t, dir, map[string]string{"sub/": ""})
	rec := &recorder{wait: 30 * time.Second}
	entered, unblock := make(chan struct{}), make(chan struct{})
	var once sync.Once
	var logged syncBuffer
	w, err := Watch(dir, Options{Settle: testSettle, Logger: slog.New(slog.NewTextHandler(&logged, nil))}, func(c Change) {
		once.Do(func() {
			close(entered)
			<-unblock
		})
		rec.emit(c)
	})
	must(t, err)
	defer w.Close()
	write(t, dir, map[string]string{"first": "1"})
	select {
	case <-entered:
	case <-time.After(within):
		t.Fatal("no change for the first file")
	}
	// Two events a file (create, close): past the kernel's queue and the
	// channel.
	want := []string{"+first"}
	n := queued/2 + eventBuffer + 500
	for i := range n {
		name := fmt.Sprintf("sub/f%05d", i)
		must(t, os.WriteFile(filepath.Join(dir, name), nil, 0o644))
		want = append(want, "+"+name)
	}
	close(unblock)
	rec.expect(t, want, 5*testSettle)
	if !strings.Contains(logged.String(), "events lost") {
		t.Errorf("no overflow logged: %q", logged.String())
	}
}

// syncBuffer is a buffer a logger writes to from the loop.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
