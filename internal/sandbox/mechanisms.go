package sandbox

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
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
	// Root is true when a sandbox's root is a minimal read-only tree
	// (pivot_root) with a /proc of its own; RootError is why it is not.
	Root      bool
	RootError string
	// OwnUIDs is true when each sandbox runs as a host uid and gid of its
	// own (from IDs); else it runs as Verge's user with no capabilities.
	OwnUIDs bool
	// UserError is why sandboxes have no uid of their own, when they do not.
	UserError string
	// IDs is the host uid range sandboxes take their uid from.
	IDs idRange
	// Landlock is the Landlock ABI enforced in sandboxes, 0 for none;
	// LandlockError is why it is not.
	Landlock      int
	LandlockError string
	// ProbeTime is how long the probes took (a few shim starts).
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

// FileSystem describes what a sandbox sees of the host's files.
func (r Report) FileSystem() string {
	var s string
	switch {
	case r.Root:
		s = "minimal read-only root (pivot_root): system folders, runtime, bootstrap, task root; own /proc"
	case r.Namespaces:
		s = "the host's files as Verge's user sees them, private /tmp only (no minimal root: " + r.RootError + ")"
	default:
		s = "the host's files as Verge's user sees them (no namespaces)"
	}
	if r.Landlock > 0 {
		return s + " + Landlock ABI " + strconv.Itoa(r.Landlock)
	}
	return s + " (no Landlock: " + r.LandlockError + ")"
}

// User describes whom a sandbox runs as.
func (r Report) User() string {
	switch {
	case r.OwnUIDs:
		return fmt.Sprintf("a uid of its own from %d-%d, no capabilities, RLIMIT_NPROC %d", r.IDs.Base, r.IDs.Base+r.IDs.Count-1, procLimit)
	case r.Namespaces:
		return fmt.Sprintf("Verge's uid %d with every capability dropped, RLIMIT_NPROC %d in its user namespace (no own uid: %s)", os.Getuid(), procLimit, r.UserError)
	}
	return fmt.Sprintf("Verge's uid %d (no namespaces)", os.Getuid())
}

// String is the one-line summary the server logs at start.
func (r Report) String() string {
	return "user: " + r.User() + "; files: " + r.FileSystem() + "; memory: " + r.Memory() + "; /tmp: " + r.Tmp() +
		"; tree kill: " + r.TreeKill() + "; system calls: " + r.Syscalls()
}

var (
	detectOnce sync.Once
	detected   Report
	cgroups    cgroupParent
	ids        *idPool // sandboxes' own uids, when OwnUIDs
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
		if err := probe(shimConfig{Probe: true, Seccomp: true}, nil); err != nil {
			detected.SeccompError = err.Error()
		} else {
			detected.Seccomp = true
		}
		detectBoundary(&detected)
		detected.ProbeTime = time.Since(start)
		cgroups, detected.CgroupError = detectCgroup()
		detected.Cgroup = cgroups != ""
	})
	return detected
}

// detectBoundary finds, where namespaces work, whether a sandbox can have
// its own uid, a minimal root and Landlock, by starting probe shims.
func detectBoundary(r *Report) {
	if r.Landlock = landlockABI(); r.Landlock == 0 {
		r.LandlockError = "the kernel has no Landlock"
	}
	if !r.Namespaces {
		r.UserError, r.RootError = "no namespaces", "no namespaces"
		return
	}
	if os.Geteuid() != 0 {
		r.UserError = "Verge is not root, and maps only its own uid"
	} else {
		r.IDs = subIDs(subUIDFile)
		pool := newIDPool(r.IDs, subIDs(subGIDFile))
		if err := probeBoundary(pool, nil, 0); err != nil {
			r.UserError = err.Error()
		} else {
			r.OwnUIDs, ids = true, pool
		}
	}
	if err := probeBoundary(ids, rootPlan(Spec{Path: selfExe}), 0); err != nil {
		r.RootError = err.Error()
	} else {
		r.Root = true
	}
	if r.Landlock > 0 {
		if err := probeBoundary(ids, nil, r.Landlock); err != nil {
			r.Landlock, r.LandlockError = 0, err.Error()
		}
	}
}

// probeBoundary starts a shim that sets up a sandbox's user (from pool),
// root plan and Landlock, and exits.
func probeBoundary(pool *idPool, plan []rootMount, landlock int) error {
	cfg := shimConfig{Probe: true, TmpMB: 1, Root: plan, Landlock: landlock, DropCaps: true}
	attr, release, err := namespaceAttr(pool, &cfg)
	if err != nil {
		return err
	}
	defer release()
	return probe(cfg, attr)
}

// namespaceAttr returns the clone attributes of a namespaced sandbox and
// sets cfg's user: with a pool, uid 0 inside maps to root for the shim's
// setup and the runtime becomes sandboxUID, mapped to a host uid of its
// own; without, uid 0 inside maps to this process's uid and the shim drops
// every capability. release returns the uid to the pool.
func namespaceAttr(pool *idPool, cfg *shimConfig) (attr *syscall.SysProcAttr, release func(), err error) {
	attr = &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS | syscall.CLONE_NEWPID | syscall.CLONE_NEWIPC,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
	}
	cfg.DropCaps = true
	if pool == nil {
		return attr, func() {}, nil
	}
	slot, uid, gid, err := pool.take()
	if err != nil {
		return nil, nil, err
	}
	attr.UidMappings = append(attr.UidMappings, syscall.SysProcIDMap{ContainerID: sandboxUID, HostID: uid, Size: 1})
	attr.GidMappings = append(attr.GidMappings, syscall.SysProcIDMap{ContainerID: sandboxGID, HostID: gid, Size: 1})
	attr.GidMappingsEnableSetgroups = true // the shim clears the supplementary groups
	cfg.UID, cfg.GID = sandboxUID, sandboxGID
	return attr, func() { pool.give(slot) }, nil
}

// probeNamespaces starts a shim in new namespaces that mounts its tmpfs and exits.
func probeNamespaces() error {
	cfg := shimConfig{TmpMB: 1, Probe: true}
	attr, _, _ := namespaceAttr(nil, &cfg)
	return probe(cfg, attr)
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
