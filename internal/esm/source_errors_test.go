package esm

import (
	"testing"
	"time"
)

// TestReadErrors checks that a shard that cannot be read is retried with
// backoff, shows in the state, and delivers every record once it can be.
func TestReadErrors(t *testing.T) {
	src := newSource("shardId-000000000000")
	src.failReads = 3
	h := newHarness(t, src, nil)
	h.fill("shardId-000000000000", "k", "r", 3)
	mp := h.mapping(nil)
	h.apply(mp)
	time.Sleep(100 * time.Millisecond)
	if s := h.m.States()[mp.UUID]; s.LastProcessingResult != ResultSourceError {
		t.Errorf("while reads fail, LastProcessingResult %q", s.LastProcessingResult)
	}
	calls := h.records(3)
	if len(calls) != 1 || len(calls[0].ev.Records) != 3 {
		t.Errorf("batches %v", batches(calls))
	}
	if s := h.m.States()[mp.UUID]; s.LastProcessingResult != ResultOK {
		t.Errorf("after, LastProcessingResult %q", s.LastProcessingResult)
	}
}

// TestBehind checks that the state reports how far behind the shard's
// newest record a mapping reads (the reader reads at most a few
// batches ahead of the function).
func TestBehind(t *testing.T) {
	h := newHarness(t, newSource("shardId-000000000000"), slowOn("r", 300*time.Millisecond))
	for i := range 10 {
		h.src.putAt("shardId-000000000000", "k", "r"+itoa(i), time.Now().Add(time.Duration(i-10)*time.Second))
	}
	mp := h.mapping(func(mp *Mapping) { mp.BatchSize = 1 })
	h.apply(mp)
	h.waitFor("a call", func(calls []call, _ [][]byte) bool { return len(calls) >= 1 })
	if s := h.m.States()[mp.UUID]; s.Behind < 5*time.Second {
		t.Errorf("Behind %v, reading the first of 10 records 1 s apart", s.Behind)
	}
}
