package esm

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestBatchSize(t *testing.T) {
	tests := []struct {
		name      string
		batchSize int
		records   int
		want      []int
	}{
		{"default 100", 0, 250, []int{100, 100, 50}},
		{"10", 10, 25, []int{10, 10, 5}},
		{"1", 1, 3, []int{1, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, newSource("shardId-000000000000"), nil)
			h.fill("shardId-000000000000", "k", "r", tt.records)
			h.apply(h.mapping(func(mp *Mapping) { mp.BatchSize = tt.batchSize }))
			calls := h.records(tt.records)
			var got []int
			var data []string
			for _, c := range calls {
				got = append(got, len(c.ev.Records))
				data = append(data, c.ev.data()...)
			}
			if !cmp.Equal(got, tt.want) {
				t.Errorf("batch sizes %v, want %v", got, tt.want)
			}
			for i, d := range data {
				if d != "r"+itoa(i) {
					t.Fatalf("record %d is %q: out of order", i, d)
				}
			}
		})
	}
}

func TestBatchWindow(t *testing.T) {
	h := newHarness(t, newSource("shardId-000000000000"), nil)
	const window = time.Second
	h.apply(h.mapping(func(mp *Mapping) { mp.MaxBatchWindow = window }))
	time.Sleep(50 * time.Millisecond) // the mapping starts reading
	first := time.Now()
	for i := range 3 {
		h.src.put("shardId-000000000000", "k", "w"+itoa(i))
		time.Sleep(50 * time.Millisecond)
	}
	calls := h.records(3)
	if len(calls) != 1 {
		t.Fatalf("%d batches %v, want the 3 records in one", len(calls), batches(calls))
	}
	if d := calls[0].at.Sub(first); d < window-20*time.Millisecond || d > window+5*time.Second { // not before the window; the upper bound only catches a hang
		t.Errorf("invoked %v after the first record, want about %v", d, window)
	}
}

// TestBatchBytes checks the 6 MB cut: events of about 1,000 KB go six to a
// batch (seven would pass 6 MB).
func TestBatchBytes(t *testing.T) {
	h := newHarness(t, newSource("shardId-000000000000"), nil)
	big := strings.Repeat("x", 750*1024) // 1,000 KB once base64-encoded
	for range 12 {
		h.src.put("shardId-000000000000", "k", big)
	}
	h.apply(h.mapping(nil))
	calls := h.records(12)
	var got []int
	for _, c := range calls {
		if len(c.payload) > maxPayload {
			t.Errorf("a payload of %d bytes, over 6 MB", len(c.payload))
		}
		got = append(got, len(c.ev.Records))
	}
	if want := []int{6, 6}; !cmp.Equal(got, want) {
		t.Errorf("batch sizes %v, want %v (payloads %d bytes)", got, want, len(calls[0].payload))
	}
}

// TestNoWindow: without a window, a record is invoked as soon as it is
// put, alone, not held for a batch to fill. (How soon is a benchmark's
// business: bench/stream; this logs it.)
func TestNoWindow(t *testing.T) {
	h := newHarness(t, newSource("shardId-000000000000"), nil)
	h.apply(h.mapping(nil))
	time.Sleep(50 * time.Millisecond)
	var lat []time.Duration
	for i := range 20 {
		put := time.Now()
		h.src.put("shardId-000000000000", "k", "l"+itoa(i))
		calls := h.records(i + 1)
		if len(calls) != i+1 {
			t.Fatalf("after %d puts, %d invocations %v: a record waited for another", i+1, len(calls), batches(calls))
		}
		lat = append(lat, calls[len(calls)-1].at.Sub(put))
	}
	sortDurations(lat)
	t.Logf("put to invoke: p50 %v, max %v", lat[len(lat)/2], lat[len(lat)-1])
}

func sortDurations(d []time.Duration) {
	for i := range d {
		for j := i + 1; j < len(d); j++ {
			if d[j] < d[i] {
				d[i], d[j] = d[j], d[i]
			}
		}
	}
}

// TestOrderPerKey checks that with ParallelizationFactor N the records of
// a key are invoked in order, one batch at a time, while up to N batches
// of the shard run at once.
func TestOrderPerKey(t *testing.T) {
	for _, factor := range []int{1, 4} {
		t.Run(itoa(factor), func(t *testing.T) {
			var mu sync.Mutex
			running := map[string]bool{}
			inFlight, peak := 0, 0
			fn := func(ctx context.Context, ev *event) (Result, error) {
				keys := map[string]bool{}
				for _, r := range ev.Records {
					keys[r.Kinesis.PartitionKey] = true
				}
				mu.Lock()
				for k := range keys {
					if running[k] {
						t.Errorf("two batches of key %s at once", k)
					}
					running[k] = true
				}
				inFlight++
				peak = max(peak, inFlight)
				mu.Unlock()
				time.Sleep(5 * time.Millisecond)
				mu.Lock()
				for k := range keys {
					running[k] = false
				}
				inFlight--
				mu.Unlock()
				return Result{}, nil
			}
			h := newHarness(t, newSource("shardId-000000000000"), fn)
			const keys, per = 16, 20
			for i := range per {
				for k := range keys {
					h.src.put("shardId-000000000000", "key"+itoa(k), itoa(i))
				}
			}
			h.apply(h.mapping(func(mp *Mapping) { mp.BatchSize = 5; mp.ParallelizationFactor = factor }))
			calls := h.records(keys * per)
			last := map[string]string{}
			n := 0
			for _, c := range calls {
				for _, r := range c.ev.Records {
					k := r.Kinesis.PartitionKey
					if seq := r.Kinesis.SequenceNumber; seq <= last[k] {
						t.Fatalf("key %s: %s after %s", k, seq, last[k])
					}
					last[k] = r.Kinesis.SequenceNumber
					n++
				}
			}
			if n != keys*per {
				t.Errorf("%d records invoked, want %d", n, keys*per)
			}
			mu.Lock()
			defer mu.Unlock()
			if factor == 1 && peak != 1 || factor > 1 && (peak < 2 || peak > factor) {
				t.Errorf("peak %d batches in flight with ParallelizationFactor %d", peak, factor)
			}
		})
	}
}
