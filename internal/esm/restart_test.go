package esm

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestRestart closes a Manager while a batch is in flight and gives up
// waiting for it (as a crash would), then runs a new Manager on the same
// JetStream: it resumes after the checkpoint, invokes the batch that was
// in flight again, and skips no record.
func TestRestart(t *testing.T) {
	var mu sync.Mutex
	block := make(chan struct{})
	n := 0
	fn := func(ctx context.Context, ev *event) (Result, error) {
		mu.Lock()
		n++
		k := n
		mu.Unlock()
		if k == 3 {
			select { // the third batch hangs until Close gives up
			case <-block:
			case <-ctx.Done():
				return Result{}, ctx.Err()
			}
		}
		return Result{}, nil
	}
	h := newHarness(t, newSource("shardId-000000000000"), fn)
	h.fill("shardId-000000000000", "k", "r", 50)
	mp := h.mapping(func(mp *Mapping) { mp.BatchSize = 10 })
	h.apply(mp)
	h.waitFor("the third batch", func(calls []call, _ [][]byte) bool { return len(calls) == 3 })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	err := h.m.Close(ctx)
	cancel()
	if err == nil {
		t.Fatal("Close returned nil with a batch hung in flight")
	}
	close(block)
	before, _ := h.snapshot()

	h.m = h.newManager()
	h.apply(mp)
	calls := h.waitFor("the rest", func(calls []call, _ [][]byte) bool {
		return len(calls) > 3 && calls[len(calls)-1].ev.data()[len(calls[len(calls)-1].ev.data())-1] == "r049"
	})
	after := calls[len(before):]
	if got, want := after[0].ev.data(), before[2].ev.data(); !cmp.Equal(got, want) {
		t.Errorf("first batch after the restart %v, want the one in flight %v", got, want)
	}
	seen := map[string]bool{}
	for _, c := range calls {
		for _, d := range c.ev.data() {
			seen[d] = true
		}
	}
	for i := range 50 {
		if !seen["r"+itoa(i)] {
			t.Errorf("record r%s skipped", itoa(i))
		}
	}
	if len(after) != 3 {
		t.Errorf("%d batches after the restart, want 3: %v", len(after), batches(after))
	}
}

// TestCloseWaits checks that Close waits for a batch in flight and
// checkpoints it, so that the next Manager does not invoke it again.
func TestCloseWaits(t *testing.T) {
	h := newHarness(t, newSource("shardId-000000000000"), slowOn("r", 100*time.Millisecond))
	h.fill("shardId-000000000000", "k", "r", 3)
	mp := h.mapping(func(mp *Mapping) { mp.BatchSize = 2 })
	h.apply(mp)
	h.waitFor("the first batch", func(calls []call, _ [][]byte) bool { return len(calls) == 1 })
	h.closeManager()
	h.fn = nil
	h.m = h.newManager()
	h.apply(mp)
	calls := h.records(3)
	if got, want := batches(calls), [][]string{{"r000", "r001"}, {"r002"}}; !cmp.Equal(got, want) {
		t.Errorf("batches %v, want %v", got, want)
	}
}

func TestApply(t *testing.T) {
	h := newHarness(t, newSource("shardId-000000000000"), nil)
	mp := h.mapping(nil)
	h.apply(mp)
	h.fill("shardId-000000000000", "k", "a", 1)
	h.records(1)
	if s := h.m.States()[mp.UUID]; s.State != StateEnabled || s.LastProcessingResult != ResultOK {
		t.Errorf("state %+v", s)
	}

	// A change restarts the mapping from its checkpoint.
	mp.BatchSize = 2
	mp.MaxBatchWindow = 200 * time.Millisecond
	h.apply(mp)
	h.fill("shardId-000000000000", "k", "b", 3)
	calls := h.records(4)
	if got, want := batches(calls), [][]string{{"a000"}, {"b000", "b001"}, {"b002"}}; !cmp.Equal(got, want) {
		t.Errorf("after the change, batches %v, want %v", got, want)
	}

	// Disabled, it reads nothing; enabled again, it resumes.
	mp.Enabled = false
	h.apply(mp)
	if s := h.m.States()[mp.UUID]; s.State != StateDisabled {
		t.Errorf("disabled mapping's state %+v", s)
	}
	h.fill("shardId-000000000000", "k", "c", 1)
	time.Sleep(300 * time.Millisecond)
	if calls, _ := h.snapshot(); len(calls) != 3 {
		t.Errorf("a disabled mapping invoked: %v", batches(calls))
	}
	mp.Enabled = true
	h.apply(mp)
	calls = h.records(5)
	if got := batches(calls)[3]; !cmp.Equal(got, []string{"c000"}) {
		t.Errorf("after enabling, %v", got)
	}

	// Removed, it stops; its checkpoint stays for when it comes back.
	h.apply()
	if len(h.m.States()) != 0 {
		t.Errorf("states of no mappings: %v", h.m.States())
	}
	h.fill("shardId-000000000000", "k", "d", 1)
	time.Sleep(300 * time.Millisecond)
	if calls, _ := h.snapshot(); len(calls) != 4 {
		t.Errorf("a removed mapping invoked: %v", batches(calls))
	}
	h.apply(mp)
	calls = h.records(6)
	if got := batches(calls)[4]; !cmp.Equal(got, []string{"d000"}) {
		t.Errorf("after adding it back, %v", got)
	}
}

func TestApplyInvalid(t *testing.T) {
	h := newHarness(t, newSource("shardId-000000000000"), nil)
	good := h.mapping(nil)
	tests := []func(*Mapping){
		func(mp *Mapping) { mp.BatchSize = 10_001 },
		func(mp *Mapping) { mp.StartingPosition = "NOW" },
		func(mp *Mapping) { mp.StartingPosition = AtTimestamp },
		func(mp *Mapping) { mp.MaximumRetryAttempts = -2 },
		func(mp *Mapping) { mp.MaximumRecordAge = time.Second },
		func(mp *Mapping) { mp.ParallelizationFactor = 11 },
		func(mp *Mapping) { mp.TumblingWindow = time.Hour },
		func(mp *Mapping) { mp.MaxBatchWindow = time.Hour },
		func(mp *Mapping) { mp.OnFailure = &Destination{Kind: "s3", Name: "b"} },
		func(mp *Mapping) { mp.Source = nil },
	}
	for i, change := range tests {
		bad := h.mapping(change)
		bad.UUID = "bad-" + itoa(i)
		if err := h.m.Apply([]Mapping{good, bad}); err == nil {
			t.Errorf("case %d: no error", i)
		}
		if s := h.m.States(); len(s) != 1 {
			t.Errorf("case %d: states %v, want the good mapping only", i, s)
		}
	}
}
