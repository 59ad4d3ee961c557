package golden

import (
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
