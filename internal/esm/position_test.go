package esm

import (
	"context"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestStartingPosition(t *testing.T) {
	tests := []struct {
		name  string
		start string
		want  []string
	}{
		{"TRIM_HORIZON", TrimHorizon, []string{"old000", "old001", "old002", "new000", "new001"}},
		{"LATEST", Latest, []string{"new000", "new001"}},
		{"AT_TIMESTAMP", AtTimestamp, []string{"old002", "new000", "new001"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, newSource("shardId-000000000000"), nil)
			base := time.Now().Add(-time.Hour)
			for i := range 3 {
				h.src.putAt("shardId-000000000000", "k", "old"+itoa(i), base.Add(time.Duration(i)*time.Minute))
			}
			mp := h.mapping(func(mp *Mapping) {
				mp.StartingPosition = tt.start
				mp.StartingTimestamp = base.Add(90 * time.Second)
			})
			h.apply(mp)
			h.waitStarted(mp.UUID)
			h.fill("shardId-000000000000", "k", "new", 2)
			calls := h.waitFor("new001", func(calls []call, _ [][]byte) bool {
				return len(calls) > 0 && slices.Contains(calls[len(calls)-1].ev.data(), "new001")
			})
			var got []string
			for _, c := range calls {
				got = append(got, c.ev.data()...)
			}
			if !cmp.Equal(got, tt.want) {
				t.Errorf("records %v, want %v", got, tt.want)
			}
		})
	}
}

// TestLatestKeptOnRestart checks that LATEST is resolved once: records put
// while the Manager is down are read by the next one.
func TestLatestKeptOnRestart(t *testing.T) {
	h := newHarness(t, newSource("shardId-000000000000"), nil)
	h.fill("shardId-000000000000", "k", "before", 2)
	mp := h.mapping(func(mp *Mapping) { mp.StartingPosition = Latest })
	h.apply(mp)
	h.waitStarted(mp.UUID)
	h.closeManager()
	h.fill("shardId-000000000000", "k", "down", 2)
	h.m = h.newManager()
	h.apply(mp)
	calls := h.records(2)
	if got, want := batches(calls), [][]string{{"down000", "down001"}}; !cmp.Equal(got, want) {
		t.Errorf("batches %v, want %v", got, want)
	}
}

// waitStarted waits until the mapping has resolved its starting
// positions.
func (h *harness) waitStarted(mapping string) {
	h.t.Helper()
	cps, err := openCheckpoints(context.Background(), h.b.JetStream())
	if err != nil {
		h.t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		ok, err := cps.started(context.Background(), mapping)
		if err != nil {
			h.t.Fatal(err)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatal("the mapping did not start")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestReshard checks that children are read only once their parent is
// finished, and from their first record.
func TestReshard(t *testing.T) {
	h := newHarness(t, newSource("shardId-000000000000"), nil)
	h.fill("shardId-000000000000", "k", "parent", 5)
	mp := h.mapping(func(mp *Mapping) { mp.BatchSize = 2; mp.StartingPosition = Latest })
	// Slow the parent down so that children have records first.
	h.fn = slowOn("parent", 20*time.Millisecond)
	h.apply(mp)
	h.waitStarted(mp.UUID)
	h.fill("shardId-000000000000", "k", "parent", 5)
	h.src.split("shardId-000000000000", "shardId-000000000001", "shardId-000000000002")
	h.fill("shardId-000000000001", "k", "child1-", 3)
	h.fill("shardId-000000000002", "k", "child2-", 3)
	calls := h.records(11)
	var got []string
	for _, c := range calls {
		got = append(got, c.ev.data()...)
	}
	if len(got) != 11 {
		t.Fatalf("records %v, want 11", got)
	}
	for i, d := range got[:5] {
		if d != "parent"+itoa(i) {
			t.Fatalf("records %v: the parent's records come first, in order", got)
		}
	}
	for _, c := range []string{"child1-", "child2-"} {
		var mine []string
		for _, d := range got[5:] {
			if len(d) > len(c) && d[:len(c)] == c {
				mine = append(mine, d)
			}
		}
		if want := []string{c + "000", c + "001", c + "002"}; !cmp.Equal(mine, want) {
			t.Errorf("%s records %v, want %v", c, mine, want)
		}
	}
	cps, _ := openCheckpoints(context.Background(), h.b.JetStream())
	deadline := time.Now().Add(5 * time.Second)
	for {
		cp, _, _ := cps.get(context.Background(), mp.UUID, "shardId-000000000000")
		if cp.Finished {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the parent is not marked finished: %+v", cp)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func slowOn(prefix string, d time.Duration) func(context.Context, *event) (Result, error) {
	return func(ctx context.Context, ev *event) (Result, error) {
		for _, r := range ev.data() {
			if len(r) >= len(prefix) && r[:len(prefix)] == prefix {
				time.Sleep(d)
			}
		}
		return Result{}, nil
	}
}

// TestApplyPositions: Apply returns once a new LATEST mapping has
// resolved and checkpointed its position, so a record put right after it
// is read; a source whose tip cannot be read holds Apply up to
// PositionWait only.
func TestApplyPositions(t *testing.T) {
	src := newSource("shardId-000000000000")
	src.tipGate = make(chan struct{})
	h := newHarness(t, src, nil)
	h.fill("shardId-000000000000", "k", "before", 2)
	mp := h.mapping(func(mp *Mapping) { mp.StartingPosition = Latest })
	applied := make(chan error, 1)
	go func() { applied <- h.m.Apply([]Mapping{mp}) }()
	select {
	case err := <-applied:
		t.Fatalf("Apply returned (%v) before the mapping was positioned", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(src.tipGate)
	if err := <-applied; err != nil {
		t.Fatal(err)
	}
	cps, err := openCheckpoints(context.Background(), h.b.JetStream())
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := cps.started(context.Background(), mp.UUID); err != nil || !ok {
		t.Fatalf("after Apply the mapping is not started (%v)", err)
	}
	h.fill("shardId-000000000000", "k", "after", 1)
	calls := h.waitFor("after000", func(calls []call, _ [][]byte) bool { return len(calls) > 0 })
	if got := calls[0].ev.data(); !slices.Equal(got, []string{"after000"}) {
		t.Errorf("records %v, want [after000]", got)
	}

	stuck := newSource("shardId-000000000000")
	stuck.tipGate = make(chan struct{}) // never opened
	h2 := newHarness(t, stuck, nil)
	h2.closeManager()
	m, err := New(context.Background(), Options{JetStream: h2.b.JetStream(), Invoke: h2.invoke, Send: h2.send,
		Logger: slog.New(slog.DiscardHandler), PositionWait: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	h2.m = m
	if err := m.Apply([]Mapping{h2.mapping(func(mp *Mapping) { mp.StartingPosition = Latest })}); err != nil {
		t.Fatalf("Apply with a stuck source: %v", err)
	}
}
