// Package golden runs golden-file tests over txtar archives
// (golang.org/x/tools/txtar): each archive in a test's testdata folder holds
// input sections and one expected-output section, which `go test -update`
// rewrites with what the code produces.
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
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files in testdata/%s (%v)", dir, err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			a, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			name, got := fn(t, a)
			want, _ := Section(a, name)
			if strings.TrimSpace(got) == strings.TrimSpace(want) {
				return
			}
			if update {
				set(a, name, got)
				if err := os.WriteFile(file, txtar.Format(a), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			t.Errorf("%s: section %s differs (-want +got):\n%s", file, name, cmp.Diff(strings.TrimSpace(want), strings.TrimSpace(got)))
		})
	}
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
