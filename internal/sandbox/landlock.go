package sandbox

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Landlock is the third wall, behind the sandbox's root and its user: the
// runtime may read and execute anything under /, write only under /tmp and
// to its device nodes, and (from ABI 6) neither signal nor reach the
// abstract Unix sockets of processes outside its own domain. The ruleset
// is built in the shim before its limits and enforced on the exec'ing
// thread right before the exec, like the seccomp filter; go-landlock
// restricts every thread of the process instead, which a cgo binary cannot
// do and the shim does not need.

// landlockAttr is struct landlock_ruleset_attr up to the fields this code
// uses; its size is passed according to the ABI.
type landlockAttr struct {
	handledFS  uint64
	handledNet uint64
	scoped     uint64
}

// landlockABI returns the kernel's Landlock ABI version, 0 without Landlock.
func landlockABI() int {
	v, _, errno := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, 0, 0, unix.LANDLOCK_CREATE_RULESET_VERSION)
	if errno != 0 {
		return 0
	}
	return int(v)
}

// fsRights returns the file-system rights ABI abi knows.
func fsRights(abi int) uint64 {
	r := uint64(unix.LANDLOCK_ACCESS_FS_MAKE_SYM<<1 - 1) // ABI 1: execute … make_sym
	if abi >= 2 {
		r |= unix.LANDLOCK_ACCESS_FS_REFER
	}
	if abi >= 3 {
		r |= unix.LANDLOCK_ACCESS_FS_TRUNCATE
	}
	if abi >= 5 {
		r |= unix.LANDLOCK_ACCESS_FS_IOCTL_DEV
	}
	return r
}

const (
	landlockRead   = unix.LANDLOCK_ACCESS_FS_EXECUTE | unix.LANDLOCK_ACCESS_FS_READ_FILE | unix.LANDLOCK_ACCESS_FS_READ_DIR
	landlockDevice = unix.LANDLOCK_ACCESS_FS_READ_FILE | unix.LANDLOCK_ACCESS_FS_WRITE_FILE |
		unix.LANDLOCK_ACCESS_FS_TRUNCATE | unix.LANDLOCK_ACCESS_FS_IOCTL_DEV
)

// landlockRuleset builds the sandbox's ruleset for ABI abi and returns its
// descriptor: read and execute under /, everything under /tmp, read and
// write on the devices.
func landlockRuleset(abi int, devices []string) (int, error) {
	attr := landlockAttr{handledFS: fsRights(abi)}
	size := unsafe.Sizeof(attr.handledFS)
	if abi >= 4 {
		size += unsafe.Sizeof(attr.handledNet) // net rights stay unhandled: functions use the network
	}
	if abi >= 6 {
		attr.scoped = unix.LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | unix.LANDLOCK_SCOPE_SIGNAL
		size += unsafe.Sizeof(attr.scoped)
	}
	fd, _, errno := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, uintptr(unsafe.Pointer(&attr)), size, 0)
	if errno != 0 {
		return -1, fmt.Errorf("sandbox shim: landlock ruleset: %v", errno)
	}
	rules := []struct {
		path   string
		access uint64
	}{{"/", landlockRead}, {privateTmp, attr.handledFS}, {"/proc", landlockRead | unix.LANDLOCK_ACCESS_FS_WRITE_FILE}}
	for _, d := range devices {
		rules = append(rules, struct {
			path   string
			access uint64
		}{d, landlockDevice})
	}
	for _, r := range rules {
		if err := landlockAllow(int(fd), r.path, r.access&attr.handledFS); err != nil {
			unix.Close(int(fd))
			return -1, err
		}
	}
	return int(fd), nil
}

// landlockAllow adds a path-beneath rule; a path that does not exist has
// nothing to allow.
func landlockAllow(ruleset int, path string, access uint64) error {
	fd, err := unix.Open(path, unix.O_PATH|unix.O_CLOEXEC, 0)
	if err == unix.ENOENT {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sandbox shim: landlock: open %s: %v", path, err)
	}
	defer unix.Close(fd)
	rule := unix.LandlockPathBeneathAttr{Allowed_access: access, Parent_fd: int32(fd)}
	_, _, errno := unix.Syscall6(unix.SYS_LANDLOCK_ADD_RULE, uintptr(ruleset), unix.LANDLOCK_RULE_PATH_BENEATH,
		uintptr(unsafe.Pointer(&rule)), 0, 0, 0)
	if errno != 0 {
		return fmt.Errorf("sandbox shim: landlock rule for %s: %v", path, errno)
	}
	return nil
}

// landlockRestrict enforces ruleset on the calling thread (no_new_privs
// must be set); only raw system calls, since it runs under the limits.
func landlockRestrict(ruleset int) unix.Errno {
	_, _, errno := unix.RawSyscall(unix.SYS_LANDLOCK_RESTRICT_SELF, uintptr(ruleset), 0, 0)
	return errno
}
