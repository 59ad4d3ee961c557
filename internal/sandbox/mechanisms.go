package sandbox

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Report says which isolation mechanisms are in force on this machine.
type Report struct {
	// Namespaces is true when sandboxes get user, mount, PID and IPC
	// namespaces: a private tmpfs /tmp and a kernel-enforced tree kill.
	Namespaces bool
	// NamespaceError is why namespaces are unavailable, when they are.
	NamespaceError string
	// Cgroup is true when sandboxes get their own cgroup v2 with memory.max.
	Cgroup bool
	// CgroupError is why cgroups are unavailable, when they are.
	CgroupError string
	// Seccomp is true when sandboxes run under Verge's seccomp filter
	// (mount, ptrace, bpf, keyctl, kexec, modules, new namespaces … fail).
	Seccomp bool
	// SeccompError is why the filter is unavailable, when it is.
	SeccompError string
	// ProbeTime is how long the namespace probe took (one shim start).
	ProbeTime time.Duration
}

// Memory describes how memory is limited.
func (r Report) Memory() string {
	if r.Cgroup {
		return "cgroup v2 memory.max + runtime flags + RLIMIT_AS"
	}
	return "watchdog on the process tree's RSS while running + runtime flags + RLIMIT_AS (no cgroup: " + r.CgroupError + ")"
}

// Tmp describes the sandbox's /tmp.
func (r Report) Tmp() string {
	if r.Namespaces {
		return "private tmpfs, default " + fmt.Sprint(DefaultTmpLimitMB) + "MB (user+mount namespace)"
	}
	return "TMPDIR under the state folder, RLIMIT_FSIZE per file (no namespaces: " + r.NamespaceError + ")"
}

// TreeKill describes how a sandbox's whole process tree is killed.
func (r Report) TreeKill() string {
	var m []string
	if r.Namespaces {
		m = append(m, "pid namespace")
	} else {
		m = append(m, "process group + /proc descendants")
	}
	if r.Cgroup {
		m = append(m, "cgroup.kill")
	}
	return strings.Join(m, " + ")
}

// Syscalls describes the system-call filter.
func (r Report) Syscalls() string {
	if r.Seccomp {
		return "seccomp filter (mount, ptrace, bpf, keyctl, kexec, modules, namespaces denied) + no_new_privs"
	}
	return "no_new_privs only (no seccomp: " + r.SeccompError + ")"
}

// String is the one-line summary the server logs at start.
func (r Report) String() string {
	return "memory: " + r.Memory() + "; /tmp: " + r.Tmp() + "; tree kill: " + r.TreeKill() + "; system calls: " + r.Syscalls()
}

var (
	detectOnce sync.Once
	detected   Report
	cgroups    cgroupParent
)

// Mechanisms reports what is in force on this machine; it is detected once,
// on first use (the first Start), by starting one probe shim. Where cgroup v2
// controllers are delegated, detection moves this process into a leaf
// cgroup ("verge") so that its siblings may get the memory controller.
func Mechanisms() Report {
	detectOnce.Do(func() {
		start := time.Now()
		if err := probeNamespaces(); err != nil {
			detected.NamespaceError = err.Error()
		} else {
			detected.Namespaces = true
		}
		detected.ProbeTime = time.Since(start)
		if err := probe(shimConfig{Probe: true, Seccomp: true}, nil); err != nil {
			detected.SeccompError = err.Error()
		} else {
			detected.Seccomp = true
		}
		cgroups, detected.CgroupError = detectCgroup()
		detected.Cgroup = cgroups != ""
	})
	return detected
}

// namespaceAttr returns the clone attributes of a namespaced sandbox: root
// inside maps to this process's uid, so nothing gains privilege outside.
func namespaceAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS | syscall.CLONE_NEWPID | syscall.CLONE_NEWIPC,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
	}
}

// probeNamespaces starts a shim in new namespaces that mounts its tmpfs and exits.
func probeNamespaces() error {
	return probe(shimConfig{TmpMB: 1, Probe: true}, namespaceAttr())
}

// probe starts a shim that sets cfg up and exits.
func probe(cfg shimConfig, attr *syscall.SysProcAttr) error {
	if attr == nil {
		attr = &syscall.SysProcAttr{}
	}
	cmd := &exec.Cmd{
		Path:        selfExe,
		Args:        []string{shimArgv0},
		Env:         []string{shimEnv + "=" + encodeConfig(cfg)},
		Dir:         "/",
		SysProcAttr: attr,
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	out, err := cmd.CombinedOutput()
	if err != nil {
		if msg := strings.TrimSpace(string(out)); msg != "" {
			return fmt.Errorf("%v: %s", err, msg)
		}
		return err
	}
	return nil
}

// ShimBeside returns the path of the small shim (cmd/verge-sandbox, built
// from the same source) installed beside the running executable, for
// Spec.Shim; or "" when there is none, and Verge re-executes itself.
func ShimBeside() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	p := filepath.Join(filepath.Dir(exe), shimArgv0)
	if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() || unix.Access(p, unix.X_OK) != nil {
		return ""
	}
	return p
}
