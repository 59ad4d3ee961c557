// Package golden runs golden-file tests over txtar archives
// (golang.org/x/tools/txtar): each archive in a test's testdata folder holds
// input sections and one expected-output section, which `go test -update`
// rewrites with what the code produces.
//
// RunComment reads a second layout, Caddy's adapt tests': the archive's
// comment is the input, then a line Separator, then the expected output,
// and the files are more input (a folder for the code under test, which
// WriteFiles lays out).
package golden

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

// Run calls fn on every archive in testdata/dir. fn returns the name of
// the section it checks and the text it produced, which must equal the
// section's (space-trimmed); with update, the section is rewritten instead.
func Run(t *testing.T, dir string, update bool, fn func(t *testing.T, a *txtar.Archive) (name, got string)) {
	t.Helper()
	each(t, dir, update, func(t *testing.T, a *txtar.Archive) (string, string, string, func(string)) {
		name, got := fn(t, a)
		want, _ := Section(a, name)
		return "section " + name, want, got, func(got string) { set(a, name, got) }
	})
}

// Separator is the line of an archive's comment that ends the input and
// starts the expected output, in the layout RunComment reads.
const Separator = "----------"

// RunComment calls fn on every archive in testdata/dir whose comment is the
// input, a line Separator and the expected output. fn gets the input (with
// the archive's line numbers, so that messages citing a line point into the
// golden file) and returns the output, which must equal the expected
// output (space-trimmed); with update, the expected output is rewritten
// instead. fn may change the working directory (t.Chdir).
func RunComment(t *testing.T, dir string, update bool, fn func(t *testing.T, input string, a *txtar.Archive) (got string)) {
	t.Helper()
	each(t, dir, update, func(t *testing.T, a *txtar.Archive) (string, string, string, func(string)) {
		input, want, ok := Split(a)
		if !ok {
			t.Fatalf("no line %s in the comment", Separator)
		}
		return "the expected output", want, fn(t, input, a), func(got string) {
			c := input + Separator + "\n" + strings.TrimRight(got, "\n") + "\n"
			if len(a.Files) > 0 {
				c += "\n"
			}
			a.Comment = []byte(c)
		}
	})
}

// Split returns the parts of a's comment before and after the line
// Separator: the input as it is and the expected output space-trimmed. ok
// is false when there is no such line.
func Split(a *txtar.Archive) (input, want string, ok bool) {
	c := string(a.Comment)
	sep := Separator + "\n"
	end := 0 // of the input
	if !strings.HasPrefix(c, sep) {
		i := strings.Index(c, "\n"+sep)
		if i < 0 {
			return "", "", false
		}
		end = i + 1
	}
	return c[:end], strings.TrimSpace(c[end+len(sep):]), true
}

// each runs check on every archive in testdata/dir, in a subtest named
// after the file. check returns what it compares (for messages), the
// expected text, the text produced and how to put the latter in the
// archive for update.
func each(t *testing.T, dir string, update bool, check func(t *testing.T, a *txtar.Archive) (what, want, got string, set func(got string))) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files in testdata/%s (%v)", dir, err)
	}
	for _, file := range files {
		file, err := filepath.Abs(file) // check may change directory
		if err != nil {
			t.Fatal(err)
		}
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			a, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			what, want, got, set := check(t, a)
			if strings.TrimSpace(got) == strings.TrimSpace(want) {
				return
			}
			if update {
				set(got)
				if err := os.WriteFile(file, txtar.Format(a), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			t.Errorf("%s: %s differs (-want +got), rerun with -update to accept:\n%s", file, what, cmp.Diff(strings.TrimSpace(want), strings.TrimSpace(got)))
		})
	}
}

// WriteFiles writes a's files into dir, making folders as needed; a name
// ending in "/" is an empty folder.
func WriteFiles(dir string, a *txtar.Archive) error {
	for _, f := range a.Files {
		target := filepath.Join(dir, filepath.FromSlash(f.Name))
		if strings.HasSuffix(f.Name, "/") {
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Section returns the content of the section called name.
func Section(a *txtar.Archive, name string) (string, bool) {
	for _, f := range a.Files {
		if f.Name == name {
			return string(f.Data), true
		}
	}
	return "", false
}

// JSON decodes the section called name into v; false when it is absent.
func JSON(t testing.TB, a *txtar.Archive, name string, v any) bool {
	t.Helper()
	s, ok := Section(a, name)
	if !ok {
		return false
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("section %s: %v", name, err)
	}
	return true
}

// set replaces (or appends) the section called name.
func set(a *txtar.Archive, name, data string) {
	data = strings.TrimRight(data, "\n") + "\n"
	for i := range a.Files {
		if a.Files[i].Name == name {
			a.Files[i].Data = []byte(data)
			return
		}
	}
	a.Files = append(a.Files, txtar.File{Name: name, Data: []byte(data)})
}
