package schedule

import (
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"
)

// fakeClock is a Clock the test moves by hand. It counts After calls so a
// test can wait until the Scheduler is asleep before moving time.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []fakeWaiter
	calls   int
}

type fakeWaiter struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock(now time.Time) *fakeClock { return &fakeClock{now: now} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.waiters = append(c.waiters, fakeWaiter{c.now.Add(d), ch})
	return ch
}

// set moves the clock to now and wakes the waiters that are due.
func (c *fakeClock) set(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = now
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if w.at.After(now) {
			kept = append(kept, w)
			continue
		}
		w.ch <- now
	}
	c.waiters = kept
}

// waitCalls polls until After has been called n times in all.
func (c *fakeClock) waitCalls(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c.mu.Lock()
		calls := c.calls
		c.mu.Unlock()
		if calls >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the scheduler did not go to sleep (%d of %d After calls)", calls, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// fired is one call of the fire function.
type fired struct {
	name string
	at   time.Time
}

// recorder collects fires on a channel.
type recorder chan fired

func (r recorder) fire(name string, at time.Time) { r <- fired{name, at} }

// expect reads the next fires and compares them with want, in order.
func (r recorder) expect(t *testing.T, want ...fired) {
	t.Helper()
	for _, w := range want {
		select {
		case got := <-r:
			if got.name != w.name || !got.at.Equal(w.at) {
				t.Fatalf("fired %s at %s, want %s at %s", got.name, got.at, w.name, w.at)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no fire, want %s at %s", w.name, w.at)
		}
	}
}

// expectNone checks that nothing has fired.
func (r recorder) expectNone(t *testing.T) {
	t.Helper()
	select {
	case got := <-r:
		t.Fatalf("unexpected fire of %s at %s", got.name, got.at)
	default:
	}
}

func mustParse(t *testing.T, expr string) Schedule {
	t.Helper()
	s, err := Parse(expr)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// t0 is Thursday 2026-01-01 00:00 UTC plus m minutes.
func t0(m int) time.Time {
	return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(m) * time.Minute)
}

// startFake starts a Scheduler on a fake clock at t0(0), asleep.
func startFake(t *testing.T) (*Scheduler, *fakeClock, recorder) {
	t.Helper()
	clock := newFakeClock(t0(0))
	rec := make(recorder, 100)
	s := New(rec.fire, WithClock(clock), WithLogger(quiet))
	t.Cleanup(s.Close)
	clock.waitCalls(t, 1)
	return s, clock, rec
}

func TestSchedulerFiresAtTimes(t *testing.T) {
	s, clock, rec := startFake(t)
	s.Set([]Entry{
		{"quarter", mustParse(t, "cron(0/15 * * * ? *)")},
		{"hourly", mustParse(t, "rate(1 hour)")},
	})
	clock.waitCalls(t, 2)
	if got := s.NextTimes(); !got["quarter"].Equal(t0(15)) || !got["hourly"].Equal(t0(60)) || len(got) != 2 {
		t.Fatalf("NextTimes = %v", got)
	}
	calls := 2
	for _, step := range []struct {
		to    int
		fires []fired
	}{
		{14, nil}, // the sleep is capped at a minute: wakes, fires nothing
		{15, []fired{{"quarter", t0(15)}}},
		{30, []fired{{"quarter", t0(30)}}},
		{45, []fired{{"quarter", t0(45)}}},
		{60, []fired{{"hourly", t0(60)}, {"quarter", t0(60)}}}, // same time: by name
	} {
		clock.set(t0(step.to))
		calls++
		clock.waitCalls(t, calls)
		rec.expect(t, step.fires...)
		rec.expectNone(t)
	}
	if got := s.NextTimes(); !got["quarter"].Equal(t0(75)) || !got["hourly"].Equal(t0(120)) {
		t.Errorf("NextTimes after 01:00 = %v", got)
	}
}

func TestSchedulerMissedFiresOnce(t *testing.T) {
	s, clock, rec := startFake(t)
	s.Set([]Entry{{"five", mustParse(t, "cron(0/5 * * * ? *)")}})
	clock.waitCalls(t, 2)
	clock.set(t0(62)) // slept through 12 fire times: fires the latest, 01:00
	clock.waitCalls(t, 3)
	rec.expect(t, fired{"five", t0(60)})
	rec.expectNone(t)
	if got := s.NextTimes()["five"]; !got.Equal(t0(65)) {
		t.Errorf("next = %s, want %s", got, t0(65))
	}
}

func TestSchedulerSetReplaces(t *testing.T) {
	s, clock, rec := startFake(t)
	s.Set([]Entry{
		{"rate", mustParse(t, "rate(5 minutes)")}, // anchored at 00:00
		{"changed", mustParse(t, "cron(0 10 * * ? *)")},
		{"removed", mustParse(t, "cron(* * * * ? *)")},
	})
	clock.waitCalls(t, 2)
	clock.set(t0(0).Add(30 * time.Second)) // before any fire time: no wake
	s.Set([]Entry{
		{"rate", mustParse(t, "rate(5 minutes)")}, // a fresh parse would anchor at 00:00:30 → 00:05 either way
		{"changed", mustParse(t, "cron(0 11 * * ? *)")},
		{"new", mustParse(t, "cron(0 0 1 1 ? 2027)")},
		{"never", mustParse(t, "cron(0 0 1 1 ? 2020)")},
	})
	clock.waitCalls(t, 3)
	want := map[string]time.Time{"rate": t0(5), "changed": t0(11 * 60), "new": time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), "never": {}}
	got := s.NextTimes()
	if len(got) != len(want) {
		t.Fatalf("NextTimes = %v, want %v", got, want)
	}
	for name, at := range want {
		if !got[name].Equal(at) {
			t.Errorf("%s: next %s, want %s", name, got[name], at)
		}
	}
	clock.set(t0(3)) // the capped sleep (until 00:01) ends
	clock.waitCalls(t, 4)
	s.Set([]Entry{{"rate", mustParse(t, "rate(5 minutes)")}}) // unchanged: keeps anchor 00:00
	clock.waitCalls(t, 5)
	if got := s.NextTimes()["rate"]; !got.Equal(t0(5)) {
		t.Errorf("rate kept next %s, want %s (a fresh anchor would give 00:08)", got, t0(5))
	}
	clock.set(t0(5))
	clock.waitCalls(t, 6)
	rec.expect(t, fired{"rate", t0(5)})
	rec.expectNone(t) // "removed" no longer fires
}

func TestSchedulerFire(t *testing.T) {
	clock := newFakeClock(t0(7))
	rec := make(recorder, 10)
	s := New(rec.fire, WithClock(clock), WithLogger(quiet))
	s.Set([]Entry{{"daily", mustParse(t, "cron(0 10 * * ? *)")}})
	if !s.Fire("daily") {
		t.Fatal("Fire(daily) = false")
	}
	rec.expect(t, fired{"daily", t0(7)})
	if s.Fire("nope") {
		t.Error("Fire of an unknown entry = true")
	}
	if got := s.NextTimes()["daily"]; !got.Equal(t0(600)) {
		t.Errorf("Fire moved the next time to %s", got)
	}
	s.Close()
	s.Close() // idempotent
	if s.Fire("daily") {
		t.Error("Fire after Close = true")
	}
	rec.expectNone(t)
}

func TestSchedulerCloseWaitsForFire(t *testing.T) {
	clock := newFakeClock(t0(0))
	entered, release := make(chan struct{}), make(chan struct{})
	s := New(func(string, time.Time) {
		close(entered)
		<-release
	}, WithClock(clock), WithLogger(quiet))
	s.Set([]Entry{{"m", mustParse(t, "cron(* * * * ? *)")}})
	clock.waitCalls(t, 2)
	clock.set(t0(1))
	<-entered
	closed := make(chan struct{})
	go func() {
		s.Close()
		close(closed)
	}()
	select {
	case <-closed:
		t.Fatal("Close returned while fire was running")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	<-closed
}

// every is a sub-minute Schedule for the real-clock test: Schedule is an
// interface, so the Scheduler needs no hook to run fast.
type every time.Duration

func (e every) Next(t time.Time) time.Time {
	return t.Truncate(time.Duration(e)).Add(time.Duration(e))
}
func (e every) String() string { return "every " + time.Duration(e).String() }

func TestSchedulerRealClock(t *testing.T) {
	rec := make(recorder, 100)
	s := New(rec.fire, WithLogger(quiet))
	defer s.Close()
	start := time.Now()
	s.Set([]Entry{{"fast", every(100 * time.Millisecond)}, {"slow", mustParse(t, "rate(1 day)")}})
	var last time.Time
	for i := range 3 {
		select {
		case f := <-rec:
			if f.name != "fast" || !f.at.After(last) || !f.at.After(start) || time.Now().Before(f.at) {
				t.Fatalf("fire %d: %s at %s (previous %s, now %s)", i, f.name, f.at, last, time.Now())
			}
			last = f.at
		case <-time.After(10 * time.Second):
			t.Fatalf("fire %d did not come", i)
		}
	}
}
