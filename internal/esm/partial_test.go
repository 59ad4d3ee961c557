package esm

import (
	"context"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestBatchItemFailures checks the restart point of a partial failure:
// the batch is retried from the lowest failed sequence number, the
// records before it checkpointed.
func TestBatchItemFailures(t *testing.T) {
	tests := []struct {
		name string
		// respond answers the nth call (from 0) of a batch whose records
		// have these sequence numbers.
		respond func(n int, seqs []string) string
		want    [][]string
	}{
		{
			name: "lowest of two",
			respond: func(n int, seqs []string) string {
				if n == 0 {
					return `{"batchItemFailures":[{"itemIdentifier":"` + seqs[4] + `"},{"itemIdentifier":"` + seqs[2] + `"}]}`
				}
				return `{"batchItemFailures":[]}`
			},
			want: [][]string{{"r000", "r001", "r002", "r003", "r004", "r005"}, {"r002", "r003", "r004", "r005"}},
		},
		{
			name: "identifier not in the batch fails the whole batch",
			respond: func(n int, seqs []string) string {
				if n == 0 {
					return `{"batchItemFailures":[{"itemIdentifier":"nope"}]}`
				}
				return `null`
			},
			want: [][]string{{"r000", "r001", "r002", "r003", "r004", "r005"}, {"r000", "r001", "r002", "r003", "r004", "r005"}},
		},
		{
			name: "malformed fails the whole batch",
			respond: func(n int, seqs []string) string {
				if n == 0 {
					return `{"batchItemFailures":[{"itemIdentifier":""}]}`
				}
				return `{}`
			},
			want: [][]string{{"r000", "r001", "r002", "r003", "r004", "r005"}, {"r000", "r001", "r002", "r003", "r004", "r005"}},
		},
		{
			name: "first record failed",
			respond: func(n int, seqs []string) string {
				if n < 2 {
					return `{"batchItemFailures":[{"itemIdentifier":"` + seqs[0] + `"}]}`
				}
				return ``
			},
			want: [][]string{{"r000", "r001", "r002", "r003", "r004", "r005"}, {"r000", "r001", "r002", "r003", "r004", "r005"}, {"r000", "r001", "r002", "r003", "r004", "r005"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			n := 0
			fn := func(ctx context.Context, ev *event) (Result, error) {
				mu.Lock()
				defer mu.Unlock()
				r := tt.respond(n, ev.seqs())
				n++
				return Result{Payload: []byte(r)}, nil
			}
			h := newHarness(t, newSource("shardId-000000000000"), fn)
			h.fill("shardId-000000000000", "k", "r", 6)
			mp := h.mapping(func(mp *Mapping) { mp.ReportBatchItemFailures = true; mp.BatchSize = 10 })
			h.apply(mp)
			h.waitFor("the batches", func(calls []call, _ [][]byte) bool { return len(calls) >= len(tt.want) })
			calls := h.waitForCheckpoint(mp.UUID, "shardId-000000000000", h.src.shard("shardId-000000000000").recs[5].Seq)
			if got := batches(calls); !cmp.Equal(got, tt.want) {
				t.Errorf("batches %v, want %v", got, tt.want)
			}
		})
	}
}

// TestBatchItemFailuresExhausted checks that only the records from the
// first failure on are given up.
func TestBatchItemFailuresExhausted(t *testing.T) {
	fn := func(ctx context.Context, ev *event) (Result, error) {
		for _, r := range ev.Records {
			if string(r.Kinesis.Data) == "r003" {
				return Result{Payload: []byte(`{"batchItemFailures":[{"itemIdentifier":"` + r.Kinesis.SequenceNumber + `"}]}`)}, nil
			}
		}
		return Result{}, nil
	}
	h := newHarness(t, newSource("shardId-000000000000"), fn)
	recs := h.fill("shardId-000000000000", "k", "r", 6)
	h.apply(h.mapping(func(mp *Mapping) {
		mp.ReportBatchItemFailures = true
		mp.BatchSize = 6
		mp.MaximumRetryAttempts = 1
	}))
	h.waitFor("the failure record", func(_ []call, sent [][]byte) bool { return len(sent) == 1 })
	calls, sent := h.snapshot()
	want := [][]string{{"r000", "r001", "r002", "r003", "r004", "r005"}, {"r003", "r004", "r005"}}
	if got := batches(calls); !cmp.Equal(got, want) {
		t.Errorf("batches %v, want %v", got, want)
	}
	d := decode(t, sent[0])
	if d.Info.StartSequenceNumber != recs[3].Seq || d.Info.EndSequenceNumber != recs[5].Seq || d.Info.BatchSize != 3 ||
		d.ResponseContext.FunctionError != nil {
		t.Errorf("failure record %s", sent[0])
	}
}
