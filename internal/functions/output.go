package functions

import (
	"bytes"
	"fmt"
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
	budget *logBudget // the function's, shared by its sandboxes; nil for none
	tap    Tap        // nil for none
	fn     string     // the function's name, for tap

	mu      sync.Mutex
	partial []byte // an unfinished line
	tail    []byte // the current invocation's log, at most LogTailBytes
	oom     bool   // the runtime said it ran out of memory
	used    int64  // bytes the runtime logged in this invocation
	dropped int64  // bytes dropped over a cap, not yet reported
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
				o.emitOutputLocked(o.partial)
				o.partial = o.partial[:0]
			}
			break
		}
		line := p[:i]
		if len(o.partial) > 0 {
			line = append(o.partial, line...)
			o.partial = o.partial[:0]
		}
		o.emitOutputLocked(line)
		p = p[i+1:]
	}
	return n, nil
}

// Line writes a line of Verge's own (START, END, REPORT, timeouts), after
// saying how much of the runtime's output was dropped, if any.
func (o *output) Line(s string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.reportDroppedLocked()
	o.emitLocked([]byte(s))
}

// Flush emits an unfinished line.
func (o *output) Flush() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.partial) > 0 {
		o.emitOutputLocked(o.partial)
		o.partial = o.partial[:0]
	}
}

// emitOutputLocked emits a line of the runtime's output unless it is over
// the invocation's cap or the function's: a function printing hundreds of
// megabytes must not fill the disk.
func (o *output) emitOutputLocked(line []byte) {
	n := int64(len(line)) + 1
	if o.used+n > LogInvocationBytes || !o.budget.take(n) {
		o.dropped += n
		return
	}
	o.used += n
	o.emitLocked(line)
}

// reportDroppedLocked emits the marker for dropped output.
func (o *output) reportDroppedLocked() {
	if o.dropped == 0 {
		return
	}
	o.emitLocked(fmt.Appendf(nil, "[verge] %d bytes of output were dropped: a function may log %d MiB per invocation and %d MiB per minute",
		o.dropped, LogInvocationBytes>>20, LogFunctionBytesPerMinute>>20))
	o.dropped = 0
}

// A logBudget caps the bytes a function's sandboxes log per minute.
type logBudget struct {
	mu     sync.Mutex
	window time.Time // the minute being counted
	used   int64
}

// take reports whether n more bytes fit this minute's budget (and counts
// them when they do); a nil budget takes everything.
func (b *logBudget) take(n int64) bool {
	if b == nil {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if now := time.Now(); now.Sub(b.window) >= time.Minute {
		b.window, b.used = now, 0
	}
	if b.used+n > LogFunctionBytesPerMinute {
		return false
	}
	b.used += n
	return true
}

func (o *output) emitLocked(line []byte) {
	line = bytes.TrimSuffix(line, []byte{'\r'})
	if bytes.Contains(line, []byte("JavaScript heap out of memory")) {
		o.oom = true // node's own report before it aborts
	}
	o.tail = appendTail(o.tail, line)
	if o.group == nil && o.tap == nil {
		return
	}
	msg := string(line)
	if o.group != nil {
		o.group.Append(logs.Event{Time: time.Now(), Stream: o.stream, Message: msg})
	}
	if o.tap != nil {
		o.tap.Line(o.fn, msg)
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

// begin starts a new invocation's tail and log cap.
func (o *output) begin() {
	o.mu.Lock()
	o.reportDroppedLocked()
	o.tail = o.tail[:0]
	o.used = 0
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
