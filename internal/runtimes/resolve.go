package runtimes

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Runtime is a resolved runtime: its id and the interpreter that runs it.
type Runtime struct {
	ID          string // "nodejs20.x", "python3.11", "provided.al2023"
	Family      Family
	Interpreter string // absolute path of the real binary (never a shim); "" for provided
	Version     string // e.g. "20.20.2", "3.11.7"
}

// interpreter is an installed node or python, found once per process.
type interpreter struct {
	path, version string
	err           error
}

var (
	interpMu sync.Mutex
	interps  = map[Family]*interpreter{}
)

// probes ask each interpreter for its real path and version in one start,
// so that a shim (pyenv's python3) is run once and then bypassed.
var probes = map[Family][]string{
	Node:   {"node", "-p", `process.execPath + "\n" + process.versions.node`},
	Python: {"python3", "-c", `import sys; print(sys.executable); print("%d.%d.%d" % sys.version_info[:3])`},
}

// Resolve finds the interpreter for a runtime id, once per process. For
// nodejs*/python3.* the installed node / python3 is used; when its
// major(.minor) differs from the id it still runs, with a warning.
func Resolve(id string) (*Runtime, []string, error) {
	fam, want, err := ParseID(id)
	if err != nil {
		return nil, nil, err
	}
	rt := &Runtime{ID: id, Family: fam}
	if fam == Provided {
		return rt, nil, nil
	}
	in := lookup(fam)
	if in.err != nil {
		return nil, nil, in.err
	}
	rt.Interpreter, rt.Version = in.path, in.version
	var warnings []string
	if have := versionKey(fam, in.version); have != want {
		warnings = append(warnings, fmt.Sprintf("runtime %s asked for, but the installed %s is %s (%s): running it anyway",
			id, probes[fam][0], in.version, in.path))
	}
	return rt, warnings, nil
}

// Default returns the id for a family from the installed interpreters
// ("nodejs20.x", "python3.11", "provided.al2023").
func Default(f Family) (string, error) {
	switch f {
	case Provided:
		return providedDefault, nil
	case Node, Python:
		in := lookup(f)
		if in.err != nil {
			return "", in.err
		}
		if f == Node {
			return nodePrefix + versionKey(f, in.version) + ".x", nil
		}
		return "python" + versionKey(f, in.version), nil
	}
	return "", fmt.Errorf("runtimes: unknown family %q", f)
}

// lookup probes a family's interpreter, once per process.
func lookup(f Family) *interpreter {
	interpMu.Lock()
	defer interpMu.Unlock()
	if in, ok := interps[f]; ok {
		return in
	}
	in := probe(probes[f])
	interps[f] = in
	return in
}

func probe(argv []string) *interpreter {
	bin, err := exec.LookPath(argv[0])
	if err != nil {
		return &interpreter{err: fmt.Errorf("runtimes: %s not found on PATH: %w", argv[0], err)}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, argv[1:]...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return &interpreter{err: fmt.Errorf("runtimes: probing %s: %w: %s", bin, err, strings.TrimSpace(stderr.String()))}
	}
	lines := strings.Fields(string(out))
	if len(lines) != 2 || !filepath.IsAbs(lines[0]) {
		return &interpreter{err: fmt.Errorf("runtimes: probing %s: unexpected answer %q", bin, out)}
	}
	real, err := filepath.EvalSymlinks(lines[0])
	if err != nil {
		real = lines[0]
	}
	return &interpreter{path: real, version: lines[1]}
}

// versionKey is the part of a version a runtime id names: node's major
// ("20"), python's major.minor ("3.11").
func versionKey(f Family, version string) string {
	parts := strings.SplitN(version, ".", 3)
	if f == Python && len(parts) >= 2 {
		return parts[0] + "." + parts[1]
	}
	return parts[0]
}

// ParseID checks a runtime id and returns its family and the version key
// it names ("20" for nodejs20.x, "3.11" for python3.11, "" for provided).
func ParseID(id string) (Family, string, error) {
	bad := func() (Family, string, error) {
		return "", "", fmt.Errorf("runtimes: bad runtime id %q: want nodejs<N>.x, python3.<N> or provided[.al2|.al2023]", id)
	}
	switch {
	case strings.HasPrefix(id, nodePrefix):
		major, ok := strings.CutSuffix(id[len(nodePrefix):], ".x")
		if !ok || !isNumber(major) {
			return bad()
		}
		return Node, major, nil
	case strings.HasPrefix(id, pythonPrefix+"."):
		minor := id[len(pythonPrefix)+1:]
		if !isNumber(minor) {
			return bad()
		}
		return Python, "3." + minor, nil
	case id == "provided" || id == "provided.al2" || id == providedDefault:
		return Provided, "", nil
	}
	return bad()
}

// isNumber reports whether s is a decimal number without sign or leading zero.
func isNumber(s string) bool {
	if s == "" || len(s) > 4 || (len(s) > 1 && s[0] == '0') {
		return false
	}
	_, err := strconv.Atoi(s)
	return err == nil && !strings.ContainsAny(s, "+-")
}
