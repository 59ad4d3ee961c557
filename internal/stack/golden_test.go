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

	"github.com/google/go-cmp/cmp"

	"github.com/verge-edge/verge/internal/errs"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/plan with the current output")

// A golden file in testdata/plan is, in order:
//
//	the stack file (verge.yaml), so its line numbers are the golden file's
//	----------
//	the expected plan as indented JSON, directories relative to the stack
//	folder, or the expected error lines
//	-- path --    (any number of files of the stack folder; a path ending
//	content        in "/" is an empty folder)
type golden struct {
	stack string
	want  string
	files string // the file sections, verbatim
}

const goldenSep = "----------\n"

var fileHeader = regexp.MustCompile(`(?m)^-- (.+) --$`)

func parseGolden(data string) (golden, error) {
	end := 0 // of the stack file
	if !strings.HasPrefix(data, goldenSep) {
		i := strings.Index(data, "\n"+goldenSep)
		if i < 0 {
			return golden{}, errors.New("no line " + strings.TrimSpace(goldenSep))
		}
		end = i + 1
	}
	rest := data[end+len(goldenSep):]
	g := golden{stack: data[:end], want: rest}
	if loc := fileHeader.FindStringIndex(rest); loc != nil {
		g.want, g.files = rest[:loc[0]], rest[loc[0]:]
	}
	g.want = strings.TrimSpace(g.want)
	return g, nil
}

func (g golden) String() string {
	s := g.stack + goldenSep + g.want + "\n"
	if g.files != "" {
		s += "\n" + g.files
	}
	return s
}

// materialise writes the stack file and the file sections into dir.
func (g golden) materialise(dir string) error {
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(g.stack), 0o644); err != nil {
		return err
	}
	locs := fileHeader.FindAllStringSubmatchIndex(g.files, -1)
	for i, loc := range locs {
		name := g.files[loc[2]:loc[3]]
		end := len(g.files)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		content := strings.TrimPrefix(g.files[loc[1]:end], "\n")
		target := filepath.Join(dir, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/plan/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		file, err := filepath.Abs(file) // the test changes directory
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			g, err := parseGolden(string(data))
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			got := runGolden(t, g)
			if *update {
				g.want = got
				if err := os.WriteFile(file, []byte(g.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if diff := cmp.Diff(g.want, got); diff != "" {
				t.Errorf("%s: output differs (-want +got), rerun with -update to accept:\n%s", file, diff)
			}
		})
	}
}

// runGolden loads the stack of g from a temporary folder, as the CLI would
// from its working directory, and returns the plan or the errors as text.
func runGolden(t *testing.T, g golden) string {
	t.Helper()
	dir := t.TempDir()
	if err := g.materialise(dir); err != nil {
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

func TestParseGolden(t *testing.T) {
	g, err := parseGolden("a: 1\n----------\n{}\n\n-- x/y.txt --\nhello\n-- e/ --\n")
	if err != nil {
		t.Fatal(err)
	}
	want := golden{stack: "a: 1\n", want: "{}", files: "-- x/y.txt --\nhello\n-- e/ --\n"}
	if g != want {
		t.Fatalf("parseGolden = %#v, want %#v", g, want)
	}
	if s := g.String(); s != "a: 1\n----------\n{}\n\n-- x/y.txt --\nhello\n-- e/ --\n" {
		t.Errorf("String() = %q", s)
	}
	dir := t.TempDir()
	if err := g.materialise(dir); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "x", "y.txt")); err != nil || string(b) != "hello\n" {
		t.Errorf("x/y.txt = %q, %v", b, err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "e")); err != nil || !fi.IsDir() {
		t.Errorf("e/ not a folder: %v", err)
	}
	if _, err := parseGolden("a: 1\n"); err == nil {
		t.Error("parseGolden accepted a file without separator")
	}
}
