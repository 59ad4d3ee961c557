package sandbox

import "time"

const (
	// shimEnv marks a re-executed Verge binary as a sandbox shim; its value
	// is the encoded shimConfig. It never reaches the runtime.
	shimEnv = "VERGE_SANDBOX_SHIM"
	// shimArgv0 is the shim's argv[0], as seen by ps before it execs.
	shimArgv0 = "verge-sandbox"
	// selfExe re-executes the running binary, even if it was replaced on disk.
	selfExe = "/proc/self/exe"
	// statusFD is the shim's close-on-exec status pipe: EOF means the runtime
	// was exec'ed; any bytes are the reason it was not.
	statusFD = 3
	// shimExitFailed is the shim's exit code when it could not exec the runtime.
	shimExitFailed = 125

	// privateTmp is where the private tmpfs is mounted inside the namespace.
	privateTmp = "/tmp"

	// DefaultTmpLimitMB is the /tmp cap when Spec.TmpLimitMB is 0 (Lambda's
	// default ephemeral storage).
	DefaultTmpLimitMB = 512
	// noFileLimit is RLIMIT_NOFILE in the sandbox, Lambda's value.
	noFileLimit = 1024
	// procLimit is RLIMIT_NPROC in the sandbox: Lambda's 1,024 processes
	// and threads.
	procLimit = 1024

	// waitDelay bounds how long Wait waits for the output pipes after the
	// runtime exited, when an escaped descendant still holds them.
	waitDelay = 2 * time.Second
	// statusTimeout bounds how long Start waits for the shim to exec.
	statusTimeout = 30 * time.Second

	// Names of the environment variables the sandbox sets.
	envTmpDir = "TMPDIR"
	envHome   = "HOME"

	// envRounds bounds how many times a process caught in execve (empty
	// environment) is read again when looking for a sandbox's processes.
	envRounds = 50
	// kthreadd is the parent of every kernel thread.
	kthreadd = 2

	// cgroupRoot is the cgroup v2 mount point.
	cgroupRoot = "/sys/fs/cgroup"
)
