package s3

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestKeyPathGolden checks the mapping against testdata/keys.txt: lines
// "QUOTED-KEY -> QUOTED-PATH" (Go quoting), and that every path maps back.
func TestKeyPathGolden(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "keys.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, p, ok := strings.Cut(line, " -> ")
		if !ok {
			t.Fatalf("bad line %q", line)
		}
		key, err1 := strconv.Unquote(k)
		want, err2 := strconv.Unquote(p)
		if err1 != nil || err2 != nil {
			t.Fatalf("bad quoting in %q", line)
		}
		n++
		rel, long, err := keyPath(key)
		if err != nil {
			if want != "error" {
				t.Errorf("keyPath(%q): %v", key, err)
			}
			continue
		}
		if rel != want {
			t.Errorf("keyPath(%q) = %q, want %q", key, rel, want)
		}
		back, ok := keyOf(rel, mapLookup(long))
		if !ok || back != key {
			t.Errorf("keyOf(%q) = %q, %v; want %q", rel, back, ok, key)
		}
	}
	if n < 10 {
		t.Fatalf("only %d cases", n)
	}
}

func mapLookup(m map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) { s, ok := m[name]; return s, ok }
}

func TestKeyOfRefuses(t *testing.T) {
	for _, rel := range []string{
		"", ".verge~tmp", ".verge~tmp/x", "a/.verge~zz", ".verge~c4", // c4 is "a": not canonical for an ordinary name
		".verge~" + strings.Repeat("0", 41), ".verge~h" + strings.Repeat("0", 40), // unknown hash
		"a/../b", "a/./b", ".verge~C4",
	} {
		if k, ok := keyOf(rel, nil); ok {
			t.Errorf("keyOf(%q) = %q, want not an object", rel, k)
		}
	}
}

func TestIgnoredName(t *testing.T) {
	for rel, want := range map[string]bool{
		"a.txt": false, "img/a.png": false, tmpFolder + "-probe": true, "a/.verge~": false, ".verge~tmp": true,
		".verge~tmp/abc.tmp": true, "a/.verge~zz/b": true, ".verge~h" + strings.Repeat("a", 40): false,
	} {
		if got := IgnoredName(rel); got != want {
			t.Errorf("IgnoredName(%q) = %v, want %v", rel, got, want)
		}
	}
}

// FuzzKeyPath: a key's path is always inside the folder, and maps back to
// the key.
func FuzzKeyPath(f *testing.F) {
	for _, k := range []string{"a", "img/a.png", "a/b/", "/", "//", "a//b", ".", "..", "../x", ".verge~", ".verge~tmp",
		strings.Repeat("x", 256), strings.Repeat("é", 200) + "/", "a\x00b", "é/ü", strings.Repeat("/", 1024)} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, key string) {
		rel, long, err := keyPath(key)
		if err != nil {
			if key != "" && len(key) <= maxKeyLen && utf8.ValidString(key) {
				t.Fatalf("keyPath(%q): %v", key, err)
			}
			return
		}
		if !filepath.IsLocal(rel) || filepath.IsAbs(rel) || strings.ContainsRune(rel, 0) {
			t.Fatalf("keyPath(%q) = %q: not local", key, rel)
		}
		for _, name := range strings.Split(rel, "/") {
			if name == ".." || name == "." || name == "" || len(name) > maxNameLen {
				t.Fatalf("keyPath(%q) = %q: bad name %q", key, rel, name)
			}
		}
		if IgnoredName(rel) {
			t.Fatalf("keyPath(%q) = %q is ignored", key, rel)
		}
		back, ok := keyOf(rel, mapLookup(long))
		if !ok || back != key {
			t.Fatalf("keyOf(keyPath(%q)) = %q, %v", key, back, ok)
		}
	})
}

// FuzzKeyOf: any path that decodes is the path of its key (no two paths
// name one key).
func FuzzKeyOf(f *testing.F) {
	for _, r := range []string{"a", "a/.verge~", ".verge~c4", ".verge~5o", "a/.verge~/b", ".verge~tmp",
		".verge~" + strings.Repeat("0", 256), // a segment long enough to be hashed, spelt in base32
	} {
		f.Add(r)
	}
	f.Fuzz(func(t *testing.T, rel string) {
		key, ok := keyOf(rel, nil)
		if !ok {
			return
		}
		back, _, err := keyPath(key)
		if err != nil || back != rel {
			t.Fatalf("keyOf(%q) = %q, whose path is %q (%v)", rel, key, back, err)
		}
	})
}

// FuzzParseLong: the long-names index parser never panics and keeps only
// entries whose hash matches.
func FuzzParseLong(f *testing.F) {
	seg := strings.Repeat("x", 300)
	f.Add([]byte(hashName(seg) + " " + "eHh4\n"))
	f.Add([]byte("garbage\n\n .verge~h00 AAAA"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for name, seg := range parseLong(b) {
			if hashName(seg) != name {
				t.Fatalf("entry %q → %q does not hash to its name", name, seg)
			}
		}
	})
}
