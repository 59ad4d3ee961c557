package stack

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/verge-edge/verge/internal/errs"
)

const minimalStack = "resources:\n  site:\n    type: bucket\n    properties: {directory: ., cdn: {enabled: true}}\n"

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLoadFinds(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		arg      string // relative to the folder
		wantFile string // "" when an error is expected
		wantKind errs.Kind
	}{
		{"yaml", map[string]string{"verge.yaml": minimalStack}, ".", "verge.yaml", 0},
		{"yml", map[string]string{"verge.yml": minimalStack}, ".", "verge.yml", 0},
		{"file", map[string]string{"other.yaml": minimalStack}, "other.yaml", "other.yaml", 0},
		{"both", map[string]string{"verge.yaml": minimalStack, "verge.yml": minimalStack}, ".", "", errs.Invalid},
		{"none", nil, ".", "", errs.NotFound},
		{"missing", nil, "nope.yaml", "", errs.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tt.files)
			plan, err := Load(filepath.Join(dir, tt.arg))
			if tt.wantFile == "" {
				if err == nil || !errs.Is(tt.wantKind, err) {
					t.Fatalf("Load = %v, %v; want an error of kind %v", plan, err, tt.wantKind)
				}
				var list errs.List
				if errors.As(err, &list) {
					t.Errorf("Load error is an errs.List, want a single error: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := filepath.Join(dir, tt.wantFile); plan.File != want || plan.Dir != dir {
				t.Errorf("plan.File, plan.Dir = %q, %q; want %q, %q", plan.File, plan.Dir, want, dir)
			}
			if len(plan.Distributions) != 1 || plan.Distributions[0].Behaviors[0].Origin.Bucket.Directory != dir {
				t.Errorf("plan = %+v, want one distribution of %s", plan, dir)
			}
		})
	}
}

// Errors name the file as the user gave it.
func TestLoadErrorFileName(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"verge.yml": "resources: {site: {type: bukket}}\n"})
	t.Chdir(filepath.Dir(dir))
	arg := filepath.Base(dir)
	_, err := Load(arg)
	want := filepath.Join(arg, "verge.yml")
	checkErrs(t, err, want)
	if !strings.HasPrefix(err.Error(), want+":1:26: unknown resource type") {
		t.Errorf("Load(%q) = %v, want an error at %s:1:26", arg, err, want)
	}
}

func TestParseRelativeDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "stack"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	plan, err := Parse("x.yaml", []byte(minimalStack), "stack")
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "stack")
	if plan.Dir != want || plan.Distributions[0].Behaviors[0].Origin.Bucket.Directory != want {
		t.Errorf("plan.Dir = %q, directory %q; want %q", plan.Dir, plan.Distributions[0].Behaviors[0].Origin.Bucket.Directory, want)
	}
}

// Aliases that would expand exponentially are not expanded where the schema
// wants a scalar: each alias is one problem.
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 8; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [*a%[3]d, *a%[3]d, *a%[3]d, *a%[3]d, *a%[3]d, *a%[3]d, *a%[3]d, *a%[3]d, *a%[3]d, *a%[3]d]\n", i, i, i-1)
	}
	b.WriteString("resources:\n  site:\n    type: bucket\n    properties:\n      directory: .\n      cdn:\n        cachingOptions:\n          cacheKeyParameters:\n            headers: [*a7, *a7, *a7]\n")
	_, err := Parse("verge.yaml", []byte(b.String()), t.TempDir())
	checkErrs(t, err, "verge.yaml")
	var list errs.List
	errors.As(err, &list)
	// 8 unknown top-level keys, 3 headers that are lists.
	if len(list) != 11 || !strings.Contains(err.Error(), "headers[2] must be a string, found a list") {
		t.Errorf("got %d errors, want 11:\n%v", len(list), err)
	}
}

// A list of lists through an alias is walked, and its size is bounded.
func TestAliasExpansionBound(t *testing.T) {
	var b strings.Builder
	b.WriteString("x: &h [" + strings.Repeat("H, ", 999) + "H]\nresources:\n  site:\n    type: bucket\n    properties:\n      directory: .\n      cdn:\n        routeRewrites:\n")
	for i := range 200 {
		fmt.Fprintf(&b, "          - path: /r%d\n            routeTo: {type: bucket, properties: {bucketName: site}}\n            cachingOptions: {cacheKeyParameters: {headers: *h}}\n", i)
	}
	_, err := Parse("verge.yaml", []byte(b.String()), t.TempDir())
	checkErrs(t, err, "verge.yaml")
	if !strings.Contains(err.Error(), "too large: its aliases expand to more than") {
		t.Errorf("err = %.300v…, want the expansion limit", err)
	}
}
