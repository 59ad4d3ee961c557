package logs

import (
	"slices"
	"sync"
	"testing"
	"time"
)

// TestSink: the sink sees every accepted event at once (before any flush),
// in order, normalized; not the dropped ones; nothing after SetSink(nil).
func TestSink(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{FlushInterval: time.Hour, MaxPendingBytes: 2*eventOverhead + 20})
	var mu sync.Mutex
	var got []string
	s.SetSink(func(group string, e Event) {
		mu.Lock()
		defer mu.Unlock()
		if e.Time.IsZero() || e.Time.Location() != time.UTC {
			t.Errorf("event time %v not normalized", e.Time)
		}
		got = append(got, group+" "+e.Stream+" "+e.Message)
	})
	g := s.Group(testGroup, 0)
	mustAppend(t, g, Event{Stream: "a", Message: "one"}, ev(time.Millisecond, "b", "two"), ev(0, "c", "dropped: the queue is full"))
	mu.Lock()
	want := []string{testGroup + " a one", testGroup + " b two"}
	if !slices.Equal(got, want) {
		t.Errorf("sink saw %q, want %q", got, want)
	}
	mu.Unlock()
	s.SetSink(nil)
	mustAppend(t, s.Group("/other", 0), ev(0, "x", "after"))
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 {
		t.Errorf("sink saw %q after SetSink(nil)", got[2:])
	}
}
