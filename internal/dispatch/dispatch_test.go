package dispatch

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/verge-edge/verge/internal/functions/async"
	"github.com/verge-edge/verge/internal/stack"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// recorder stands in for the queue: it records what was enqueued. The
// queue itself is tested in internal/functions/async, and the whole chain
// with real functions in internal/cli.
type recorder struct {
	mu     sync.Mutex
	events []enqueued
	cfg    map[string]async.Config
	added  chan struct{}
}

type enqueued struct {
	fn      string
	payload map[string]any
}

func newRecorder() *recorder { return &recorder{added: make(chan struct{}, 100)} }

func (r *recorder) Enqueue(_ context.Context, fn string, payload []byte) (string, error) {
	var m map[string]any
	json.Unmarshal(payload, &m)
	r.mu.Lock()
	r.events = append(r.events, enqueued{fn, m})
	r.mu.Unlock()
	r.added <- struct{}{}
	return "id", nil
}

func (r *recorder) Configure(fns map[string]async.Config) { r.mu.Lock(); r.cfg = fns; r.mu.Unlock() }
func (r *recorder) Pending() map[string]int               { return nil }

func (r *recorder) take() []enqueued {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.events
	r.events = nil
	return out
}

// fakeClock is a schedule.Clock the test moves.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []waiter
}

type waiter struct {
	at time.Time
	c  chan time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	c.waiters = append(c.waiters, waiter{c.now.Add(d), ch})
	return ch
}

func (c *fakeClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if !w.at.After(t) {
			w.c <- t
		} else {
			kept = append(kept, w)
		}
	}
	c.waiters = kept
}

func testPlan() *stack.Plan {
	return &stack.Plan{
		EventBuses: []stack.EventBus{{Name: "shop"}},
		Functions: map[string]*stack.Function{
			"orders": {Name: "orders", TimeoutSeconds: 5, Async: stack.Async{MaxRetryAttempts: 1, MaxEventAgeSeconds: 60,
				OnFailure: &stack.Destination{Kind: stack.DestinationEventBus, Name: "shop"}}},
			"ticker": {Name: "ticker", TimeoutSeconds: 3, Async: stack.Async{MaxRetryAttempts: 2, MaxEventAgeSeconds: 21600}},
		},
		BusRules: []stack.BusRule{{Function: "orders", Bus: "shop", Pattern: json.RawMessage(`{"source":["shop"],"detail":{"total":[{"numeric":[">",100]}]}}`),
			Input: stack.TargetInput{Transformer: &stack.Transformer{PathsMap: map[string]string{"t": "$.detail.total"}, Template: `{"total": <t>}`}}}},
		Schedules: []stack.Schedule{{Function: "ticker", Expression: "cron(0 10 * * ? *)", Input: stack.TargetInput{Input: json.RawMessage(`{"job":"daily"}`)}}},
	}
}

func TestPublishAndConfigure(t *testing.T) {
	q := newRecorder()
	d := New(Options{Queue: q})
	defer d.Close()
	if err := d.Load(testPlan()); err != nil {
		t.Fatal(err)
	}
	if c := q.cfg["orders"]; c.MaxRetryAttempts != 1 || c.MaxEventAge != time.Minute || c.Timeout != 5*time.Second ||
		c.OnFailure == nil || c.OnFailure.Kind != async.KindEventBus || c.OnFailure.Name != "shop" {
		t.Errorf("orders config %+v", c)
	}
	for _, c := range []struct {
		name, bus, event string
		want             []enqueued
	}{
		{"match, transformed", "shop", `{"source":"shop","detail":{"total":150}}`, []enqueued{{"orders", map[string]any{"total": 150.0}}}},
		{"no match", "shop", `{"source":"shop","detail":{"total":50}}`, nil},
		{"other bus", "default", `{"source":"shop","detail":{"total":150}}`, nil},
		{"bus by ARN", "arn:aws:events:us-east-1:000000000000:event-bus/shop", `{"source":"shop","detail":{"total":101}}`, []enqueued{{"orders", map[string]any{"total": 101.0}}}},
	} {
		if err := d.Publish(context.Background(), c.bus, []byte(c.event)); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got := q.take()
		if len(got) != len(c.want) || (len(got) == 1 && (got[0].fn != c.want[0].fn || got[0].payload["total"] != c.want[0].payload["total"])) {
			t.Errorf("%s: enqueued %v, want %v", c.name, got, c.want)
		}
	}
	if !d.HasBus("shop") || !d.HasBus("default") || d.HasBus("nope") {
		t.Error("HasBus")
	}
}

// TestScheduleFiresOnTime: under a fake clock the schedule's event is
// enqueued at 10:00 UTC, with the rule's constant input; Trigger fires now.
func TestScheduleFiresOnTime(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 3, 1, 9, 59, 0, 0, time.UTC)}
	q := newRecorder()
	d := New(Options{Queue: q, Clock: clock})
	defer d.Close()
	if err := d.Load(testPlan()); err != nil {
		t.Fatal(err)
	}
	if next := d.NextTimes()["ticker-schedule-0"]; !next.Equal(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)) {
		t.Fatalf("next time %v", next)
	}
	clock.set(time.Date(2026, 3, 1, 9, 59, 59, 0, time.UTC))
	select {
	case <-q.added:
		t.Fatal("fired a second early")
	case <-time.After(50 * time.Millisecond):
	}
	clock.set(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))
	select {
	case <-q.added:
	case <-time.After(10 * time.Second):
		t.Fatal("did not fire at 10:00")
	}
	if got := q.take(); len(got) != 1 || got[0].fn != "ticker" || got[0].payload["job"] != "daily" {
		t.Errorf("enqueued %v", got)
	}
	if n := d.Trigger("ticker"); n != 1 {
		t.Errorf("Trigger fired %d", n)
	}
	<-q.added
	if d.Trigger("orders") != 0 {
		t.Error("Trigger of a function without schedules fired")
	}
}

// TestScheduleFiresForReal runs rate(1 minute) on the real clock: it fires
// within a minute of the load, with EventBridge's Scheduled Event.
func TestScheduleFiresForReal(t *testing.T) {
	if testing.Short() {
		t.Skip("waits up to a minute")
	}
	q := newRecorder()
	d := New(Options{Queue: q})
	defer d.Close()
	p := testPlan()
	p.Schedules = []stack.Schedule{{Function: "ticker", Expression: "rate(1 minute)"}}
	start := time.Now()
	if err := d.Load(p); err != nil {
		t.Fatal(err)
	}
	select {
	case <-q.added:
	case <-time.After(75 * time.Second):
		t.Fatal("rate(1 minute) did not fire within 75 s")
	}
	got := q.take()
	if len(got) != 1 || got[0].payload["detail-type"] != "Scheduled Event" {
		t.Fatalf("enqueued %v", got)
	}
	at, _ := time.Parse(time.RFC3339, got[0].payload["time"].(string))
	if at.Second() != 0 || at.Before(start.Truncate(time.Minute)) || time.Since(at) > 5*time.Second {
		t.Errorf("fired for %v (loaded at %v): want a whole minute, on time", at, start)
	}
}

// TestConcurrency: the queue runs no more of a function's events at once
// than its reserved concurrency; without one, the queue's own limit (0).
func TestConcurrency(t *testing.T) {
	n := func(v int) *int { return &v }
	for _, c := range []struct {
		name     string
		reserved *int
		want     int
	}{
		{"none reserved", nil, 0},
		{"reserved 1", n(1), 1},
		{"reserved 50", n(50), 50},
		{"reserved 0 still tries one at a time, to throttle", n(0), 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			q := newRecorder()
			d := New(Options{Queue: q})
			defer d.Close()
			p := testPlan()
			p.Functions["orders"].ReservedConcurrency = c.reserved
			if err := d.Load(p); err != nil {
				t.Fatal(err)
			}
			if got := q.cfg["orders"].Concurrency; got != c.want {
				t.Errorf("Concurrency = %d, want %d", got, c.want)
			}
		})
	}
}

func TestDestination(t *testing.T) {
	for _, c := range []struct {
		in   *stack.Destination
		want *async.Destination
	}{
		{nil, nil},
		{&stack.Destination{Kind: stack.DestinationFunction, Name: "f"}, &async.Destination{Kind: async.KindFunction, Name: "f"}},
		{&stack.Destination{Kind: stack.DestinationEventBus, Name: "b"}, &async.Destination{Kind: async.KindEventBus, Name: "b"}},
		{&stack.Destination{Kind: stack.DestinationQueue, Name: "q"}, &async.Destination{Kind: async.KindQueue, Name: "q"}},
		{&stack.Destination{Kind: stack.DestinationTopic, Name: "t"}, &async.Destination{Kind: async.KindTopic, Name: "t"}},
	} {
		got := destination(c.in)
		if (got == nil) != (c.want == nil) || got != nil && *got != *c.want {
			t.Errorf("destination(%+v) = %+v, want %+v", c.in, got, c.want)
		}
	}
}
