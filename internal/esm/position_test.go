package esm

import (
	"context"
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
