package build

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// entry is one file of a test zip.
type entry struct {
	name string
	body string
	mode fs.FileMode
	// size, when set, is the uncompressed size the header claims.
	size uint64
}

// writeZip writes the entries as a zip file and returns its path.
func writeZip(t *testing.T, entries ...entry) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.mode != 0 {
			h.SetMode(e.mode)
		}
		if e.size == 0 {
			w, err := zw.CreateHeader(h)
			if err != nil {
				t.Fatal(err)
			}
			w.Write([]byte(e.body))
			continue
		}
		// A header that lies about the size: write the deflated body raw.
		var comp bytes.Buffer
		fw, _ := flate.NewWriter(&comp, flate.BestSpeed)
		fw.Write([]byte(e.body))
		fw.Close()
		h.UncompressedSize64, h.CompressedSize64 = e.size, uint64(comp.Len())
		w, err := zw.CreateRaw(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(comp.Bytes())
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "code.zip")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestZip(t *testing.T) {
	zp := writeZip(t,
		entry{name: "bootstrap", body: "#!/bin/sh\necho hi\n", mode: 0o755},
		entry{name: "lib/"},
		entry{name: "lib/a.txt", body: "a"},
		entry{name: "./deep/er/b.txt", body: "b"},
	)
	b := New(t.TempDir())
	a := mustBuild(t, b, artifact(zp, "", "provided.al2023"))
	if a.Handler != "bootstrap" || a.Runtime != "provided.al2023" {
		t.Errorf("handler %q runtime %q", a.Handler, a.Runtime)
	}
	want := []string{"bootstrap", "deep/er/b.txt", "lib/a.txt"}
	if got := listFiles(t, a.Dir); !slices.Equal(got, want) {
		t.Errorf("files %q, want %q", got, want)
	}
	if st, err := os.Stat(filepath.Join(a.Dir, "bootstrap")); err != nil || st.Mode()&0o111 == 0 {
		t.Errorf("bootstrap not executable: %v", err)
	}
	if a.Size != int64(len("#!/bin/sh\necho hi\n")+2) {
		t.Errorf("size %d", a.Size)
	}
	if again := mustBuild(t, b, artifact(zp, "", "provided.al2023")); again.Hash != a.Hash {
		t.Error("same zip, new hash")
	}
	other := writeZip(t, entry{name: "bootstrap", body: "#!/bin/sh\necho bye\n", mode: 0o755})
	if changed := mustBuild(t, b, artifact(other, "", "provided.al2023")); changed.Hash == a.Hash {
		t.Error("another zip, same hash")
	}
	noLeftovers(t, b.dir)
}

func TestZipRefused(t *testing.T) {
	big := strings.Repeat("0", 5000)
	type tc struct {
		name    string
		entries []entry
		want    string
	}
	for _, c := range []tc{
		{"dot-dot", []entry{{name: "../evil", body: "x"}}, "escapes"},
		{"nested dot-dot", []entry{{name: "a/../../evil", body: "x"}}, "escapes"},
		{"dot-dot inside", []entry{{name: "a/../b", body: "x"}}, "escapes"},
		{"absolute", []entry{{name: "/etc/evil", body: "x"}}, "absolute"},
		{"backslash", []entry{{name: `..\evil`, body: "x"}}, "backslash"},
		{"symlink", []entry{{name: "link", body: "/etc/passwd", mode: fs.ModeSymlink | 0o777}}, "symbolic link"},
		{"duplicate", []entry{{name: "a", body: "1"}, {name: "a", body: "2"}}, "exists"},
		{"over the limit", []entry{{name: "a", body: big}}, "size limit"},
		{"header lies about the size", []entry{{name: "a", body: big, size: 10}}, `zip entry "a"`}, // archive/zip notices
		{"many small files over the limit", []entry{{name: "a", body: big[:600]}, {name: "b", body: big[:600]}}, "size limit"},
	} {
		t.Run(c.name, func(t *testing.T) {
			zp := writeZip(t, c.entries...)
			b := New(t.TempDir())
			b.limit = 1000
			_, err := b.Build(context.Background(), artifact(zp, "index.handler", "nodejs20.x"))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want %q", err, c.want)
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(b.dir), "evil")); err == nil {
				t.Error("a file escaped")
			}
			noLeftovers(t, b.dir)
		})
	}
}

func TestZipNotAZip(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.zip")
	os.WriteFile(p, []byte("not a zip"), 0o644)
	_, err := New(t.TempDir()).Build(context.Background(), artifact(p, "a.b", "python3.11"))
	if err == nil || !strings.Contains(err.Error(), "reading the zip") {
		t.Errorf("err = %v", err)
	}
}

func TestEntryPath(t *testing.T) {
	type tc struct {
		name string
		want string // "" for refused
	}
	for _, c := range []tc{
		{"a.txt", "a.txt"}, {"dir/", "dir"}, {"./a/b", "a/b"}, {"a//b", "a/b"}, {"./", "."},
		{"", ""}, {"..", ""}, {"../a", ""}, {"a/..", ""}, {"/a", ""}, {`a\b`, ""}, {"a\x00b", ""},
	} {
		got, err := entryPath(c.name)
		if (err != nil) != (c.want == "") || (err == nil && got != filepath.FromSlash(c.want)) {
			t.Errorf("entryPath(%q) = %q, %v; want %q", c.name, got, err, c.want)
		}
	}
}

func FuzzEntryPath(f *testing.F) {
	for _, s := range []string{"a.txt", "dir/", "../a", "a/../../b", "/etc/passwd", `..\x`, "./", "a/./b", "....//x"} {
		f.Add(s)
	}
	root := filepath.FromSlash("/task/root")
	f.Fuzz(func(t *testing.T, name string) {
		rel, err := entryPath(name)
		if err != nil {
			return
		}
		p := filepath.Join(root, rel)
		if p != root && !strings.HasPrefix(p, root+string(filepath.Separator)) {
			t.Fatalf("entryPath(%q) = %q escapes to %s", name, rel, p)
		}
		if !filepath.IsLocal(rel) {
			t.Fatalf("entryPath(%q) = %q is not local", name, rel)
		}
	})
}
