package build

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// lambdaGoModule is required by the test module at this repository's version,
// so the module cache already holds it.
const lambdaGoModule = "github.com/aws/aws-lambda-go"

// goProject writes a Go function using aws-lambda-go and a local package.
func goProject(t testing.TB) string {
	t.Helper()
	version, sums := requiredModule(t, lambdaGoModule)
	return files{
		"go.mod": "module example.com/fn\n\ngo 1.26\n\nrequire " + lambdaGoModule + " " + version + "\n",
		"go.sum": sums,
		"cmd/fn/main.go": `package main

import (
	"context"

	"example.com/fn/greet"
	"github.com/aws/aws-lambda-go/lambda"
)

func handler(ctx context.Context, e map[string]any) (string, error) { return greet.Hello(), nil }

func main() { lambda.Start(handler) }
`,
		"greet/greet.go": "package greet\n\nfunc Hello() string { return \"hello\" }\n",
	}.write(t, t.TempDir())
}

// requiredModule returns this repository's version of module and its go.sum lines.
func requiredModule(t testing.TB, module string) (string, string) {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var version string
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 3 && fields[0] == module {
			version = strings.TrimSuffix(fields[1], "/go.mod")
			lines = append(lines, sc.Text())
		}
	}
	if version == "" {
		t.Fatalf("%s is not in go.sum", module)
	}
	return version, strings.Join(lines, "\n") + "\n"
}

func TestGo(t *testing.T) {
	if testing.Short() {
		t.Skip("go build takes seconds")
	}
	t.Setenv("GOPROXY", "off") // the module cache must do: no network here
	src := goProject(t)
	entry := filepath.Join(src, "cmd/fn/main.go")
	b := New(t.TempDir())
	a := mustBuild(t, b, buildpack(entry, "", ""))
	if a.Handler != "bootstrap" || a.Runtime != "provided.al2023" {
		t.Errorf("handler %q runtime %q", a.Handler, a.Runtime)
	}
	bin := filepath.Join(a.Dir, "bootstrap")
	st, err := os.Stat(bin)
	if err != nil || st.Mode()&0o111 == 0 || st.Size() != a.Size {
		t.Fatalf("bootstrap: %v %v (size %d)", err, st, a.Size)
	}
	// Outside Lambda, aws-lambda-go's Start explains what it is missing.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, _ := exec.CommandContext(ctx, bin).CombinedOutput()
	if !strings.Contains(string(out), "AWS_LAMBDA_RUNTIME_API") {
		t.Errorf("bootstrap output: %s", out)
	}

	runs := b.goRuns.Load()
	if again := mustBuild(t, b, buildpack(entry, "", "")); again.Hash != a.Hash || b.goRuns.Load() != runs {
		t.Errorf("unchanged rebuild: same hash %v, go runs %d", again.Hash == a.Hash, b.goRuns.Load()-runs)
	}
	// A local package the entry imports is an input.
	files{"greet/greet.go": "package greet\n\nfunc Hello() string { return \"hi\" }\n"}.write(t, src)
	changed := mustBuild(t, b, buildpack(entry, "", ""))
	if changed.Hash == a.Hash {
		t.Error("changed local import, same hash")
	}
	// A file beside the module that no package uses changes nothing.
	files{"README.md": "x"}.write(t, src)
	if same := mustBuild(t, b, buildpack(entry, "", "")); same.Hash != changed.Hash {
		t.Error("unrelated file, new hash")
	}
	noLeftovers(t, b.dir)
}

func TestGoErrors(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go")
	}
	t.Setenv("GOPROXY", "off")
	type tc struct {
		name  string
		files files
		entry string
		want  string
	}
	for _, c := range []tc{
		{"no go.mod", files{"main.go": "package main\n\nfunc main() {}\n"}, "main.go", "no go.mod"},
		{"not main", files{"go.mod": "module x\n\ngo 1.26\n", "lib.go": "package lib\n"}, "lib.go", "not main"},
		{"compile error", files{"go.mod": "module x\n\ngo 1.26\n", "main.go": "package main\n\nfunc main() { undefined() }\n"}, "main.go", "undefined: undefined"},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := c.files.write(t, t.TempDir())
			b := New(t.TempDir())
			_, err := b.Build(context.Background(), buildpack(filepath.Join(src, c.entry), "", ""))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want %q", err, c.want)
			}
			noLeftovers(t, b.dir)
		})
	}
}
