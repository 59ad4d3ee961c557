package cache

import (
	"math"
	"time"

	"github.com/maypok86/otter/v2"
)

// Memory is the in-memory tier: otter's W-TinyLFU, weighted by bytes, with
// each entry expiring when it can no longer be served or revalidated.
type Memory struct {
	c      *otter.Cache[string, *Entry]
	budget int64
}

var _ Store = (*Memory)(nil)

// NewMemory returns a memory store holding at most budget bytes.
func NewMemory(budget int64) *Memory {
	c := otter.Must(&otter.Options[string, *Entry]{
		MaximumWeight: uint64(budget),
		Weigher: func(_ string, e *Entry) uint32 {
			return uint32(min(e.Size(), math.MaxUint32))
		},
		ExpiryCalculator: otter.ExpiryWritingFunc(func(en otter.Entry[string, *Entry]) time.Duration {
			return en.Value.Retention()
		}),
	})
	return &Memory{c: c, budget: budget}
}

// Get returns the entry under key.
func (m *Memory) Get(key string) (*Entry, bool) { return m.c.GetIfPresent(key) }

// Set stores e. An entry larger than the whole budget is not stored.
func (m *Memory) Set(e *Entry) {
	if e.Size() > m.budget {
		return
	}
	m.c.Set(e.Key, e)
}

// Delete removes key.
func (m *Memory) Delete(key string) { m.c.Invalidate(key) }

// Purge removes the entries m selects.
func (m *Memory) Purge(sel Matcher) int {
	n := 0
	for k, e := range m.c.All() {
		if sel.Match(e.Dist, e.Path) {
			if _, ok := m.c.Invalidate(k); ok {
				n++
			}
		}
	}
	return n
}

// Stats returns the counts; bytes is otter's weighted size.
func (m *Memory) Stats() Stats {
	return Stats{Entries: int64(m.c.EstimatedSize()), Bytes: int64(m.c.WeightedSize()), Budget: m.budget}
}

// Close stops otter's maintenance goroutines.
func (m *Memory) Close() error {
	m.c.InvalidateAll()
	m.c.StopAllGoroutines()
	return nil
}
