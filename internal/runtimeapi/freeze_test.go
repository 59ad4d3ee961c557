package runtimeapi

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeFreezer records Freeze and Thaw calls and whether an event reached
// the runtime while it was frozen.
type fakeFreezer struct {
	mu     sync.Mutex
	log    []string
	frozen bool
}

func (f *fakeFreezer) Freeze() { f.record("freeze", true) }
func (f *fakeFreezer) Thaw()   { f.record("thaw", false) }

func (f *fakeFreezer) record(what string, frozen bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, what)
	f.frozen = frozen
}

func (f *fakeFreezer) String() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.log, " ")
}

func (f *fakeFreezer) isFrozen() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.frozen
}

func TestFreezeIdle(t *testing.T) {
	tests := []struct {
		name  string
		after time.Duration
		idle  time.Duration // how long the runtime waits in /next before the invocation
		want  string
	}{
		{"at once", 0, 30 * time.Millisecond, "freeze thaw freeze"},
		{"after the grace", 10 * time.Millisecond, 100 * time.Millisecond, "freeze thaw freeze"},
		{"invoked within the grace", time.Hour, 10 * time.Millisecond, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startServer(t)
			f := &fakeFreezer{}
			s.FreezeIdle(f, tt.after)
			rt := newRuntime(t, s)
			events := make(chan reply, 1)
			go func() { events <- rt.next() }()
			time.Sleep(tt.idle)
			ch := invokeAsync(testContext(t), s, &Invocation{RequestID: "req-1"})
			<-events
			if f.isFrozen() {
				t.Fatal("the runtime got its event while frozen")
			}
			rt.post("/runtime/invocation/req-1/response", []byte("1"), nil)
			if r := await(t, ch); r.err != nil {
				t.Fatal(r.err)
			}
			polled := make(chan struct{})
			go func() { // ends with an error at Close
				defer close(polled)
				if res, err := rt.client.Get(rt.base + "/runtime/invocation/next"); err == nil {
					res.Body.Close()
				}
			}()
			deadline := time.Now().Add(5 * time.Second)
			for tt.want != "" && f.String() != tt.want && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
			if got := f.String(); got != tt.want {
				t.Errorf("calls = %q, want %q", got, tt.want)
			}
			_ = s.Close()
			<-polled
		})
	}
}

// TestNotDelivered: an Invoke that finds the runtime gone before it took
// the event says so, so that the event may run elsewhere.
func TestNotDelivered(t *testing.T) {
	s := startServer(t)
	rt := newRuntime(t, s)
	ch := invokeAsync(testContext(t), s, &Invocation{RequestID: "req-1"})
	rt.next()
	rt.post("/runtime/invocation/req-1/response", nil, nil)
	await(t, ch)
	s.Exited(errors.New("killed"))
	_, err := s.Invoke(testContext(t), &Invocation{RequestID: "req-2"})
	if !errors.Is(err, ErrNotDelivered) || !errors.Is(err, ErrRuntimeExited) {
		t.Errorf("Invoke after the exit = %v, want ErrNotDelivered and ErrRuntimeExited", err)
	}
}
