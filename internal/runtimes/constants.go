package runtimes

// Runtime identifiers and the files the bootstraps live in.
const (
	nodePrefix      = "nodejs"
	pythonPrefix    = "python3"
	providedDefault = "provided.al2023"

	nodeBootstrap   = "bootstrap.cjs"
	pythonBootstrap = "bootstrap.py"
	providedEntry   = "bootstrap" // a provided runtime's executable in the task root

	execEnvPrefix = "AWS_Lambda_" // AWS_EXECUTION_ENV = AWS_Lambda_nodejs20.x
)

// Memory mechanisms, as Launch reports them.
const (
	MemoryNodeHeap   = "node --max-old-space-size"
	MemoryRlimitAS   = "RLIMIT_AS"
	MemoryGoMemLimit = "GOMEMLIMIT"
)
