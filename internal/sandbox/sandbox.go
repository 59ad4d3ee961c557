package sandbox

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/verge-edge/verge/internal/errs"
)

// Spec describes one sandbox process.
type Spec struct {
	// Path is the absolute path of the executable.
	Path string
	// Args are the arguments, not including argv[0] (which is Path).
	Args []string
	// Dir is the working directory: the function's task root. Empty means "/".
	Dir string
	// Env is the complete environment; nothing of the host is added except
	// TMPDIR and HOME, which point at the sandbox's own /tmp or folder.
	Env []string
	// StateDir is a folder the sandbox may create its own subfolder in (its
	// TMPDIR and HOME when /tmp cannot be private); Close removes that
	// subfolder. Empty means os.TempDir().
	StateDir string
	// TmpLimitMB caps the sandbox's /tmp (tmpfs size) and, as RLIMIT_FSIZE,
	// every file it writes. 0 means DefaultTmpLimitMB.
	TmpLimitMB int
	// MemoryMB is the cgroup v2 memory.max when cgroups are delegated; else
	// unused here (runtime flags limit memory).
	MemoryMB int
	// AddressSpace is RLIMIT_AS in bytes when > 0 (for Python; V8 needs
	// several GB of address space just to start).
	AddressSpace int64
	// Paths are more folders the runtime must see, such as its bootstrap's:
	// those under the host's /tmp are bound back into the private /tmp.
	Paths []string
	// Stdout and Stderr receive the process's output as it comes. Nil
	// discards it. They must not block indefinitely; output after Close is
	// dropped.
	Stdout, Stderr io.Writer

	// Shim is the executable re-executed as the sandbox shim: a program
	// whose first call is Init, such as cmd/verge-sandbox in this repository.
	// Empty means /proc/self/exe (Verge itself), which costs Verge's
	// package initialisation on every start. See ShimBeside.
	Shim string

	// noNamespaces forces the fallback without namespaces (tests); noRoot
	// and noLandlock leave those walls out (tests).
	noNamespaces, noRoot, noLandlock bool
}

// Process is a running sandbox.
type Process struct {
	cmd  *exec.Cmd
	pid  int
	ns   bool   // runs in its own PID namespace
	dir  string // the sandbox's folder under StateDir, or ""
	mark string // the sandbox's unique TMPDIR entry, without namespaces
	cg   *cgroup
	out  *output
	// release gives the sandbox's uid back once its processes are gone.
	release func()
	done    chan struct{}
	// childFiles are the child's ends of the output pipes, until it starts.
	childFiles []*os.File

	mu      sync.Mutex
	exited  bool     // the runtime has exited (it may not be reaped yet)
	status  *os.File // /proc/PID/status, kept open: a pread is 5x cheaper than open+read+close
	buf     []byte   // for reading status
	peak    int64
	exitErr error
	oom     bool

	closeOnce sync.Once
	closeErr  error
}

const opStart errs.Op = "sandbox.Start"

// Start starts the sandbox described by s. It returns once the runtime has
// been exec'ed, or an error naming what failed.
func Start(s Spec) (*Process, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if s.TmpLimitMB <= 0 {
		s.TmpLimitMB = DefaultTmpLimitMB
	}
	if s.StateDir == "" {
		s.StateDir = os.TempDir()
	}
	if s.Dir == "" {
		s.Dir = "/"
	}
	m := Mechanisms()
	p := &Process{ns: m.Namespaces && !s.noNamespaces, out: &output{}, done: make(chan struct{})}
	cmd, err := p.command(s)
	if err != nil {
		p.out.wait(waitDelay)
		p.cleanup()
		return nil, err
	}
	if err := p.launch(cmd); err != nil {
		p.cleanup()
		return nil, errs.E(opStart, errs.IO, s.Path, err)
	}
	return p, nil
}

// check returns a clear error for a spec that cannot start.
func (s *Spec) check() error {
	if !filepath.IsAbs(s.Path) {
		return errs.E(opStart, errs.Invalid, s.Path, errors.New("sandbox executable path is not absolute"))
	}
	fi, err := os.Stat(s.Path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return errs.E(opStart, errs.NotFound, s.Path, errors.New("sandbox executable not found"))
	case err != nil:
		return errs.E(opStart, errs.IO, s.Path, err)
	case !fi.Mode().IsRegular():
		return errs.E(opStart, errs.Invalid, s.Path, errors.New("sandbox executable is not a regular file"))
	case unix.Access(s.Path, unix.X_OK) != nil:
		return errs.E(opStart, errs.Permission, s.Path, errors.New("sandbox executable is not executable"))
	}
	if s.Dir != "" {
		fi, err := os.Stat(s.Dir)
		switch {
		case !filepath.IsAbs(s.Dir):
			return errs.E(opStart, errs.Invalid, s.Dir, errors.New("sandbox working directory is not absolute"))
		case err != nil:
			return errs.E(opStart, errs.NotFound, s.Dir, fmt.Errorf("sandbox working directory: %w", err))
		case !fi.IsDir():
			return errs.E(opStart, errs.Invalid, s.Dir, errors.New("sandbox working directory is not a directory"))
		}
	}
	for _, kv := range s.Env {
		if strings.HasPrefix(kv, shimEnv+"=") {
			return errs.E(opStart, errs.Invalid, s.Path, fmt.Errorf("environment variable %s is reserved", shimEnv))
		}
	}
	if s.Shim != "" && unix.Access(s.Shim, unix.X_OK) != nil {
		return errs.E(opStart, errs.NotFound, s.Shim, errors.New("sandbox shim is not an executable file"))
	}
	if s.AddressSpace < 0 || s.TmpLimitMB < 0 || s.MemoryMB < 0 {
		return errs.E(opStart, errs.Invalid, s.Path, errors.New("negative sandbox limit"))
	}
	return nil
}

// command builds the shim's command: its environment is the runtime's plus
// the shim marker, its argv[1:] the runtime's argv.
func (p *Process) command(s Spec) (*exec.Cmd, error) {
	m := Mechanisms()
	cfg := shimConfig{Dir: s.Dir, Keep: s.Paths, FSize: uint64(s.TmpLimitMB) << 20, AS: uint64(s.AddressSpace),
		Seccomp: m.Seccomp}
	tmp, home := privateTmp, privateTmp
	attr := &syscall.SysProcAttr{}
	if p.ns {
		cfg.TmpMB, cfg.NProc = s.TmpLimitMB, procLimit
		if !s.noLandlock {
			cfg.Landlock = m.Landlock
		}
		if m.Root && !s.noRoot {
			cfg.Root = rootPlan(s)
		}
		var err error
		if attr, p.release, err = namespaceAttr(ids, &cfg); err != nil {
			return nil, errs.E(opStart, errs.Unavailable, s.Path, err)
		}
	} else {
		dir, err := os.MkdirTemp(s.StateDir, "sandbox-")
		if err != nil {
			return nil, errs.E(opStart, errs.IO, s.StateDir, fmt.Errorf("create sandbox folder: %w", err))
		}
		p.dir = dir
		tmp, home = filepath.Join(dir, "tmp"), filepath.Join(dir, "home")
		p.mark = envTmpDir + "=" + tmp
		for _, d := range []string{tmp, home} {
			if err := os.Mkdir(d, 0o700); err != nil {
				return nil, errs.E(opStart, errs.IO, d, err)
			}
		}
		cfg.Subreaper = true
	}
	attr.Setpgid = true
	attr.Pdeathsig = syscall.SIGKILL
	if cgroups != "" {
		cg, err := cgroups.create(s.MemoryMB)
		if err != nil {
			return nil, errs.E(opStart, errs.IO, s.Path, err)
		}
		p.cg = cg
		attr.UseCgroupFD, attr.CgroupFD = true, cg.fd
	}
	env := make([]string, 0, len(s.Env)+3)
	for _, kv := range s.Env {
		if !strings.HasPrefix(kv, envTmpDir+"=") && !strings.HasPrefix(kv, envHome+"=") {
			env = append(env, kv)
		}
	}
	env = append(env, envTmpDir+"="+tmp, envHome+"="+home, shimEnv+"="+encodeConfig(cfg))
	shim := s.Shim
	if shim == "" {
		shim = selfExe
	}
	cmd := &exec.Cmd{
		Path:        shim,
		Args:        append([]string{shimArgv0, s.Path}, s.Args...),
		Env:         env,
		Dir:         s.Dir,
		WaitDelay:   waitDelay,
		SysProcAttr: attr,
	}
	for _, o := range []struct {
		w   io.Writer
		dst *io.Writer
	}{{s.Stdout, &cmd.Stdout}, {s.Stderr, &cmd.Stderr}} {
		f, err := p.out.stream(o.w)
		if err != nil {
			p.closeChildFiles()
			return nil, errs.E(opStart, errs.IO, fmt.Errorf("output pipe: %w", err))
		}
		if f != nil {
			*o.dst = f
			p.childFiles = append(p.childFiles, f)
		}
	}
	return cmd, nil
}

// closeChildFiles closes Verge's copies of the child's ends of the output
// pipes: once the child has them (or failed to start), only it may hold
// them, so its exit is the pipes' end of file.
func (p *Process) closeChildFiles() {
	for _, f := range p.childFiles {
		f.Close()
	}
	p.childFiles = nil
}

// Sync hands everything the process has written so far to Stdout and
// Stderr: a runtime that logs and then answers gets its lines delivered
// before the answer is acted on.
func (p *Process) Sync() {
	p.out.sync()
}

// launch starts cmd from a goroutine locked to its OS thread for the child's
// whole life: Pdeathsig fires when the creating thread exits, not the
// process (golang/go#27505). It returns once the shim exec'ed the runtime.
func (p *Process) launch(cmd *exec.Cmd) error {
	statusR, statusW, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("status pipe: %w", err)
	}
	defer statusR.Close()
	cmd.ExtraFiles = []*os.File{statusW}
	p.cmd = cmd
	started := make(chan error, 1)
	go p.run(statusW, started)
	if err := <-started; err != nil {
		return err
	}
	msg, err := readStatus(statusR)
	if err == nil && len(msg) > 0 {
		err = errors.New(string(msg))
	}
	if err != nil {
		p.Kill()
		<-p.done
		return err
	}
	return nil
}

// readStatus reads the shim's status pipe to EOF.
func readStatus(r *os.File) ([]byte, error) {
	if err := r.SetReadDeadline(time.Now().Add(statusTimeout)); err != nil {
		return nil, err
	}
	msg, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("sandbox shim status: %w", err)
	}
	return msg, nil
}

// run starts the process, waits for it and records how it ended.
func (p *Process) run(statusW *os.File, started chan<- error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	err := p.cmd.Start()
	statusW.Close()
	p.closeChildFiles()
	if p.cg != nil {
		p.cg.started()
	}
	if err != nil {
		p.out.wait(waitDelay)
		close(p.done)
		started <- err
		return
	}
	p.pid = p.cmd.Process.Pid
	p.status, _ = os.Open("/proc/" + strconv.Itoa(p.pid) + "/status")
	started <- nil
	p.awaitExit()
	werr := p.cmd.Wait()
	p.out.wait(waitDelay)
	p.finish(werr)
}

// awaitExit waits until the runtime exits, without reaping it: while it is a
// zombie its pid and process group cannot be reused, so Kill stays safe.
// Then whatever it left behind is killed (Lambda resets the whole sandbox
// when its runtime exits): its group, its cgroup, and, without namespaces,
// every process still carrying its TMPDIR.
func (p *Process) awaitExit() {
	var info unix.Siginfo
	for {
		err := unix.Waitid(unix.P_PID, p.pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if err != unix.EINTR {
			break
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cg != nil {
		p.cg.kill()
	}
	if !p.ns {
		_ = unix.Kill(-p.pid, unix.SIGKILL)
		p.killMarked()
	}
	p.exited = true
	if p.status != nil {
		p.status.Close()
		p.status = nil
	}
}

// finish records the exit status, peak memory and OOM, then signals Done.
func (p *Process) finish(werr error) {
	p.mu.Lock()
	if ps := p.cmd.ProcessState; ps != nil {
		if !ps.Success() {
			p.exitErr = &exec.ExitError{ProcessState: ps}
		}
		if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
			p.peak = max(p.peak, ru.Maxrss*1024)
		}
	} else if werr != nil {
		p.exitErr = werr
	}
	if p.cg != nil {
		p.oom = p.cg.oomKilled()
	}
	p.mu.Unlock()
	close(p.done)
}

// Pid returns the process id of the runtime (as seen from Verge).
func (p *Process) Pid() int { return p.pid }

// Done is closed once the process has exited and its output is drained.
func (p *Process) Done() <-chan struct{} { return p.done }

// ExitError returns, after Done, nil or how the process ended, as Go's
// ProcessState strings: "exit status 1", "signal: killed".
func (p *Process) ExitError() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.exitErr
}

// PeakMemory returns the highest resident set size seen, in bytes: VmHWM
// while the runtime lives, then the kernel's maxrss of it and the children
// it reaped.
func (p *Process) PeakMemory() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.exited && p.status != nil {
		if p.buf == nil {
			p.buf = make([]byte, 4096)
		}
		n, _ := p.status.ReadAt(p.buf, 0)
		if v, ok := parseStatusKB(p.buf[:n], "VmHWM"); ok {
			p.peak = max(p.peak, v)
		}
	}
	return p.peak
}

// OOM reports whether the kernel killed the sandbox for memory; it is known
// only with cgroups, else false.
func (p *Process) OOM() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.oom
}

// Exited reports whether the runtime has exited. It is known as soon as the
// runtime is a zombie, before Done, which also waits for its output.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.exited
}

// Freeze stops the sandbox's processes until Thaw, as Lambda freezes an
// idle sandbox: with its cgroup's freezer when it has one, else with SIGSTOP
// to its process group, which holds the runtime and the children that kept
// its group (one that left it with setsid keeps running). It costs one
// system call and does nothing once the runtime has exited.
func (p *Process) Freeze() { p.freeze(true) }

// Thaw resumes what Freeze stopped.
func (p *Process) Thaw() { p.freeze(false) }

func (p *Process) freeze(stop bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.exited || p.pid <= 0 {
		return // the pid may be reaped and reused
	}
	if p.cg != nil {
		p.cg.freeze(stop)
		return
	}
	sig := unix.SIGCONT
	if stop {
		sig = unix.SIGSTOP
	}
	// A pid namespace's init takes SIGSTOP from an ancestor namespace, and
	// SIGCONT resumes it even though it ignores the signal.
	_ = unix.Kill(-p.pid, sig)
}

// Kill sends SIGKILL to the whole process tree. It is idempotent and does
// not wait.
func (p *Process) Kill() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.exited && p.pid > 0 {
		p.killTree()
	}
}

// killTree kills the runtime and its descendants; p.mu is held and the
// runtime is not yet reaped. In a PID namespace, killing its init (the
// runtime) makes the kernel kill the rest.
func (p *Process) killTree() {
	if p.cg != nil {
		p.cg.kill()
	}
	if p.ns {
		_ = unix.Kill(p.pid, unix.SIGKILL)
		return
	}
	// Descendants first, while their parent links still lead here.
	kids := descendants(p.pid)
	_ = unix.Kill(-p.pid, unix.SIGKILL)
	for _, pid := range kids {
		_ = unix.Kill(pid, unix.SIGKILL)
	}
	p.killMarked()
}

// killMarked kills the processes that carry the sandbox's TMPDIR, wherever
// they were reparented (a process that exec'ed with another environment
// escapes this; namespaces or cgroups do not have that gap).
func (p *Process) killMarked() {
	if p.mark == "" {
		return
	}
	for _, pid := range withEnv(p.mark) {
		_ = unix.Kill(pid, unix.SIGKILL)
	}
}

// Close kills the process tree, waits for Done and removes the sandbox's
// folder. Output after Close is dropped. It is idempotent.
func (p *Process) Close() error {
	p.closeOnce.Do(func() {
		p.out.close()
		p.Kill()
		<-p.done
		p.closeErr = p.cleanup()
	})
	return p.closeErr
}

// cleanup removes the sandbox's folder and cgroup and frees its uid.
func (p *Process) cleanup() error {
	if p.release != nil {
		p.release()
		p.release = nil
	}
	var err error
	if p.dir != "" {
		if e := os.RemoveAll(p.dir); e != nil {
			err = fmt.Errorf("remove sandbox folder: %w", e)
		}
	}
	if p.cg != nil {
		if e := p.cg.remove(); e != nil && err == nil {
			err = e
		}
	}
	return err
}
