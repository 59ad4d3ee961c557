package sdks

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// How long an npm install may take, how old a temporary folder must be to
// be a crashed install's leftover, how often a process waiting for
// another's install looks.
const (
	installTimeout = 10 * time.Minute
	staleTemp      = time.Hour
	lockPoll       = 100 * time.Millisecond
)

// A Provider provides the SDKs from one cache folder. Its methods are safe
// for concurrent use.
type Provider struct {
	dir    string
	log    *slog.Logger
	ctx    context.Context // ends at Close, stopping an install
	cancel context.CancelFunc
	wg     sync.WaitGroup
	node   task
	python task
}

// A task is one SDK's provision, run once in the background.
type task struct {
	once sync.Once
	done chan struct{}
	dir  string
	err  error
}

// New returns a Provider that keeps the SDKs under dir (created as needed).
func New(dir string, log *slog.Logger) *Provider {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Provider{dir: dir, log: log, ctx: ctx, cancel: cancel}
}

// DefaultDir is the user's cache folder's verge/sdk, shared by every data
// folder, or "" when there is none.
func DefaultDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "verge", "sdk")
}

// Dir is the folder the SDKs are kept in.
func (p *Provider) Dir() string { return p.dir }

// Node waits until the AWS SDK for JavaScript v3 is installed (starting
// the install if need be) and returns its node_modules folder. It returns
// ctx's error if ctx ends first, and the install's error if it failed.
func (p *Provider) Node(ctx context.Context) (string, error) {
	return p.wait(ctx, &p.node, p.installNode)
}

// StartNode starts installing the AWS SDK for JavaScript v3 in the
// background, once.
func (p *Provider) StartNode() {
	p.start(&p.node, p.installNode)
}

// Python waits until boto3's folder is ready (starting it if need be) and
// returns it. It returns "" and no error when only interpreter has boto3
// (in its own site-packages, which Python searches anyway).
func (p *Provider) Python(ctx context.Context, interpreter string) (string, error) {
	return p.wait(ctx, &p.python, func(ctx context.Context) (string, error) { return p.linkPython(ctx, interpreter) })
}

// StartPython starts preparing boto3's folder in the background, once.
func (p *Provider) StartPython(interpreter string) {
	p.start(&p.python, func(ctx context.Context) (string, error) { return p.linkPython(ctx, interpreter) })
}

// Close stops an install in progress and waits for it to end.
func (p *Provider) Close() {
	p.cancel()
	p.wg.Wait()
}

// start runs do for t once, in the background.
func (p *Provider) start(t *task, do func(context.Context) (string, error)) {
	t.once.Do(func() {
		t.done = make(chan struct{})
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer close(t.done)
			t.dir, t.err = do(p.ctx)
		}()
	})
}

// wait starts t and waits for it or for ctx.
func (p *Provider) wait(ctx context.Context, t *task, do func(context.Context) (string, error)) (string, error) {
	p.start(t, do)
	select {
	case <-t.done:
		return t.dir, t.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// installNode installs nodePackages into DIR/node-<hash of the manifest>,
// unless a complete install is there already.
func (p *Provider) installNode(ctx context.Context) (string, error) {
	manifest := nodeManifest()
	dest := filepath.Join(p.dir, "node-"+shortHash(manifest))
	modules := filepath.Join(dest, "node_modules")
	if _, err := os.Stat(modules); err == nil {
		return modules, nil
	}
	unlock, err := p.lock(ctx, "node")
	if err != nil {
		return "", err
	}
	defer unlock()
	if _, err := os.Stat(modules); err == nil {
		return modules, nil // another process installed it while we waited
	}
	t0 := time.Now()
	err = p.npmInstall(ctx, manifest, dest)
	if err != nil {
		if p.ctx.Err() == nil {
			p.log.Warn(fmt.Sprintf("AWS SDK for JavaScript v3 not available to functions: %v; bundle it with your function or install npm", err))
		}
		return "", err
	}
	p.log.Info("AWS SDK for JavaScript v3 installed for functions", "dir", modules, "took", time.Since(t0).Round(time.Millisecond))
	return modules, nil
}

// npmInstall runs npm install of manifest in a temporary folder, makes it
// world-readable and renames it to dest; a rename lost to another process's
// install of the same manifest is a success.
func (p *Provider) npmInstall(ctx context.Context, manifest []byte, dest string) error {
	npm, err := exec.LookPath("npm")
	if err != nil {
		return fmt.Errorf("npm not found on PATH")
	}
	tmp, err := p.tempDir(".node-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := os.WriteFile(filepath.Join(tmp, "package.json"), manifest, 0o644); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, installTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "install", "--prefix", tmp, "--no-audit", "--no-fund", "--omit=dev",
		"--no-update-notifier", "--loglevel=error")
	cmd.Dir = tmp
	cmd.WaitDelay = time.Second // npm's children may hold the output open after it is killed
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("npm install: %v: %s", err, lastLines(out, 3))
	}
	if err := readable(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, dest); err != nil {
		if _, serr := os.Stat(filepath.Join(dest, "node_modules")); serr != nil {
			return err
		}
	}
	return nil
}

// lock takes DIR/.NAME.lock, so that processes sharing the cache (test
// packages run in parallel, two Verge nodes) install once, not side by
// side. The lock goes with the process; waiting for it ends with ctx.
func (p *Provider) lock(ctx context.Context, name string) (func(), error) {
	if err := os.MkdirAll(p.dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(p.dir, "."+name+".lock"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			return func() { f.Close() }, nil
		}
		if !errors.Is(err, unix.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", f.Name(), err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(lockPoll):
		}
	}
}

// nodeManifest is the package.json that pins nodePackages.
func nodeManifest() []byte {
	m := map[string]any{"name": "verge-aws-sdk", "private": true, "dependencies": nodePackages}
	data, _ := json.MarshalIndent(m, "", "  ") // sorted keys: the same bytes each time
	return append(data, '\n')
}

// linkPython links pythonModules from distPackages into DIR/python-<hash>.
func (p *Provider) linkPython(ctx context.Context, interpreter string) (string, error) {
	var found []string
	for _, m := range pythonModules {
		if _, err := os.Stat(filepath.Join(distPackages, m)); err == nil {
			found = append(found, m)
		}
	}
	if !slices.Contains(found, "boto3") || !slices.Contains(found, "botocore") {
		if interpreter != "" && hasBoto3(ctx, interpreter) {
			return "", nil // the interpreter's own boto3 serves
		}
		err := fmt.Errorf("python3-boto3 is not installed (%s has no boto3)", distPackages)
		p.log.Warn(fmt.Sprintf("boto3 not available to Python functions: %v; %s, or bundle boto3 with your function", err, aptHint))
		return "", err
	}
	dest := filepath.Join(p.dir, "python-"+shortHash([]byte(distPackages+"\n"+strings.Join(found, "\n"))))
	if _, err := os.Stat(dest); err == nil {
		return dest, nil
	}
	tmp, err := p.tempDir(".python-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	for _, m := range found {
		if err := os.Symlink(filepath.Join(distPackages, m), filepath.Join(tmp, m)); err != nil {
			return "", err
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dest); err != nil {
		if _, serr := os.Stat(dest); serr != nil {
			return "", err
		}
	}
	return dest, nil
}

// hasBoto3 reports whether interpreter imports boto3 from its own packages.
func hasBoto3(ctx context.Context, interpreter string) bool {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return exec.CommandContext(ctx, interpreter, "-c",
		"import importlib.util, sys; sys.exit(importlib.util.find_spec('boto3') is None)").Run() == nil
}

// tempDir makes a temporary folder in p.dir, first removing the leftovers
// of crashed installs.
func (p *Provider) tempDir(prefix string) (string, error) {
	if err := os.MkdirAll(p.dir, 0o755); err != nil {
		return "", err
	}
	if old, err := filepath.Glob(filepath.Join(p.dir, prefix+"*")); err == nil {
		for _, o := range old {
			if fi, err := os.Stat(o); err == nil && time.Since(fi.ModTime()) > staleTemp {
				os.RemoveAll(o)
			}
		}
	}
	return os.MkdirTemp(p.dir, prefix)
}

// readable makes everything under dir readable by all (a sandbox's user
// reads it as "others"): folders 0755, files 0644, or 0755 when executable.
func readable(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		mode := fs.FileMode(0o644)
		if d.IsDir() || fi.Mode()&0o111 != 0 {
			mode = 0o755
		}
		if fi.Mode().Perm() == mode {
			return nil
		}
		return os.Chmod(path, mode)
	})
}

// shortHash names a folder after its content.
func shortHash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])[:16]
}

// lastLines is the end of a tool's output, for an error message.
func lastLines(out []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
