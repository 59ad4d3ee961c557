package cloudwatchlogs

import (
	"strconv"
	"sync/atomic"
)

// IDs makes event ids as CloudWatch Logs shows them: 56 decimal digits, the
// event's timestamp first (so ids sort by time) then a sequence, so they
// are unique and, for events appended in time order, increasing within a
// stream. Seed the sequence with something that grows across restarts
// (the start time in nanoseconds) to keep ids unique across them.
type IDs struct{ seq atomic.Uint64 }

// NewIDs returns ids whose sequence starts after seed.
func NewIDs(seed uint64) *IDs {
	ids := &IDs{}
	ids.seq.Store(seed)
	return ids
}

// Next returns the id of an event with timestamp ms (Unix milliseconds;
// negative ones count as 0).
func (ids *IDs) Next(ms int64) string {
	var b [idDigits]byte
	for i := range b {
		b[i] = '0'
	}
	if ms < 0 {
		ms = 0
	}
	t := strconv.AppendInt(nil, ms, 10)
	copy(b[idTimeDigits-len(t):idTimeDigits], t)
	s := strconv.AppendUint(nil, ids.seq.Add(1), 10)
	copy(b[idDigits-len(s):], s)
	return string(b[:])
}
