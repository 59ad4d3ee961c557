package logs

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/errs"
)

func TestInfoAndStreams(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{FlushInterval: time.Hour, SweepInterval: -1}) // t0 is past the retention
	g := s.Group(testGroup, 48*time.Hour)
	mustAppend(t, g, ev(0, "b", "one"), ev(time.Second, "a", "two"), ev(2*time.Second, "b", "three"), ev(-time.Second, "b", "zero"))
	if err := s.flushAll(); err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(testGroup)
	if err != nil || info.Name != testGroup || info.Retention != 48*time.Hour || info.StoredBytes == 0 {
		t.Fatalf("Info = %+v, %v", info, err)
	}
	streams, err := s.Streams(testGroup)
	if err != nil || len(streams) != 2 {
		t.Fatalf("Streams = %+v, %v", streams, err)
	}
	a, b := streams[0], streams[1]
	if a.Name != "a" || a.Events != 1 || !a.First.Equal(t0.Add(time.Second)) || b.Name != "b" || b.Events != 3 ||
		!b.First.Equal(t0.Add(-time.Second)) || !b.Last.Equal(t0.Add(2*time.Second)) || b.Bytes != int64(len("onethreezero")) {
		t.Fatalf("Streams = %+v", streams)
	}
	if _, err := s.Info("nope"); !errs.Is(errs.NotFound, err) {
		t.Fatalf("Info(nope) = %v", err)
	}
	if _, err := s.Streams("nope"); !errs.Is(errs.NotFound, err) {
		t.Fatalf("Streams(nope) = %v", err)
	}
}

// TestTail: no past, a first call with no events once following, then the
// new events in batches, filtered.
func TestTail(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{FlushInterval: time.Hour})
	g := s.Group(testGroup, 0)
	mustAppend(t, g, sample...)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	batches := make(chan []Event, 10)
	done := make(chan error, 1)
	go func() {
		done <- s.Tail(ctx, testGroup, Query{Filter: "-INFO"}, func(evs []Event) error {
			batches <- evs
			return nil
		})
	}()
	if first := recv(t, batches, "the start"); len(first) != 0 {
		t.Fatalf("first batch %q, want none", messages(first))
	}
	mustAppend(t, g, ev(5*time.Second, "s", "INFO skipped"), ev(6*time.Second, "s", "new one"))
	equal(t, "batch", messages(recv(t, batches, "a batch")), []string{"new one"})
	cancel()
	if err := recv(t, done, "Tail to return"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Tail = %v", err)
	}
	if n := g.followerCount(); n != 0 {
		t.Fatalf("%d followers left", n)
	}
	if err := s.Tail(ctx, "nope", Query{}, func([]Event) error { return nil }); !errs.Is(errs.NotFound, err) {
		t.Fatalf("Tail(nope) = %v", err)
	}
}
