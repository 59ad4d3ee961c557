package functions

import (
	"slices"
	"strings"
	"sync"
	"testing"
)

// recordTap is a Tap that keeps what it sees.
type recordTap struct {
	mu     sync.Mutex
	lines  []string
	failed []string
}

func (r *recordTap) Line(fn, line string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, fn+": "+line)
}

func (r *recordTap) Failed(fn, typ, msg string, stack []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = append(r.failed, fn+": "+typ+": "+msg+" ["+strings.Join(stack, "|")+"]")
}

// TestTapLines: a sandbox's output reaches the tap line by line, with the
// function's name, also when its logging is disabled (no group).
func TestTapLines(t *testing.T) {
	tap := &recordTap{}
	o := &output{tap: tap, fn: "hello"}
	o.Write([]byte("one\ntw"))
	o.Write([]byte("o\r\nthree"))
	o.Line("END RequestId: x")
	o.Flush()
	want := []string{"hello: one", "hello: two", "hello: END RequestId: x", "hello: three"}
	if !slices.Equal(tap.lines, want) {
		t.Errorf("lines %q, want %q", tap.lines, want)
	}
}

// TestTapFailed: the error documents of each runtime, and answers that
// are not one, become the type, message and stack the tap gets.
func TestTapFailed(t *testing.T) {
	for _, c := range []struct{ name, errType, payload, want string }{
		{"node", "TypeError", `{"errorType":"TypeError","errorMessage":"boom","trace":["TypeError: boom","    at h (/f.js:1:2)"]}`,
			"f: TypeError: boom [TypeError: boom|    at h (/f.js:1:2)]"},
		{"python", "ValueError", `{"errorMessage":"bad","errorType":"ValueError","requestId":"","stackTrace":["  File \"/h.py\", line 3\n"]}`,
			"f: ValueError: bad [  File \"/h.py\", line 3\n]"},
		{"no type in the document", "Runtime.ExitError", `{"errorMessage":"RequestId: 1 Error: Runtime exited"}`,
			"f: Runtime.ExitError: RequestId: 1 Error: Runtime exited []"},
		{"not a document", "Unhandled", `"just a string"`, `f: Unhandled: "just a string" []`},
	} {
		tap := &recordTap{}
		s := &Service{opts: Options{Tap: tap}}
		s.tapFailed("f", c.errType, []byte(c.payload))
		if len(tap.failed) != 1 || tap.failed[0] != c.want {
			t.Errorf("%s: %q, want %q", c.name, tap.failed, c.want)
		}
	}
	(&Service{}).tapFailed("f", "x", nil) // no tap: nothing to do
}
