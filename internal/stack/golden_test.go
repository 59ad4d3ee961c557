package stack

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/plan with the current output")

// A golden file in testdata/plan (see golden.RunComment) is, in order:
//
//	the stack file (verge.yaml), so its line numbers are the golden file's
//	----------
//	the expected plan as indented JSON, directories relative to the stack
//	folder, or the expected error lines
//	-- path --    (any number of files of the stack folder; a path ending
//	content        in "/" is an empty folder)
func TestGolden(t *testing.T) {
	golden.RunComment(t, "plan", *update, runGolden)
}

// runGolden loads the stack file with the archive's files from a temporary
// folder, as the CLI would from its working directory, and returns the
// plan or the errors as text.
func runGolden(t *testing.T, stackFile string, a *txtar.Archive) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(stackFile), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := golden.WriteFiles(dir, a); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	plan, err := Load(".")
	if err != nil {
		checkErrs(t, err, FileName)
		return err.Error()
	}
	if plan.File != filepath.Join(plan.Dir, FileName) || !filepath.IsAbs(plan.Dir) {
		t.Errorf("plan.Dir = %q, plan.File = %q; want absolute paths of the stack folder and file", plan.Dir, plan.File)
	}
	return planJSON(t, plan)
}

// goldenParts reads the golden files in testdata/plan matching pattern and
// returns their stack files and expected outputs, for other tests.
func goldenParts(tb testing.TB, pattern string) (files, stacks, wants []string) {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "plan", pattern))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no golden files %s: %v", pattern, err)
	}
	for _, file := range files {
		a, err := txtar.ParseFile(file)
		if err != nil {
			tb.Fatal(err)
		}
		stack, want, ok := golden.Split(a)
		if !ok {
			tb.Fatalf("%s: no line %s", file, golden.Separator)
		}
		stacks, wants = append(stacks, stack), append(wants, want)
	}
	return files, stacks, wants
}

// checkErrs checks the shape of a stack file error: an errs.List of
// errs.Invalid errors, each "FILE:LINE:COL: message", sorted by position.
func checkErrs(t testing.TB, err error, file string) {
	t.Helper()
	var list errs.List
	if !errors.As(err, &list) || len(list) == 0 {
		t.Fatalf("error is %T, want a non-empty errs.List: %v", err, err)
	}
	prefix := regexp.MustCompile(`^` + regexp.QuoteMeta(file) + `:(\d+):(\d+): \S`)
	var prevLine, prevCol int
	for _, e := range list {
		var se *errs.Error
		if !errors.As(e, &se) || se.Kind != errs.Invalid {
			t.Errorf("error %q is not an *errs.Error of kind Invalid", e)
		}
		m := prefix.FindStringSubmatch(e.Error())
		if m == nil {
			t.Fatalf("error %q does not start with %s:LINE:COL: ", e, file)
		}
		var line, col int
		fmt.Sscan(m[1], &line)
		fmt.Sscan(m[2], &col)
		if line < 1 || col < 1 {
			t.Errorf("error %q has a position before 1:1", e)
		}
		if line < prevLine || line == prevLine && col < prevCol {
			t.Errorf("errors not sorted by position: %q after line %d col %d", e, prevLine, prevCol)
		}
		prevLine, prevCol = line, col
	}
	if !errs.Is(errs.Invalid, err) {
		t.Errorf("errs.Is(errs.Invalid, err) = false")
	}
}

// planJSON renders plan as golden files hold it: directories relative to
// the stack folder, so the output does not depend on where the test runs.
func planJSON(t *testing.T, plan *Plan) string {
	t.Helper()
	for i := range plan.Distributions {
		for j := range plan.Distributions[i].Behaviors {
			relativise(t, plan.Dir, &plan.Distributions[i].Behaviors[j].Origin)
		}
	}
	for i := range plan.Buckets {
		if b := &plan.Buckets[i]; b.Dir != "" {
			b.Dir = relTo(t, plan.Dir, b.Dir)
		}
	}
	for _, f := range plan.CDNFunctions {
		f.EntryFile = relTo(t, plan.Dir, f.EntryFile)
		if f.KeyValueStore != nil && f.KeyValueStore.DataFile != "" {
			f.KeyValueStore.DataFile = relTo(t, plan.Dir, f.KeyValueStore.DataFile)
		}
	}
	for _, f := range plan.EdgeLambdaFunctions {
		relativisePackage(t, plan.Dir, &f.Package)
	}
	for _, f := range plan.Functions {
		relativisePackage(t, plan.Dir, &f.Package)
		for i, v := range f.Environment {
			// A bucket's directory parameter is an absolute path.
			f.Environment[i].Value = strings.ReplaceAll(v.Value, plan.Dir, "{stack}")
		}
	}
	for _, gw := range plan.HTTPAPIGateways {
		for _, rt := range gw.Routes {
			if a := rt.Authorizer; a != nil && a.JWKSFile != "" {
				a.JWKSFile = relTo(t, plan.Dir, a.JWKSFile)
			}
		}
	}
	data, err := json.MarshalIndent(plan, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// relativisePackage writes a package's paths relative to dir.
func relativisePackage(t *testing.T, dir string, pkg *Package) {
	if pkg.EntryFile != "" {
		pkg.EntryFile = relTo(t, dir, pkg.EntryFile)
	}
	if pkg.PackagePath != "" {
		pkg.PackagePath = relTo(t, dir, pkg.PackagePath)
	}
}

func relTo(t *testing.T, dir, p string) string {
	if !filepath.IsAbs(p) {
		t.Errorf("path %q is not absolute", p)
		return p
	}
	rel, err := filepath.Rel(dir, p)
	if err != nil {
		t.Fatal(err)
	}
	return filepath.ToSlash(rel)
}

func relativise(t *testing.T, dir string, o *Origin) {
	switch {
	case o.Bucket != nil:
		if !filepath.IsAbs(o.Bucket.Directory) {
			t.Errorf("bucket %s: directory %q is not absolute", o.Bucket.Resource, o.Bucket.Directory)
			return
		}
		rel, err := filepath.Rel(dir, o.Bucket.Directory)
		if err != nil {
			t.Fatal(err)
		}
		o.Bucket.Directory = filepath.ToSlash(rel)
	case o.Group != nil:
		relativise(t, dir, &o.Group.Primary)
		relativise(t, dir, &o.Group.Secondary)
	}
}
