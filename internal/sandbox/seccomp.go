package sandbox

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The seccomp filter is a second wall behind the namespaces: the calls a
// function has no business making (mounting, tracing, loading kernel code
// or BPF, keyrings, new namespaces) fail with EPERM even where a namespace
// would allow them, so a function cannot, say, unmount its private /tmp in
// a namespace of its own and see the host's. It is installed by the shim
// with no_new_privs, right before the runtime's exec, and every process the
// runtime starts inherits it.

// deniedSyscalls fail with EPERM.
var deniedSyscalls = []uint32{
	unix.SYS_MOUNT, unix.SYS_UMOUNT2, unix.SYS_PIVOT_ROOT, unix.SYS_CHROOT,
	unix.SYS_OPEN_TREE, unix.SYS_MOVE_MOUNT, unix.SYS_FSOPEN, unix.SYS_FSCONFIG, unix.SYS_FSMOUNT,
	unix.SYS_FSPICK, unix.SYS_MOUNT_SETATTR,
	unix.SYS_PTRACE, unix.SYS_PROCESS_VM_READV, unix.SYS_PROCESS_VM_WRITEV, unix.SYS_KCMP,
	unix.SYS_KEXEC_LOAD, unix.SYS_KEXEC_FILE_LOAD, unix.SYS_INIT_MODULE, unix.SYS_FINIT_MODULE,
	unix.SYS_DELETE_MODULE, unix.SYS_BPF, unix.SYS_PERF_EVENT_OPEN, unix.SYS_USERFAULTFD,
	unix.SYS_KEYCTL, unix.SYS_ADD_KEY, unix.SYS_REQUEST_KEY,
	unix.SYS_UNSHARE, unix.SYS_SETNS, unix.SYS_OPEN_BY_HANDLE_AT, unix.SYS_NAME_TO_HANDLE_AT,
	unix.SYS_REBOOT, unix.SYS_SWAPON, unix.SYS_SWAPOFF, unix.SYS_ACCT, unix.SYS_SYSLOG,
	unix.SYS_SETTIMEOFDAY, unix.SYS_CLOCK_SETTIME, unix.SYS_ADJTIMEX, unix.SYS_CLOCK_ADJTIME,
}

// newNamespaces are the clone flags that make a namespace: clone with any
// of them fails with EPERM. clone3 passes its flags in memory a filter
// cannot read, so it fails with ENOSYS and the C libraries fall back to
// clone.
const newNamespaces = unix.CLONE_NEWUSER | unix.CLONE_NEWNS | unix.CLONE_NEWPID | unix.CLONE_NEWNET |
	unix.CLONE_NEWUTS | unix.CLONE_NEWIPC | unix.CLONE_NEWCGROUP | unix.CLONE_NEWTIME

// Classic BPF opcodes and seccomp's return values and data offsets.
const (
	bpfLoad   = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
	bpfJeq    = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
	bpfJge    = unix.BPF_JMP | unix.BPF_JGE | unix.BPF_K
	bpfJset   = unix.BPF_JMP | unix.BPF_JSET | unix.BPF_K
	bpfRet    = unix.BPF_RET | unix.BPF_K
	retAllow  = unix.SECCOMP_RET_ALLOW
	retErrno  = unix.SECCOMP_RET_ERRNO
	retKill   = unix.SECCOMP_RET_KILL_PROCESS
	offNr     = 0  // seccomp_data.nr
	offArch   = 4  // seccomp_data.arch
	offArg0   = 16 // seccomp_data.args[0], its low 32 bits on little-endian machines
	x32Prefix = 0x40000000
)

// seccompFilter builds the filter program; nil where this architecture has
// no audit constant here.
func seccompFilter() []unix.SockFilter {
	if auditArch == 0 {
		return nil
	}
	insn := func(code uint16, jt, jf uint8, k uint32) unix.SockFilter {
		return unix.SockFilter{Code: code, Jt: jt, Jf: jf, K: k}
	}
	deny := insn(bpfRet, 0, 0, retErrno|uint32(unix.EPERM))
	prog := []unix.SockFilter{
		insn(bpfLoad, 0, 0, offArch),
		insn(bpfJeq, 1, 0, auditArch),
		insn(bpfRet, 0, 0, retKill), // another ABI: not ours to allow
		insn(bpfLoad, 0, 0, offNr),
		insn(bpfJge, 0, 1, x32Prefix), // x32 numbers alias the ones below
		deny,
	}
	for _, nr := range deniedSyscalls {
		prog = append(prog, insn(bpfJeq, 0, 1, nr), deny)
	}
	return append(prog,
		insn(bpfJeq, 0, 1, unix.SYS_CLONE3),
		insn(bpfRet, 0, 0, retErrno|uint32(unix.ENOSYS)),
		insn(bpfJeq, 0, 3, unix.SYS_CLONE),
		insn(bpfLoad, 0, 0, offArg0),
		insn(bpfJset, 0, 1, newNamespaces),
		deny,
		insn(bpfRet, 0, 0, retAllow),
	)
}

// installSeccomp installs prog on every thread; no_new_privs must be set.
func installSeccomp(prog []unix.SockFilter) error {
	if prog == nil {
		return nil
	}
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	_, _, errno := unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, unix.SECCOMP_FILTER_FLAG_TSYNC,
		uintptr(unsafe.Pointer(&fprog)))
	if errno != 0 {
		return fmt.Errorf("sandbox shim: seccomp filter: %v", errno)
	}
	return nil
}
