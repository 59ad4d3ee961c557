package sandbox

import (
	"bytes"
	"os"
	"strconv"
	"time"
)

// WatchMemory samples the resident memory of the sandbox's whole process
// tree every interval and kills the tree once it exceeds limit bytes,
// marking the process OOM. It is the memory limit where no cgroup enforces
// one: the runtimes' own flags cap only their heaps (a Node function's
// Buffers live outside V8's heap). stop ends the watch.
func (p *Process) WatchMemory(limit int64, interval time.Duration) (stop func()) {
	done := make(chan struct{})
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		t := time.NewTicker(interval)
		defer t.Stop()
		buf := make([]byte, 512)
		for {
			select {
			case <-done:
				return
			case <-p.done:
				return
			case <-t.C:
				if rss := treeRSS(p.pid, buf); rss > limit {
					p.killForMemory(rss)
					return
				}
			}
		}
	}()
	return func() { close(done); <-exited }
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

// treeRSS sums the resident memory of pid and its descendants, found
// through /proc/PID/task/TID/children (no scan of every process).
func treeRSS(pid int, buf []byte) int64 {
	var total int64
	stack := []int{pid}
	for len(stack) > 0 {
		pid, stack = stack[len(stack)-1], stack[:len(stack)-1]
		total += rss(pid, buf)
		stack = appendChildren(stack, pid, buf)
	}
	return total
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
