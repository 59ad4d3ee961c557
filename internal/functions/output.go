package functions

import (
	"bytes"
	"strings"
	"sync"
	"time"

	"github.com/verge-edge/verge/internal/logs"
)

// maxLine is the longest line kept as one log event; longer output is split
// (CloudWatch's event limit is 256 KB).
const maxLine = 256 << 10

// output turns a sandbox's stdout and stderr into log events on its stream,
// and keeps the tail of the current invocation's log for X-Amz-Log-Type:
// Tail. A sandbox runs one invocation at a time, so whatever it prints
// belongs to the invocation in progress (or to init).
type output struct {
	group  *logs.Group // nil when logging is disabled
	stream string

	mu      sync.Mutex
	partial []byte // an unfinished line
	tail    []byte // the current invocation's log, at most LogTailBytes
	oom     bool   // the runtime said it ran out of memory
}

// Write takes raw process output; complete lines become events.
func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			o.partial = append(o.partial, p...)
			if len(o.partial) >= maxLine {
				o.emitLocked(o.partial)
				o.partial = o.partial[:0]
			}
			break
		}
		line := p[:i]
		if len(o.partial) > 0 {
			line = append(o.partial, line...)
			o.partial = o.partial[:0]
		}
		o.emitLocked(line)
		p = p[i+1:]
	}
	return n, nil
}

// Line writes a line of Verge's own (START, END, REPORT, timeouts).
func (o *output) Line(s string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.emitLocked([]byte(s))
}

// Flush emits an unfinished line.
func (o *output) Flush() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.partial) > 0 {
		o.emitLocked(o.partial)
		o.partial = o.partial[:0]
	}
}

func (o *output) emitLocked(line []byte) {
	line = bytes.TrimSuffix(line, []byte{'\r'})
	if bytes.Contains(line, []byte("JavaScript heap out of memory")) {
		o.oom = true // node's own report before it aborts
	}
	o.tail = appendTail(o.tail, line)
	if o.group != nil {
		o.group.Append(logs.Event{Time: time.Now(), Stream: o.stream, Message: string(line)})
	}
}

// appendTail adds a line to tail and keeps its last LogTailBytes bytes.
func appendTail(tail, line []byte) []byte {
	tail = append(tail, line...)
	tail = append(tail, '\n')
	if over := len(tail) - LogTailBytes; over > 0 {
		tail = append(tail[:0], tail[over:]...)
	}
	return tail
}

// begin starts a new invocation's tail.
func (o *output) begin() {
	o.mu.Lock()
	o.tail = o.tail[:0]
	o.mu.Unlock()
}

// takeTail returns the current invocation's log tail.
func (o *output) takeTail() []byte {
	o.mu.Lock()
	defer o.mu.Unlock()
	return bytes.Clone(o.tail)
}

// outOfMemory reports whether the runtime said it ran out of memory.
func (o *output) outOfMemory() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.oom
}

// streamName is a Lambda-style log stream name: date, version, sandbox id.
func streamName(now time.Time, version, id string) string {
	var b strings.Builder
	b.WriteString(now.UTC().Format("2006/01/02"))
	b.WriteString("/[")
	b.WriteString(version)
	b.WriteString("]")
	b.WriteString(id)
	return b.String()
}
