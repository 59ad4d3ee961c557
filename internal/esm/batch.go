package esm

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/verge-edge/verge/internal/jsonx"
)

// An entry is a record read from a shard, until the checkpoint passes it.
type entry struct {
	rec     Record
	read    time.Time // when it was read: a batch window counts from here
	settled bool      // processed, or given up on
}

// size is what the record adds to an event: itself and a comma.
func (e *entry) size() int { return len(e.rec.Event) + 1 }

// A windowCall is a tumbling window invocation's extra fields.
type windowCall struct {
	start, end   time.Time
	state        json.RawMessage
	shard, arn   string
	final, early bool
}

// windowOf is the tumbling window of length d that t falls in, aligned on
// the Unix epoch as Lambda's are (a 120 s window starts at an even minute).
func windowOf(t time.Time, d time.Duration) (start, end time.Time) {
	ms, dm := t.UnixMilli(), d.Milliseconds()
	s := ms - ms%dm
	return time.UnixMilli(s).UTC(), time.UnixMilli(s + dm).UTC()
}

// overhead is what a window's fields add to an event.
func (w *windowCall) overhead() int {
	if w == nil {
		return 0
	}
	const fixed = 200 // the names, two times, two booleans
	return fixed + len(w.state) + 2*len(w.shard) + 2*len(w.arn)
}

// cut is how many records of q open a batch: at most size records and
// budget bytes of event, and at least one; full reports that a limit cut
// it.
func cut(q []*entry, size, budget int) (n int, full bool) {
	bytes := 0
	for n < len(q) {
		if n == size {
			return n, true
		}
		bytes += q[n].size()
		if n > 0 && bytes > budget {
			return n, true
		}
		n++
	}
	return n, n == size
}

// appendEvent appends the event of a batch: {"Records":[…]} with each
// record's Event verbatim, and the window's fields when there is one.
func appendEvent(b []byte, recs []*entry, w *windowCall) []byte {
	b = append(b, eventStart...)
	for i, e := range recs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, e.rec.Event...)
	}
	b = append(b, ']')
	if w != nil {
		b = append(b, `,"window":{"start":`...)
		b = jsonx.AppendString(b, w.start.UTC().Format(time.RFC3339))
		b = append(b, `,"end":`...)
		b = jsonx.AppendString(b, w.end.UTC().Format(time.RFC3339))
		b = append(b, `},"state":`...)
		b = append(b, w.state...)
		b = append(b, `,"shardId":`...)
		b = jsonx.AppendString(b, w.shard)
		b = append(b, `,"eventSourceARN":`...)
		b = jsonx.AppendString(b, w.arn)
		b = append(b, `,"isFinalInvokeForWindow":`...)
		b = strconv.AppendBool(b, w.final)
		b = append(b, `,"isWindowTerminatedEarly":`...)
		b = strconv.AppendBool(b, w.early)
	}
	return append(b, '}')
}

// eventSize is about the size of a batch's event.
func eventSize(recs []*entry, w *windowCall) int {
	n := len(eventStart) + len(eventEnd) + w.overhead()
	for _, e := range recs {
		n += e.size()
	}
	return n
}

// records are the entries' records.
func records(es []*entry) []Record {
	out := make([]Record, len(es))
	for i, e := range es {
		out[i] = e.rec
	}
	return out
}
