package runtimes

import (
	"path/filepath"
	"strconv"
)

// Launch is how to start one sandbox of a runtime.
type Launch struct {
	Path              string   // the executable
	Args              []string // its arguments (without Path)
	Env               []string // runtime-specific variables only (AWS_EXECUTION_ENV, NODE_PATH, GOMEMLIMIT…)
	AddressSpaceLimit bool     // memory is to be enforced with RLIMIT_AS (Python); the sandbox applies it
	MemoryMechanism   string   // human-readable: "node --max-old-space-size", "RLIMIT_AS", "GOMEMLIMIT"
}

// LaunchSpec is one function's side of a launch.
type LaunchSpec struct {
	TaskRoot     string // the function's code (LAMBDA_TASK_ROOT)
	Handler      string // _HANDLER
	BootstrapDir string // from Install
	MemoryMB     int    // the function's memory size
	// SDK is the folder of the AWS SDK the runtime includes, as Lambda's
	// do ("" for none): for Node.js a node_modules folder, for Python a
	// folder of packages. It is searched last, so the function's own copy
	// wins.
	SDK string
}

// Launch says how to start one sandbox of r for s.
func (r *Runtime) Launch(s LaunchSpec) Launch {
	switch r.Family {
	case Node:
		return Launch{
			Path:            r.Interpreter,
			Args:            append(nodeMemoryArgs(s.MemoryMB), "--enable-source-maps", filepath.Join(s.BootstrapDir, nodeBootstrap)),
			Env:             []string{"AWS_EXECUTION_ENV=" + execEnvPrefix + r.ID, "NODE_PATH=" + nodePath(s)},
			MemoryMechanism: MemoryNodeHeap,
		}
	case Python:
		return Launch{
			Path:              r.Interpreter,
			Args:              pythonArgs(s),
			Env:               []string{"AWS_EXECUTION_ENV=" + execEnvPrefix + r.ID, "PYTHONUNBUFFERED=1"},
			AddressSpaceLimit: true,
			MemoryMechanism:   MemoryRlimitAS,
		}
	}
	l := Launch{Path: filepath.Join(s.TaskRoot, providedEntry), MemoryMechanism: MemoryGoMemLimit}
	if s.MemoryMB > 0 {
		// Leave a tenth for what the Go runtime does not count (stacks, cgo, fragmentation).
		l.Env = []string{"GOMEMLIMIT=" + strconv.Itoa(s.MemoryMB*9/10) + "MiB"}
	}
	return l
}

// nodePath is where require looks after the folders above the module: the
// task root's node_modules, the task root, then the runtime's SDK (Lambda's
// /var/runtime/node_modules comes last too).
func nodePath(s LaunchSpec) string {
	p := filepath.Join(s.TaskRoot, "node_modules") + ":" + s.TaskRoot
	if s.SDK != "" {
		p += ":" + s.SDK
	}
	return p
}

// pythonArgs runs the bootstrap, telling it the SDK's folder: it appends
// it to sys.path, after the task root and the interpreter's own packages,
// as Lambda's boto3 comes after /var/task. PYTHONPATH would put it first.
func pythonArgs(s LaunchSpec) []string {
	args := []string{"-u", filepath.Join(s.BootstrapDir, pythonBootstrap)}
	if s.SDK != "" {
		args = append(args, s.SDK)
	}
	return args
}

// nodeMemoryArgs sizes V8's heap as AWS's Node.js bootstrap does: a tenth of
// the memory for the young generation (half of it per semi-space), the rest
// for the old generation.
func nodeMemoryArgs(mb int) []string {
	if mb <= 0 {
		return nil
	}
	young := max(mb/10, 2)
	return []string{
		"--max-semi-space-size=" + strconv.Itoa(young/2),
		"--max-old-space-size=" + strconv.Itoa(mb-young),
	}
}
