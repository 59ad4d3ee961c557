package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// shimConfig is what the parent tells the shim, through shimEnv. The
// runtime's argv is the shim's argv[1:] and its environment is the shim's
// own minus shimEnv.
type shimConfig struct {
	Dir       string   `json:"dir"`
	Keep      []string `json:"keep,omitempty"`      // more folders to keep visible under a private /tmp
	TmpMB     int      `json:"tmpMB,omitempty"`     // mount a private tmpfs of this size on /tmp when > 0
	FSize     uint64   `json:"fsize,omitempty"`     // RLIMIT_FSIZE in bytes
	AS        uint64   `json:"as,omitempty"`        // RLIMIT_AS in bytes when > 0
	Subreaper bool     `json:"subreaper,omitempty"` // keep orphans in the runtime's tree (no PID namespace)
	Seccomp   bool     `json:"seccomp,omitempty"`   // install the seccomp filter before the exec
	Probe     bool     `json:"probe,omitempty"`     // only check that the setup works, then exit 0

	Root     []rootMount `json:"root,omitempty"`     // build a minimal root of these and pivot into it
	UID      int         `json:"uid,omitempty"`      // become this uid and GID (in the namespace) before the exec
	GID      int         `json:"gid,omitempty"`      //
	DropCaps bool        `json:"dropCaps,omitempty"` // else drop every capability (staying uid 0 in the namespace)
	NProc    uint64      `json:"nproc,omitempty"`    // RLIMIT_NPROC when > 0
	Landlock int         `json:"landlock,omitempty"` // the Landlock ABI to enforce, 0 for none
}

func encodeConfig(c shimConfig) string {
	b, _ := json.Marshal(c) // cannot fail: plain fields
	return string(b)
}

func decodeConfig(s string) (shimConfig, error) {
	var c shimConfig
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		return c, fmt.Errorf("sandbox shim: bad %s: %v", shimEnv, err)
	}
	if c.TmpMB < 0 {
		return c, fmt.Errorf("sandbox shim: negative tmpfs size %d MB", c.TmpMB)
	}
	if c.Dir != "" && !filepath.IsAbs(c.Dir) {
		return c, fmt.Errorf("sandbox shim: working directory %q is not absolute", c.Dir)
	}
	return c, nil
}

func init() { Init() }

// Init turns this process into a sandbox shim when it was re-executed as one
// (shimEnv set): it applies the limits and execs the runtime, and never
// returns. Otherwise it returns at once. Call it first in main and in the
// TestMain of every package whose tests start sandboxes; the package's init
// function calls it too.
func Init() {
	raw, ok := os.LookupEnv(shimEnv)
	if !ok {
		return
	}
	cfg, err := decodeConfig(raw)
	if err == nil {
		err = runShim(cfg, os.Args[1:])
	}
	// The status pipe reaches the parent's Start; stderr is the sandbox's log.
	msg := []byte(err.Error())
	if _, werr := unix.Write(statusFD, msg); werr != nil {
		_, _ = os.Stderr.Write(append(msg, '\n'))
	}
	os.Exit(shimExitFailed)
}

// runShim sets the sandbox up and execs argv; it returns only on failure.
// The thread is locked: credentials, Landlock and seccomp are set on the
// thread that execs.
func runShim(cfg shimConfig, argv []string) error {
	runtime.LockOSThread()
	closeInherited()
	switch {
	case len(cfg.Root) > 0:
		if err := enterRoot(cfg); err != nil {
			return err
		}
	case cfg.TmpMB > 0:
		if err := mountPrivateTmp(cfg, argv); err != nil {
			return err
		}
	}
	if cfg.Probe {
		argv = nil // everything but the exec
	} else if len(argv) == 0 {
		return errors.New("sandbox shim: no executable")
	}
	if cfg.Subreaper {
		// Orphans stay below the runtime, where the tree kill finds them.
		if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
			return fmt.Errorf("sandbox shim: PR_SET_CHILD_SUBREAPER: %v", err)
		}
	}
	err := execWithLimits(cfg, argv, runtimeEnv(os.Environ()))
	if err == nil && cfg.Probe {
		os.Exit(0)
	}
	return err
}

// closeInherited marks every descriptor from statusFD up close-on-exec, so
// that the runtime gets only stdin, stdout and stderr, whatever Verge itself
// inherited without O_CLOEXEC.
func closeInherited() {
	if unix.CloseRange(statusFD, ^uint(0), unix.CLOSE_RANGE_CLOEXEC) == nil {
		return
	}
	ents, _ := os.ReadDir("/proc/self/fd") // before Linux 5.11
	for _, e := range ents {
		if fd, err := strconv.Atoi(e.Name()); err == nil && fd >= statusFD {
			unix.CloseOnExec(fd)
		}
	}
}

// runtimeEnv is the shim's environment without the shim's own marker.
func runtimeEnv(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, shimEnv+"=") {
			out = append(out, kv)
		}
	}
	return out
}

// mountPrivateTmp mounts a tmpfs of cfg.TmpMB on /tmp in the shim's own
// mount namespace. The namespace is owned by a new user namespace, so its
// mounts are slaves of the host's: nothing propagates back. The working
// directory and the executable's folder, when they lie under the host's /tmp
// (which the tmpfs hides), are bind-mounted back at the same paths.
func mountPrivateTmp(cfg shimConfig, argv []string) error {
	var keep []string
	if cfg.Dir != "" {
		keep = append(keep, cfg.Dir)
	}
	if len(argv) > 0 {
		keep = append(keep, filepath.Dir(argv[0]))
	}
	keep = append(keep, cfg.Keep...)
	keep = hiddenByTmp(keep)
	oldTmp := -1
	if len(keep) > 0 {
		fd, err := unix.Open(privateTmp, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("sandbox shim: open %s: %v", privateTmp, err)
		}
		defer unix.Close(fd)
		oldTmp = fd
	}
	opts := fmt.Sprintf("size=%dm,mode=1777", cfg.TmpMB)
	if err := unix.Mount("tmpfs", privateTmp, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, opts); err != nil {
		return fmt.Errorf("sandbox shim: mount tmpfs on %s: %v", privateTmp, err)
	}
	for _, dir := range keep {
		rel := strings.TrimPrefix(dir, privateTmp+"/")
		src := fmt.Sprintf("/proc/self/fd/%d/%s", oldTmp, rel)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("sandbox shim: recreate %s in private /tmp: %v", dir, err)
		}
		if err := unix.Mount(src, dir, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("sandbox shim: bind %s into private /tmp: %v", dir, err)
		}
	}
	if cfg.Dir != "" && len(keep) > 0 {
		// Go chdir'ed before the mount; re-enter through the new path.
		if err := unix.Chdir(cfg.Dir); err != nil {
			return fmt.Errorf("sandbox shim: chdir %s: %v", cfg.Dir, err)
		}
	}
	return nil
}

// hiddenByTmp returns the folders of dirs that lie strictly under /tmp, minus
// those inside another one of them.
func hiddenByTmp(dirs []string) []string {
	var under []string
	for _, d := range dirs {
		d = filepath.Clean(d)
		if strings.HasPrefix(d, privateTmp+"/") {
			under = append(under, d)
		}
	}
	var out []string
	for _, d := range under {
		inside := false
		for _, o := range under {
			if o != d && strings.HasPrefix(d, o+"/") {
				inside = true
			}
		}
		if !inside && !contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// execWithLimits sets the rlimits, the sandbox's user (or drops every
// capability), no_new_privs, Landlock and the seccomp filter, and execs
// argv with env; with argv nil (a probe) it returns nil instead of the
// exec. RLIMIT_AS may be below the shim's own (Go) address space, so
// everything is allocated first, and only raw system calls follow the
// limits, on this (locked) thread: the exec carries its credentials.
func execWithLimits(cfg shimConfig, argv, env []string) error {
	var path *byte
	var argvp, envp []*byte
	if argv != nil {
		var err error
		if path, err = unix.BytePtrFromString(argv[0]); err != nil {
			return fmt.Errorf("sandbox shim: executable %q: %v", argv[0], err)
		}
		if argvp, err = cStrings(argv); err != nil {
			return fmt.Errorf("sandbox shim: arguments: %v", err)
		}
		if envp, err = cStrings(env); err != nil {
			return fmt.Errorf("sandbox shim: environment: %v", err)
		}
	}
	var filter []unix.SockFilter // no_new_privs only, without seccomp
	if cfg.Seccomp {
		filter = seccompFilter()
	}
	ruleset := -1
	if cfg.Landlock > 0 {
		fd, err := landlockRuleset(cfg.Landlock, deviceNodes)
		if err != nil {
			return err
		}
		ruleset = fd
	}
	if err := setLimits(cfg); err != nil {
		return err
	}
	if err := dropPrivileges(cfg); err != nil {
		return err
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("sandbox shim: no_new_privs: %v", err)
	}
	if ruleset >= 0 {
		if errno := landlockRestrict(ruleset); errno != 0 {
			return fmt.Errorf("sandbox shim: landlock: %v", errno)
		}
	}
	if err := installSeccomp(filter); err != nil {
		return err
	}
	if argv == nil {
		return nil
	}
	_, _, errno := unix.RawSyscall(unix.SYS_EXECVE,
		uintptr(unsafe.Pointer(path)),
		uintptr(unsafe.Pointer(&argvp[0])),
		uintptr(unsafe.Pointer(&envp[0])))
	return fmt.Errorf("sandbox shim: exec %s: %v", argv[0], errno)
}

// setLimits sets the sandbox's rlimits; 0 leaves one as it is, but for
// core dumps, which are always off.
func setLimits(cfg shimConfig) error {
	limits := [...]struct {
		res int
		val uint64
	}{
		{unix.RLIMIT_CORE, 0},
		{unix.RLIMIT_NOFILE, noFileLimit},
		{unix.RLIMIT_FSIZE, cfg.FSize},
		{unix.RLIMIT_AS, cfg.AS},
		{unix.RLIMIT_NPROC, cfg.NProc},
	}
	for _, l := range limits {
		if l.val == 0 && l.res != unix.RLIMIT_CORE {
			continue
		}
		lim := unix.Rlimit{Cur: l.val, Max: l.val}
		if err := unix.Prlimit(0, l.res, &lim, nil); err != nil {
			return fmt.Errorf("sandbox shim: setrlimit %d=%d: %v", l.res, l.val, err)
		}
	}
	return nil
}

// dropPrivileges makes the thread the sandbox's user, which clears every
// capability, or, with no uid of its own to become, clears them in place.
// Raw system calls: Go's wrappers change every thread, which a process
// under RLIMIT_AS may not be able to do, and only this thread execs.
func dropPrivileges(cfg shimConfig) error {
	if cfg.UID > 0 {
		for _, c := range []struct {
			name string
			nr   uintptr
			args [3]uintptr
		}{
			{"setgroups", unix.SYS_SETGROUPS, [3]uintptr{0, 0, 0}},
			{"setresgid", unix.SYS_SETRESGID, [3]uintptr{uintptr(cfg.GID), uintptr(cfg.GID), uintptr(cfg.GID)}},
			{"setresuid", unix.SYS_SETRESUID, [3]uintptr{uintptr(cfg.UID), uintptr(cfg.UID), uintptr(cfg.UID)}},
		} {
			if _, _, errno := unix.RawSyscall(c.nr, c.args[0], c.args[1], c.args[2]); errno != 0 {
				return fmt.Errorf("sandbox shim: %s: %v", c.name, errno)
			}
		}
		// A change of credentials clears the parent-death signal; the
		// sandbox must still die with Verge.
		if _, _, errno := unix.RawSyscall(unix.SYS_PRCTL, unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL), 0); errno != 0 {
			return fmt.Errorf("sandbox shim: parent-death signal: %v", errno)
		}
		return nil
	}
	if !cfg.DropCaps {
		return nil
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if _, _, errno := unix.RawSyscall(unix.SYS_CAPSET, uintptr(unsafe.Pointer(&hdr)), uintptr(unsafe.Pointer(&data[0])), 0); errno != 0 {
		return fmt.Errorf("sandbox shim: drop capabilities: %v", errno)
	}
	return nil
}

// cStrings returns ss as a NULL-terminated array of C strings.
func cStrings(ss []string) ([]*byte, error) {
	out := make([]*byte, len(ss)+1)
	for i, s := range ss {
		p, err := unix.BytePtrFromString(s)
		if err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}
