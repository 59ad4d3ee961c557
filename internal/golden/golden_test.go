package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// TestRun: the archives in testdata/upper check strings.ToUpper.
func TestRun(t *testing.T) {
	Run(t, "upper", false, func(t *testing.T, a *txtar.Archive) (string, string) {
		in, ok := Section(a, "input")
		if !ok {
			t.Fatal("no input section")
		}
		return "want", strings.ToUpper(in)
	})
}

func TestSections(t *testing.T) {
	a := txtar.Parse([]byte("comment\n-- a --\n{\"n\": 1}\n-- b --\ntext\n"))
	var v struct{ N int }
	if !JSON(t, a, "a", &v) || v.N != 1 {
		t.Errorf("JSON(a) = %+v", v)
	}
	if JSON(t, a, "missing", &v) {
		t.Error("a missing section decoded")
	}
	set(a, "b", "new")
	set(a, "c", "added\n")
	if got := string(txtar.Format(a)); got != "comment\n-- a --\n{\"n\": 1}\n-- b --\nnew\n-- c --\nadded\n" {
		t.Errorf("after set:\n%s", got)
	}
}

// TestRunComment: the archives in testdata/comment hold their input in the
// comment; the files are written into a folder the test moves to.
func TestRunComment(t *testing.T) {
	RunComment(t, "comment", false, func(t *testing.T, input string, a *txtar.Archive) string {
		if len(a.Files) == 0 {
			return strings.ToUpper(input)
		}
		dir := t.TempDir()
		if err := WriteFiles(dir, a); err != nil {
			t.Fatal(err)
		}
		t.Chdir(dir)
		n := 0
		for _, f := range a.Files {
			if _, err := os.Stat(f.Name); err == nil {
				n++
			}
		}
		return fmt.Sprintf("%s: %d", strings.TrimSpace(input), n)
	})
}

func TestSplit(t *testing.T) {
	type tc struct {
		name, archive, input, want string
		ok                         bool
	}
	for _, c := range []tc{
		{"input and output", "a: 1\n----------\n{}\n\n-- x/y.txt --\nhello\n", "a: 1\n", "{}", true},
		{"no input", "----------\nerror\n", "", "error", true},
		{"separator not alone", "a: 1\n-----------\n{}\n", "", "", false},
		{"no separator", "a: 1\n", "", "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			input, want, ok := Split(txtar.Parse([]byte(c.archive)))
			if input != c.input || want != c.want || ok != c.ok {
				t.Errorf("Split = %q, %q, %v; want %q, %q, %v", input, want, ok, c.input, c.want, c.ok)
			}
		})
	}
}

// TestRunCommentUpdate: update rewrites the expected output and keeps the
// input and the files as they were.
func TestRunCommentUpdate(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "testdata", "c"), 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(root, "testdata", "c", "x.txtar")
	if err := os.WriteFile(file, []byte("in\n----------\nold\n\n-- f --\ndata\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(root)
	RunComment(t, "c", true, func(t *testing.T, input string, a *txtar.Archive) string {
		t.Chdir(t.TempDir()) // the archive is still found
		return "new\n"
	})
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if want := "in\n----------\nnew\n\n-- f --\ndata\n"; string(b) != want {
		t.Errorf("after update:\n%q\nwant\n%q", b, want)
	}
}

func TestWriteFiles(t *testing.T) {
	dir := t.TempDir()
	a := txtar.Parse([]byte("-- x/y.txt --\nhello\n-- e/ --\n"))
	if err := WriteFiles(dir, a); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "x", "y.txt")); err != nil || string(b) != "hello\n" {
		t.Errorf("x/y.txt = %q, %v", b, err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "e")); err != nil || !fi.IsDir() {
		t.Errorf("e/ not a folder: %v", err)
	}
}
