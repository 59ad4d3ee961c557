// Package sandbox starts one function runtime process (node, python or a
// custom bootstrap), limits it, captures its output and guarantees that
// nothing it started is left behind.
//
// A sandbox is started through a shim: the Verge binary re-executes itself
// (/proc/self/exe, the runc/nsjail pattern, since Go cannot run code between
// fork and exec) with a marker in its environment. The shim starts in new
// user, mount, PID and IPC namespaces as root of its user namespace only;
// it builds a minimal read-only root (root.go: the system folders, the
// runtime, the bootstrap and the task root bound read-only at their host
// paths, a few devices, a private size-capped /tmp, its own /proc),
// pivots into it, becomes the sandbox's own unprivileged user (ids.go; a
// host uid of its own where Verge is root), sets the rlimits, no_new_privs,
// Landlock (landlock.go) and the seccomp filter, and execs the runtime,
// which thereby becomes PID 1 of its own PID namespace: killing it makes
// the kernel kill and reap everything it started, daemons included.
//
// Every layer is optional and detected once (see Mechanisms): without
// namespaces the runtime gets a private TMPDIR under the state folder, a
// per-file RLIMIT_FSIZE cap, and tree kill by process group plus a /proc
// scan of its descendants; cgroup v2 memory limits apply only where the
// controllers are delegated.
//
// Freeze and Thaw stop and resume a sandbox between invocations, as Lambda
// does: the cgroup v2 freezer where the sandbox has a cgroup, else SIGSTOP
// and SIGCONT to the runtime's process group (in a PID namespace too: its
// init takes them from Verge's namespace). A descendant that left the group
// with setsid is not stopped without a cgroup.
//
// Init must run before anything else in the process (first in main and in
// TestMain); the package's own init function calls it as well. Go
// initialises packages in import-path order, so a re-executed Verge still
// pays for the initialisation of most of its dependencies on every start:
// ship cmd/verge-sandbox beside it and set Spec.Shim (see ShimBeside) to
// start sandboxes through that small binary instead.
package sandbox
