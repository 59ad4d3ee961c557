package sandbox

import (
	"io"
	"os"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// output forwards a sandbox's stdout and stderr to the caller's writers, one
// write at a time, until closed; then it discards. Each stream is a pipe of
// its own that Verge reads without blocking, so Sync can hand over
// everything the process wrote so far: a runtime that logs and then answers
// has its log lines delivered before the answer is acted on.
type output struct {
	mu     sync.Mutex // held around every read and write
	closed bool
	pipes  []*pipe
}

// A pipe is one output stream: the read end of its pipe and where it goes.
type pipe struct {
	o    *output
	r    *os.File
	rc   syscall.RawConn
	w    io.Writer
	buf  []byte
	done chan struct{} // closed at end of file
}

// stream returns the file to give the child for w (nil discards), and
// starts forwarding what it writes. The caller closes the returned file
// once the child has it.
func (o *output) stream(w io.Writer) (*os.File, error) {
	if w == nil {
		return nil, nil
	}
	r, wr, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	rc, err := r.SyscallConn()
	if err != nil {
		r.Close()
		wr.Close()
		return nil, err
	}
	p := &pipe{o: o, r: r, rc: rc, w: w, buf: make([]byte, 32<<10), done: make(chan struct{})}
	o.pipes = append(o.pipes, p)
	go p.forward()
	return wr, nil
}

// forward copies the pipe until end of file, waiting in the poller between
// reads.
func (p *pipe) forward() {
	defer close(p.done)
	p.rc.Read(func(fd uintptr) bool { return p.readAll(int(fd)) })
}

// readAll reads what the pipe holds and forwards it; it reports whether the
// stream has ended.
func (p *pipe) readAll(fd int) bool {
	p.o.mu.Lock()
	defer p.o.mu.Unlock()
	for {
		n, err := unix.Read(fd, p.buf)
		switch {
		case n > 0:
			if !p.o.closed {
				_, _ = p.w.Write(p.buf[:n]) // a failing writer must not stall the process
			}
		case err == unix.EINTR:
		case err == unix.EAGAIN:
			return false
		default: // end of file, or the read end was closed
			return true
		}
	}
}

// sync forwards whatever the pipes hold now.
func (o *output) sync() {
	for _, p := range o.pipes {
		select {
		case <-p.done:
			continue
		default:
		}
		p.rc.Control(func(fd uintptr) { p.readAll(int(fd)) })
	}
}

// wait waits for every stream's end of file, at most d after which the
// streams are cut (a process that escaped the kill may hold the pipe).
func (o *output) wait(d time.Duration) {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for _, p := range o.pipes {
		select {
		case <-p.done:
		case <-deadline.C:
			for _, q := range o.pipes {
				q.r.SetReadDeadline(time.Now()) // wakes a parked read
			}
			<-p.done
		}
	}
	for _, p := range o.pipes {
		<-p.done
		p.r.Close()
	}
}

func (o *output) close() {
	o.mu.Lock()
	o.closed = true
	o.mu.Unlock()
}
