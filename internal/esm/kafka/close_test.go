package kafka

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/esm"
)

// TestClose: Close waits for the batch in flight and commits it; when its
// context ends first, the invocation is cancelled, Close reports a
// timeout, and the batch comes again on the next run.
func TestClose(t *testing.T) {
	c := cluster(t, 1)
	produce(t, c.ListenAddrs(), 1, 0, 5)
	s := newSink(t)
	release := make(chan struct{})
	started := make(chan struct{}, 10)
	blocking := func(ctx context.Context, fn string, payload []byte) (esm.Result, error) {
		started <- struct{}{}
		select {
		case <-release:
			return s.invoke(ctx, fn, payload)
		case <-ctx.Done():
			return esm.Result{}, ctx.Err()
		}
	}
	mp := mapping(c)
	m, err := New(context.Background(), Options{Invoke: blocking})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Apply([]Mapping{mp}); err != nil {
		t.Fatal(err)
	}
	<-started
	closed := make(chan error, 1)
	go func() { closed <- m.Close(context.Background()) }()
	select {
	case err := <-closed:
		t.Fatalf("Close returned %v with a batch in flight", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	if s.count() != 5 {
		t.Fatalf("%d records invoked", s.count())
	}

	// A function that hangs: Close gives up when its context ends.
	produce(t, c.ListenAddrs(), 1, 5, 1)
	hang := func(ctx context.Context, fn string, p []byte) (esm.Result, error) {
		started <- struct{}{}
		<-ctx.Done()
		return esm.Result{}, ctx.Err()
	}
	m2, err := New(context.Background(), Options{Invoke: hang})
	if err != nil {
		t.Fatal(err)
	}
	if err := m2.Apply([]Mapping{mp}); err != nil {
		t.Fatal(err)
	}
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := m2.Close(ctx); !errs.Is(errs.Timeout, err) {
		t.Errorf("Close = %v, want a timeout", err)
	}

	// The first batch was committed, the hung one was not: the next run
	// gets the hung record only.
	m3 := manager(t, s, nil)
	defer closeManager(t, m3)
	if err := m3.Apply([]Mapping{mp}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the hung record again", func() bool { return s.count() >= 6 })
	if v := s.values()[0]; len(v) != 6 || v[5] != "5" {
		t.Errorf("after a restart %v", v)
	}
}

// TestCut: a batch stops at BatchSize records or 6 MB of event, and
// holds at least one record whatever its size.
func TestCut(t *testing.T) {
	r := &runner{cfg: Mapping{Topic: topic, BatchSize: 100}, bootstrap: "b:9092"}
	recs := func(n, size int) []*kgo.Record {
		out := make([]*kgo.Record, n)
		for i := range out {
			out[i] = &kgo.Record{Topic: topic, Value: make([]byte, size)}
		}
		return out
	}
	for _, tc := range []struct{ n, size int }{
		{250, 10}, {3, 10}, {10, 1 << 20}, {2, 7 << 20}, {100, 60 << 10},
	} {
		all := recs(tc.n, tc.size)
		got := r.cut(all)
		switch {
		case got < 1 || got > 100 || got > tc.n:
			t.Errorf("%d records of %d B: a batch of %d", tc.n, tc.size, got)
		case got > 1 && len(r.event(all[:got])) > maxPayload:
			t.Errorf("%d records of %d B: an event of %d B", tc.n, tc.size, len(r.event(all[:got])))
		case got < min(tc.n, 100) && len(r.event(all[:got+1])) < maxPayload*99/100:
			t.Errorf("%d records of %d B: a batch of %d, but %d fit", tc.n, tc.size, got, got+1)
		}
	}
}
