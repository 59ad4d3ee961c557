package store

import (
	"bytes"
	"encoding/json"
	"time"
)

// An entry is one message of the log: a write of one item. New is nil for
// a removal; Event is "" for an entry that changed nothing (a transaction's
// condition check, or a write of the same item), which moves the item's
// version but yields no stream record.
type entry struct {
	Key     []byte          `json:"k"` // the item's encoded key
	Event   string          `json:"e,omitempty"`
	Time    int64           `json:"t"` // ms since the epoch
	Old     json.RawMessage `json:"o,omitempty"`
	New     json.RawMessage `json:"n,omitempty"`
	Service bool            `json:"s,omitempty"` // removed by TTL
}

// newEntry describes the write of new over old (nil when absent).
func newEntry(key, old, new []byte, now time.Time) entry {
	e := entry{Key: key, Time: now.UnixMilli(), Old: old, New: new}
	switch {
	case old == nil && new == nil:
	case old == nil:
		e.Event = EventInsert
	case new == nil:
		e.Event = EventRemove
	case !sameItem(old, new):
		e.Event = EventModify
	}
	return e
}

func (e entry) encode() []byte {
	b, _ := json.Marshal(e)
	return b
}

func decodeEntry(b []byte) (entry, bool) {
	var e entry
	if json.Unmarshal(b, &e) != nil {
		return entry{}, false
	}
	e.Old, e.New = absent(e.Old), absent(e.New)
	return e, true
}

// sameItem reports whether two items in wire form hold the same
// attributes, whatever the order of their members.
func sameItem(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	return bytes.Equal(canonical(a), canonical(b))
}

// canonical re-encodes JSON with its object members sorted.
func canonical(b []byte) []byte {
	var v any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if d.Decode(&v) != nil {
		return b
	}
	out, _ := json.Marshal(v)
	return out
}

// absent turns an image spelled null into none.
func absent(b json.RawMessage) json.RawMessage {
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	return b
}
