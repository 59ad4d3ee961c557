package schedule

import (
	"log/slog"
	"sort"
	"sync"
	"time"
)

// Entry is one schedule the Scheduler fires. Name is opaque to the
// Scheduler (e.g. "fn/0") and identifies the entry across Set calls.
type Entry struct {
	Name     string
	Schedule Schedule
}

// A Scheduler fires entries at their times until Close. It calls fire from
// its own goroutine, one entry at a time, so fire should hand the work off
// (an asynchronous invocation) rather than run it. Fire times missed while
// fire ran or the process slept are fired once, late, for the latest of
// them, as a scheduler that was down does not replay its backlog.
type Scheduler struct {
	fire  func(name string, at time.Time)
	clock Clock
	log   *slog.Logger

	mu      sync.Mutex
	entries map[string]*entry
	closed  bool

	wake    chan struct{} // Set changed the entries
	done    chan struct{} // closed by Close
	stopped chan struct{} // closed when the loop returns
	once    sync.Once
}

type entry struct {
	sched Schedule
	next  time.Time // zero: never again
}

// Option configures a Scheduler.
type Option func(*Scheduler)

// WithClock sets the Scheduler's clock (the real clock by default).
func WithClock(c Clock) Option { return func(s *Scheduler) { s.clock = c } }

// WithLogger sets the Scheduler's logger (slog.Default() by default).
func WithLogger(l *slog.Logger) Option { return func(s *Scheduler) { s.log = l } }

// New starts a Scheduler with no entries that calls fire for each due entry.
func New(fire func(name string, at time.Time), opts ...Option) *Scheduler {
	s := &Scheduler{
		fire:    fire,
		clock:   realClock{},
		log:     slog.Default(),
		entries: map[string]*entry{},
		wake:    make(chan struct{}, 1),
		done:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
	for _, o := range opts {
		o(s)
	}
	go s.run()
	return s
}

// Set replaces the entries (a stack reload). An entry whose name and
// expression are unchanged keeps its Schedule (a Rate keeps its anchor) and
// its next time; a new or changed one gets its next time from now.
func (s *Scheduler) Set(entries []Entry) {
	s.mu.Lock()
	now := s.clock.Now()
	next := make(map[string]*entry, len(entries))
	for _, e := range entries {
		if e.Schedule == nil {
			s.log.Warn("schedule: entry without a schedule ignored", "entry", e.Name)
			continue
		}
		if _, dup := next[e.Name]; dup {
			s.log.Warn("schedule: duplicate entry name, the last one wins", "entry", e.Name)
		}
		if old, ok := s.entries[e.Name]; ok && old.sched.String() == e.Schedule.String() {
			next[e.Name] = old
			continue
		}
		at := e.Schedule.Next(now)
		if at.IsZero() {
			s.log.Info("schedule: entry never fires", "entry", e.Name, "schedule", e.Schedule.String())
		}
		next[e.Name] = &entry{sched: e.Schedule, next: at}
	}
	s.entries = next
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// Fire fires the named entry now, outside its schedule (for `verge
// trigger`), from the caller's goroutine; it does not move the entry's next
// time. It reports false when no entry has that name or the Scheduler is
// closed.
func (s *Scheduler) Fire(name string) bool {
	s.mu.Lock()
	_, ok := s.entries[name]
	ok = ok && !s.closed
	s.mu.Unlock()
	if ok {
		s.fire(name, s.clock.Now().UTC())
	}
	return ok
}

// NextTimes returns each entry's next fire time; the zero time for an entry
// that never fires again.
func (s *Scheduler) NextTimes() map[string]time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]time.Time, len(s.entries))
	for name, e := range s.entries {
		out[name] = e.next
	}
	return out
}

// Close stops the Scheduler and waits for its goroutine (and a fire in
// progress) to return. It is safe to call more than once.
func (s *Scheduler) Close() {
	s.once.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		close(s.done)
	})
	<-s.stopped
}

// due is one fire to make.
type due struct {
	name string
	at   time.Time
}

// run fires due entries, then sleeps until the earliest next time, a Set or
// Close.
func (s *Scheduler) run() {
	defer close(s.stopped)
	for {
		fires, wait := s.advance()
		for _, f := range fires {
			select {
			case <-s.done:
				return
			default:
			}
			s.log.Debug("schedule: firing", "entry", f.name, "at", f.at)
			s.fire(f.name, f.at)
		}
		if len(fires) > 0 {
			continue // fire took time: look at the clock again
		}
		select {
		case <-s.done:
			return
		case <-s.wake:
		case <-s.clock.After(wait):
		}
	}
}

// advance takes the entries due at the clock's now, moves each to its next
// time after now, and returns them in time order with the wait until the
// earliest next time (at most maxWait).
func (s *Scheduler) advance() ([]due, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	var fires []due
	wait := maxWait
	for name, e := range s.entries {
		if e.next.IsZero() {
			continue
		}
		if !e.next.After(now) {
			fires = append(fires, due{name, latestDue(e.sched, e.next, now)})
			e.next = e.sched.Next(now)
			if e.next.IsZero() {
				continue
			}
		}
		wait = min(wait, e.next.Sub(now))
	}
	sort.Slice(fires, func(i, j int) bool {
		if !fires[i].at.Equal(fires[j].at) {
			return fires[i].at.Before(fires[j].at)
		}
		return fires[i].name < fires[j].name
	})
	return fires, wait
}

// latestDue is the last fire time of sched from at up to now.
func latestDue(sched Schedule, at, now time.Time) time.Time {
	for range maxCatchUp {
		next := sched.Next(at)
		if next.IsZero() || next.After(now) {
			break
		}
		at = next
	}
	return at
}
