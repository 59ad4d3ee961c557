package build

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/verge-edge/verge/internal/errs"
)

// Go build settings.
const (
	// goEnvVars are the settings passed from the user's go environment to
	// the builds, which otherwise run with a clean environment.
	goEnvVars = "GOPATH GOCACHE GOMODCACHE GOPROXY GOSUMDB GONOSUMDB GOPRIVATE GONOPROXY GOINSECURE"
	// goRetries bounds rebuilds when sources change while go builds them.
	goRetries = 3
	// goOutputLimit bounds the go output quoted in an error.
	goOutputLimit = 8 << 10
	// goWaitDelay is how long a cancelled go command may take to exit.
	goWaitDelay = 5 * time.Second
	// goEnvTimeout bounds `go env`, which reads no sources.
	goEnvTimeout = time.Minute
)

// goTool is the go command and the clean environment it runs with.
type goTool struct {
	path     string
	version  string
	modCache string
	env      []string
}

// goToolOnce finds the go tool once per Builder.
type goToolOnce struct {
	once sync.Once
	tool *goTool
	err  error
}

func (b *Builder) goTool() (*goTool, error) {
	b.gotool.once.Do(func() { b.gotool.tool, b.gotool.err = b.findGo() })
	return b.gotool.tool, b.gotool.err
}

// findGo resolves the go on PATH and the settings its builds need. It does
// not take a build's context: its result is kept for every later build.
func (b *Builder) findGo() (*goTool, error) {
	path, err := exec.LookPath("go")
	if err != nil {
		return nil, errs.E(errs.Unavailable, errors.New("building a Go function needs the go command on PATH"))
	}
	names := append(strings.Fields(goEnvVars), "GOVERSION")
	b.goRuns.Add(1)
	ctx, cancel := context.WithTimeout(context.Background(), goEnvTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, append([]string{"env", "-json"}, names...)...).Output()
	if err != nil {
		return nil, errs.E(errs.Unavailable, fmt.Errorf("go env: %w", err))
	}
	var vals map[string]string
	if err := json.Unmarshal(out, &vals); err != nil {
		return nil, errs.E(errs.Unavailable, fmt.Errorf("go env: %w", err))
	}
	t := &goTool{path: path, version: vals["GOVERSION"], modCache: vals["GOMODCACHE"]}
	t.env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"CGO_ENABLED=0",
		"GOOS=" + runtime.GOOS,
		"GOARCH=" + runtime.GOARCH,
		"GOENV=off",         // the settings that matter are passed here
		"GOWORK=off",        // a go.work above would change what is built, unhashed
		"GOTOOLCHAIN=local", // never download a toolchain
		"GOFLAGS=",
	}
	if tmp := os.Getenv("TMPDIR"); tmp != "" {
		t.env = append(t.env, "TMPDIR="+tmp)
	}
	for _, n := range strings.Fields(goEnvVars) {
		if vals[n] != "" {
			t.env = append(t.env, n+"="+vals[n])
		}
	}
	return t, nil
}

// goPackage is the part of `go list -json` output a build needs.
type goPackage struct {
	Dir        string
	Name       string
	Standard   bool
	EmbedFiles []string
	Module     *struct {
		Main  bool
		Dir   string
		GoMod string
	}
}

// buildGo compiles the entry's package into bootstrap.
func (b *Builder) buildGo(ctx context.Context, j *job) (*Artifact, error) {
	pkgDir := filepath.Dir(j.path)
	modRoot, err := goModRoot(pkgDir)
	if err != nil {
		return nil, err
	}
	tool, err := b.goTool()
	if err != nil {
		return nil, err
	}
	recipe := j.recipe(modRoot, tool.version, runtime.GOOS+"/"+runtime.GOARCH, "-trimpath -buildvcs=false CGO_ENABLED=0")
	if a := b.cached(recipe); a != nil {
		return a, nil
	}
	for range goRetries {
		in, err := b.goInputs(ctx, tool, pkgDir)
		if err != nil {
			return nil, err
		}
		hash := in.hash(recipe)
		m, err := in.manifest(hash)
		if err != nil {
			return nil, err
		}
		if old := b.lookup(hash); old != nil {
			return old, b.remember(recipe, m)
		}
		a, err := b.compile(ctx, tool, j, pkgDir, hash)
		if err != nil {
			return nil, err
		}
		if !m.current() { // a source changed while go built: a may not match hash
			os.RemoveAll(a.Dir)
			continue
		}
		if a, err = b.commit(a.Dir, a); err != nil {
			return nil, err
		}
		return a, b.remember(recipe, m)
	}
	return nil, errs.E(errs.Unavailable, pkgDir, errors.New("the sources kept changing while go built them"))
}

// compile builds the package into a temporary folder, returned as the
// artifact's Dir.
func (b *Builder) compile(ctx context.Context, tool *goTool, j *job, pkgDir, hash string) (*Artifact, error) {
	tmp, err := b.tempDir()
	if err != nil {
		return nil, err
	}
	out := filepath.Join(tmp, bootstrapName)
	if _, err := b.goRun(ctx, tool, pkgDir, "build", "-trimpath", "-buildvcs=false", "-o", out, "."); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	st, err := os.Stat(out)
	if err != nil {
		os.RemoveAll(tmp)
		return nil, errs.E(errs.Invalid, pkgDir, errors.New("go build wrote no bootstrap executable"))
	}
	return &Artifact{Dir: tmp, Handler: j.handler, Runtime: j.runtime, Hash: hash, Size: st.Size()}, nil
}

// goInputs records the files of the package and of every package it
// imports from a local module, with each local module's go.mod and go.sum.
func (b *Builder) goInputs(ctx context.Context, tool *goTool, pkgDir string) (*inputs, error) {
	out, err := b.goRun(ctx, tool, pkgDir, "list", "-deps", "-json=Dir,Name,Standard,EmbedFiles,Module", ".")
	if err != nil {
		return nil, err
	}
	in := newInputs()
	dec := json.NewDecoder(bytes.NewReader(out))
	var last goPackage
	for {
		var p goPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return nil, errs.E(errs.Internal, pkgDir, fmt.Errorf("go list output: %w", err))
		}
		last = p
		if p.Standard || p.Module == nil || (!p.Module.Main && within(tool.modCache, p.Module.Dir)) {
			continue // the standard library and downloaded modules are fixed by the go version and go.sum
		}
		if err := addGoPackage(in, &p); err != nil {
			return nil, errs.E(errs.IO, p.Dir, err)
		}
	}
	if last.Name != "main" {
		return nil, errs.E(errs.Invalid, pkgDir, fmt.Errorf("the entry's package is %q, not main: a Go function is a program", last.Name))
	}
	return in, nil
}

func addGoPackage(in *inputs, p *goPackage) error {
	ents, err := os.ReadDir(p.Dir)
	if err != nil {
		return err
	}
	in.addDir(p.Dir)
	for _, e := range ents {
		if e.Type().IsRegular() {
			if err := in.add(filepath.Join(p.Dir, e.Name())); err != nil {
				return err
			}
		}
	}
	for _, f := range p.EmbedFiles {
		in.addDir(filepath.Dir(filepath.Join(p.Dir, f)))
		if err := in.add(filepath.Join(p.Dir, f)); err != nil {
			return err
		}
	}
	in.addDir(p.Module.Dir)
	if err := in.add(p.Module.GoMod); err != nil {
		return err
	}
	return in.add(filepath.Join(p.Module.Dir, "go.sum"))
}

// goRun runs the go command in dir and returns its standard output.
func (b *Builder) goRun(ctx context.Context, tool *goTool, dir string, args ...string) ([]byte, error) {
	b.goRuns.Add(1)
	cmd := exec.CommandContext(ctx, tool.path, args...)
	cmd.Dir, cmd.Env, cmd.WaitDelay = dir, tool.env, goWaitDelay
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, errs.E(errs.Timeout, dir, fmt.Errorf("go %s: %w", args[0], ctx.Err()))
		}
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > goOutputLimit {
			msg = msg[:goOutputLimit] + "…"
		}
		return nil, errs.E(errs.Invalid, dir, fmt.Errorf("go %s failed (%v):\n%s", args[0], err, msg))
	}
	return stdout.Bytes(), nil
}

// goModRoot returns the folder of the nearest go.mod from dir upwards.
func goModRoot(dir string) (string, error) {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if d == filepath.Dir(d) {
			return "", errs.E(errs.Invalid, dir, errors.New("no go.mod in the entry's folder or above it: a Go function must be in a module (go mod init)"))
		}
	}
}

// within reports whether p is root or inside it.
func within(root, p string) bool {
	if root == "" {
		return false
	}
	rel, err := filepath.Rel(root, p)
	return err == nil && filepath.IsLocal(rel)
}
