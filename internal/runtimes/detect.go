package runtimes

import (
	"fmt"
	"path/filepath"
	"strings"
)

// A Family is a kind of runtime: how a sandbox's process is started.
type Family string

// The runtime families.
const (
	Node     Family = "node"     // nodejs*.x: node with the embedded bootstrap
	Python   Family = "python"   // python3.*: python with the embedded bootstrap
	Provided Family = "provided" // provided.*: the function's own bootstrap executable
)

// FamilyOf returns the family of a Lambda runtime identifier such as
// "nodejs20.x", "python3.11" or "provided.al2023".
func FamilyOf(runtime string) (Family, error) {
	switch {
	case strings.HasPrefix(runtime, "nodejs"):
		return Node, nil
	case strings.HasPrefix(runtime, "python3"):
		return Python, nil
	case runtime == "provided" || strings.HasPrefix(runtime, "provided."):
		return Provided, nil
	}
	return "", fmt.Errorf("unknown runtime %q (want nodejs*.x, python3.* or provided.*)", runtime)
}

// DetectFamily returns the family an entry file's extension implies:
// .js, .mjs, .cjs and .ts are Node.js, .py is Python, .go is a Go program
// built into a provided runtime's bootstrap.
func DetectFamily(entry string) (Family, error) {
	switch strings.ToLower(filepath.Ext(entry)) {
	case ".js", ".mjs", ".cjs", ".ts", ".mts", ".cts":
		return Node, nil
	case ".py":
		return Python, nil
	case ".go":
		return Provided, nil
	}
	return "", fmt.Errorf("cannot tell the runtime of %s: want a .js, .mjs, .cjs, .ts, .py or .go entry file, or set runtime", filepath.Base(entry))
}
