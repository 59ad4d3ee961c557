package sandbox

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// cgroupParent is the delegated cgroup v2 folder sandboxes are created in,
// or "" when cgroup limits are unavailable.
type cgroupParent string

var cgroupSeq atomic.Int64

// detectCgroup finds a delegated cgroup v2 hierarchy in which this process
// may create sandbox cgroups with the memory controller. Because of the "no
// internal processes" rule, it moves this process into a leaf ("verge")
// before enabling controllers for its siblings. It returns a reason when
// cgroups are unavailable.
func detectCgroup() (cgroupParent, string) {
	ctrl, err := os.ReadFile(filepath.Join(cgroupRoot, "cgroup.controllers"))
	if err != nil || !hasWord(ctrl, "memory") {
		return "", "no cgroup v2 controllers"
	}
	own, err := ownCgroup()
	if err != nil {
		return "", err.Error()
	}
	dir := filepath.Join(cgroupRoot, own)
	if unix.Access(dir, unix.W_OK) != nil {
		return "", "cgroup " + dir + " not writable"
	}
	sub, _ := os.ReadFile(filepath.Join(dir, "cgroup.subtree_control"))
	if !hasWord(sub, "memory") {
		leaf := filepath.Join(dir, "verge")
		if err := os.Mkdir(leaf, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
			return "", "cgroup: " + err.Error()
		}
		if err := writeFile(filepath.Join(leaf, "cgroup.procs"), strconv.Itoa(os.Getpid())); err != nil {
			return "", "cgroup: " + err.Error()
		}
		if err := writeFile(filepath.Join(dir, "cgroup.subtree_control"), "+memory +pids"); err != nil {
			_ = writeFile(filepath.Join(dir, "cgroup.procs"), strconv.Itoa(os.Getpid()))
			return "", "cgroup: " + err.Error()
		}
	}
	return cgroupParent(dir), ""
}

// ownCgroup returns this process's cgroup v2 path from /proc/self/cgroup.
func ownCgroup() (string, error) {
	data, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return "", err
	}
	for line := range strings.Lines(string(data)) {
		if p, ok := strings.CutPrefix(strings.TrimSpace(line), "0::"); ok {
			return p, nil
		}
	}
	return "", errors.New("no cgroup v2 entry in /proc/self/cgroup")
}

func hasWord(data []byte, w string) bool {
	for _, f := range bytes.Fields(data) {
		if string(f) == w {
			return true
		}
	}
	return false
}

func writeFile(path, s string) error {
	return os.WriteFile(path, []byte(s), 0)
}

// cgroup is one sandbox's cgroup.
type cgroup struct {
	dir string
	fd  int // O_PATH descriptor for SysProcAttr.CgroupFD, until started
}

// create makes a sandbox cgroup with memory.max = memoryMB (when > 0) and no swap.
func (c cgroupParent) create(memoryMB int) (*cgroup, error) {
	dir := filepath.Join(string(c), fmt.Sprintf("sandbox-%d-%d", os.Getpid(), cgroupSeq.Add(1)))
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create cgroup %s: %v", dir, err)
	}
	cg := &cgroup{dir: dir, fd: -1}
	if memoryMB > 0 {
		if err := writeFile(filepath.Join(dir, "memory.max"), strconv.Itoa(memoryMB<<20)); err != nil {
			cg.remove()
			return nil, fmt.Errorf("set memory.max in %s: %v", dir, err)
		}
		_ = writeFile(filepath.Join(dir, "memory.swap.max"), "0") // absent without swap accounting
	}
	fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		cg.remove()
		return nil, fmt.Errorf("open cgroup %s: %v", dir, err)
	}
	cg.fd = fd
	return cg, nil
}

// started releases the descriptor used to place the child.
func (cg *cgroup) started() {
	if cg.fd >= 0 {
		unix.Close(cg.fd)
		cg.fd = -1
	}
}

// kill kills every process in the cgroup (Linux 5.14+).
func (cg *cgroup) kill() { _ = writeFile(filepath.Join(cg.dir, "cgroup.kill"), "1") }

// freeze freezes or thaws every process in the cgroup (cgroup v2 freezer).
func (cg *cgroup) freeze(on bool) {
	v := "0"
	if on {
		v = "1"
	}
	_ = writeFile(filepath.Join(cg.dir, "cgroup.freeze"), v)
}

// oomKilled reports whether the kernel killed a process of the cgroup for memory.
func (cg *cgroup) oomKilled() bool {
	data, err := os.ReadFile(filepath.Join(cg.dir, "memory.events"))
	if err != nil {
		return false
	}
	n, ok := parseMemoryEvents(data)
	return ok && n > 0
}

// remove deletes the (empty) cgroup.
func (cg *cgroup) remove() error {
	cg.started()
	if err := unix.Rmdir(cg.dir); err != nil && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("remove cgroup %s: %v", cg.dir, err)
	}
	return nil
}
