package logs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/errs"
)

// TestSink: the sink sees every accepted event at once (before any flush),
// in order, normalized; not the dropped ones; nothing after SetSink(nil).
func TestSink(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{FlushInterval: time.Hour, MaxPendingBytes: 2*eventOverhead + 20})
	var mu sync.Mutex
	var got []string
	s.SetSink(sinkFunc(func(group string, e Event) {
		mu.Lock()
		defer mu.Unlock()
		if e.Time.IsZero() || e.Time.Location() != time.UTC {
			t.Errorf("event time %v not normalized", e.Time)
		}
		got = append(got, group+" "+e.Stream+" "+e.Message)
	}))
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

// sinkFunc is a Sink whose Take is the function and whose Drain does
// nothing.
type sinkFunc func(group string, ev Event)

func (f sinkFunc) Take(group string, ev Event)       { f(group, ev) }
func (sinkFunc) Drain(context.Context, string) error { return nil }

// drainSink records what it was given and, at each Drain, whether the
// day files held every event it had taken.
type drainSink struct {
	dir    string
	mu     sync.Mutex
	taken  []string
	drains []string // group: the messages on disk at the Drain
}

func (d *drainSink) Take(group string, ev Event) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.taken = append(d.taken, ev.Message)
}

func (d *drainSink) Drain(_ context.Context, group string) error {
	files, _ := filepath.Glob(filepath.Join(d.dir, "*", "*.jsonl"))
	var lines int
	for _, f := range files {
		b, _ := os.ReadFile(f)
		lines += bytes.Count(b, []byte("\n"))
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.drains = append(d.drains, fmt.Sprintf("%s: %d taken, %d on disk", group, len(d.taken), lines))
	if group == "fail" {
		return errors.New("queue down")
	}
	return nil
}

// TestPutEventsDurable: PutEvents returns once its events are on disk
// (whatever the flush interval) and the sink has drained the group; a
// failed drain fails it. Append neither writes nor drains.
func TestPutEventsDurable(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, Options{FlushInterval: time.Hour})
	d := &drainSink{dir: dir}
	s.SetSink(d)
	mustAppend(t, s.Group(testGroup, 0), ev(0, "fn", "a function's line"))
	for _, g := range []string{"/api", "fail"} {
		if err := s.CreateGroup(g, 0, "", nil); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateStream(g, "s"); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PutEvents(context.Background(), "/api", "s", []Event{ev(0, "", "one"), ev(time.Millisecond, "", "two")}); err != nil {
		t.Fatal(err)
	}
	err := s.PutEvents(context.Background(), "fail", "s", []Event{ev(0, "", "three")})
	if !errs.Is(errs.Unavailable, err) || !strings.Contains(err.Error(), "queue down") {
		t.Errorf("PutEvents with a failing drain: %v, want Unavailable: queue down", err)
	}
	want := []string{"/api: 3 taken, 2 on disk", "fail: 4 taken, 3 on disk"}
	if !slices.Equal(d.drains, want) {
		t.Errorf("drains %q, want %q", d.drains, want)
	}
}
