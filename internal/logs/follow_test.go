package logs

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/errs"
)

// follow runs Store.Follow in a goroutine, sending events to the returned
// channel and Follow's result to the other.
func follow(t *testing.T, ctx context.Context, s *Store, q Query) (<-chan Event, <-chan error) {
	t.Helper()
	evs := make(chan Event, 1000)
	done := make(chan error, 1)
	go func() {
		done <- s.Follow(ctx, testGroup, q, func(e Event) error {
			evs <- e
			return nil
		})
	}()
	return evs, done
}

func TestFollow(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{FlushInterval: time.Hour})
	g := s.Group(testGroup, 0)
	mustAppend(t, g, sample...)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	evs, done := follow(t, ctx, s, Query{Filter: "-INFO", Limit: 2, Since: t0})

	// The past: the newest two that match.
	for _, want := range []string{"WARN slow", "END RequestId: b"} {
		if got := recv(t, evs, want).Message; got != want {
			t.Fatalf("past event = %q, want %q", got, want)
		}
	}
	eventually(t, "the follower registered", func() bool { return g.followerCount() == 1 })
	// New events, filtered the same way, without waiting for a flush.
	mustAppend(t, g, ev(5*time.Second, "s4", "INFO skipped"), ev(6*time.Second, "s4", "START RequestId: c"))
	mustAppend(t, g, ev(-time.Hour, "s4", "too old for Since"), ev(7*time.Second, "s4", "END RequestId: c"))
	for _, want := range []string{"START RequestId: c", "END RequestId: c"} {
		if got := recv(t, evs, want).Message; got != want {
			t.Fatalf("new event = %q, want %q", got, want)
		}
	}
	cancel()
	if err := recv(t, done, "Follow to return"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Follow = %v, want context.Canceled", err)
	}
	if n := g.followerCount(); n != 0 {
		t.Fatalf("%d followers left", n)
	}
	if len(evs) != 0 {
		t.Fatalf("unexpected event %q", (<-evs).Message)
	}
}

// TestFollowNoGap starts following while a writer appends: every event must
// arrive exactly once and in order, whether it was on disk, queued or new.
func TestFollowNoGap(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{FlushInterval: time.Millisecond})
	g := s.Group(testGroup, 0)
	const n = 2000
	started := make(chan struct{})
	go func() {
		for i := range n {
			if i == n/4 {
				close(started)
			}
			if err := g.Append(ev(time.Duration(i)*time.Millisecond, "s", fmt.Sprint(i))); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	next := 0
	err := s.Follow(ctx, testGroup, Query{}, func(e Event) error {
		if e.Message != fmt.Sprint(next) {
			return fmt.Errorf("got event %q, want %d", e.Message, next)
		}
		if next++; next == n {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Follow = %v after %d events", err, next)
	}
}

func TestFollowEnds(t *testing.T) {
	type tc struct {
		name string
		end  func(s *Store, cancel context.CancelFunc) // ends the follow
		fn   error                                     // returned by the callback
		want func(error) bool
	}
	boom := errors.New("boom")
	for _, c := range []tc{
		{"cancel", func(_ *Store, cancel context.CancelFunc) { cancel() }, nil,
			func(err error) bool { return errors.Is(err, context.Canceled) }},
		{"store closed", func(s *Store, _ context.CancelFunc) { s.Close() }, nil,
			func(err error) bool { return errs.Is(errs.Unavailable, err) }},
		{"callback error", func(s *Store, _ context.CancelFunc) {}, boom,
			func(err error) bool { return errors.Is(err, boom) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := openStore(t, t.TempDir(), Options{})
			g := s.Group(testGroup, 0)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() {
				done <- s.Follow(ctx, testGroup, Query{}, func(Event) error { return c.fn })
			}()
			eventually(t, "the follower registered", func() bool { return g.followerCount() == 1 })
			c.end(s, cancel)
			if c.fn != nil {
				mustAppend(t, g, ev(0, "s", "x"))
			}
			if err := recv(t, done, "Follow to return"); !c.want(err) {
				t.Fatalf("Follow = %v", err)
			}
		})
	}
}

func TestFollowUnknownGroup(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{})
	err := s.Follow(context.Background(), "/aws/lambda/none", Query{}, func(Event) error { return nil })
	if !errs.Is(errs.NotFound, err) {
		t.Fatalf("Follow = %v, want not found", err)
	}
}

// TestFollowSlowReader: a follower that does not keep up must not hold
// Append up or grow without bound; it is told what it missed.
func TestFollowSlowReader(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{MaxFollowBytes: 5 * (eventOverhead + 10)})
	g := s.Group(testGroup, 0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	release := make(chan struct{})
	evs := make(chan Event, 100)
	done := make(chan error, 1)
	go func() {
		done <- s.Follow(ctx, testGroup, Query{}, func(e Event) error {
			evs <- e
			<-release // blocked until the test has flooded the group
			return nil
		})
	}()
	eventually(t, "the follower registered", func() bool { return g.followerCount() == 1 })
	mustAppend(t, g, ev(0, "s", "first"))
	recv(t, evs, "the first event")
	for i := range 50 {
		mustAppend(t, g, ev(time.Duration(i+1)*time.Millisecond, "s", fmt.Sprintf("line %04d", i)))
	}
	close(release)
	var got []string
	for !containsMarker(got) {
		got = append(got, recv(t, evs, "the skipped marker").Message)
	}
	if len(got) > 10 {
		t.Fatalf("a slow follower got %d events: the queue is not bounded", len(got))
	}
	cancel()
	recv(t, done, "Follow to return")
}

func containsMarker(msgs []string) bool {
	for _, m := range msgs {
		if len(m) > 8 && m[:8] == "[verge] " {
			return true
		}
	}
	return false
}
