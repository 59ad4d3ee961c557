package sandbox

import (
	"bytes"
	"os"
	"strconv"
	"sync"
	"time"
)

// WatchMemory samples the resident memory of the sandbox's whole process
// tree every interval and kills the tree once it exceeds limit bytes,
// marking the process OOM. It is the memory limit where no cgroup enforces
// one: the runtimes' own flags cap only their heaps (a Node function's
// Buffers live outside V8's heap). stop ends the watch. A timer, not a
// goroutine, waits between samples: most invocations end before the first.
func (p *Process) WatchMemory(limit int64, interval time.Duration) (stop func()) {
	w := &watch{p: p, limit: limit, interval: interval}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.t = time.AfterFunc(interval, w.sample)
	return w.stop
}

// A watch is one WatchMemory.
type watch struct {
	p        *Process
	limit    int64
	interval time.Duration

	mu      sync.Mutex // held by a sample; stop waits for one in progress
	t       *time.Timer
	stopped bool
	buf     []byte
}

func (w *watch) sample() {
	w.mu.Lock()
	defer w.mu.Unlock()
	select {
	case <-w.p.done:
		return
	default:
	}
	if w.stopped {
		return
	}
	if w.buf == nil {
		w.buf = make([]byte, 2048) // smaps_rollup is about 1 KiB
	}
	// Resident sizes count a page shared since a fork once per process;
	// proportional sizes count it once in all, as a cgroup would, but cost
	// a page-table walk: they only confirm.
	if rss := treeMemory(w.p.pid, w.buf, rss); rss > w.limit {
		if pss := treeMemory(w.p.pid, w.buf, pss); pss > w.limit {
			w.p.killForMemory(pss)
			return
		}
	}
	w.t.Reset(w.interval)
}

func (w *watch) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stopped = true
	w.t.Stop()
}

// killForMemory kills the tree and remembers why.
func (p *Process) killForMemory(rss int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.exited {
		return
	}
	p.oom = true
	p.peak = max(p.peak, rss)
	p.killTree()
}

// pageSize converts statm's pages to bytes.
var pageSize = int64(os.Getpagesize())

// treeMemory sums size (rss or pss) over pid and its descendants, found
// through /proc/PID/task/TID/children (no scan of every process).
func treeMemory(pid int, buf []byte, size func(pid int, buf []byte) int64) int64 {
	var total int64
	stack := []int{pid}
	for len(stack) > 0 {
		pid, stack = stack[len(stack)-1], stack[:len(stack)-1]
		total += size(pid, buf)
		stack = appendChildren(stack, pid, buf)
	}
	return total
}

// pss is the proportional set size of one process, from
// /proc/PID/smaps_rollup: its private pages plus its share of shared ones.
func pss(pid int, buf []byte) int64 {
	n, _ := parseStatusKB(readProc(pid, "smaps_rollup", buf), "Pss")
	return n
}

// rss is the resident memory of one process, from /proc/PID/statm.
func rss(pid int, buf []byte) int64 {
	b := readProc(pid, "statm", buf)
	i := bytes.IndexByte(b, ' ')
	if i < 0 {
		return 0
	}
	b = b[i+1:]
	if j := bytes.IndexByte(b, ' '); j >= 0 {
		b = b[:j]
	}
	pages, _ := strconv.ParseInt(string(b), 10, 64)
	return pages * pageSize
}

// appendChildren adds the children of every thread of pid.
func appendChildren(out []int, pid int, buf []byte) []int {
	tasks, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
	if err != nil {
		return out
	}
	for _, t := range tasks {
		for _, f := range bytes.Fields(readProc(pid, "task/"+t.Name()+"/children", buf)) {
			if c, err := strconv.Atoi(string(f)); err == nil {
				out = append(out, c)
			}
		}
	}
	return out
}

// readProc reads /proc/PID/name into buf (truncated to its size).
func readProc(pid int, name string, buf []byte) []byte {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/" + name)
	if err != nil {
		return nil
	}
	defer f.Close()
	n, _ := f.Read(buf)
	return buf[:n]
}
