package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"slices"
	"time"
)

// An entry is one message of the log: a write of one item. New is nil for
// a removal; Event is "" for an entry that changed nothing (a transaction's
// condition check), which moves the item's version but yields no stream
// record.
type entry struct {
	Key     []byte // the item's encoded key
	Event   string
	Time    int64 // ms since the epoch
	Old     []byte
	New     []byte
	Service bool // removed by TTL
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

// encode writes the entry in binary, not JSON, so that the images are
// copied rather than validated and compacted on every write: a format
// byte, the event (with entryService set for a TTL removal), the time (8
// bytes, big-endian) and the key and both images, each after its length
// as a uvarint (0: absent; an image is never empty).
func (e entry) encode() []byte {
	b := make([]byte, 0, 16+len(e.Key)+len(e.Old)+len(e.New))
	ev := byte(slices.Index(eventCodes, e.Event))
	if e.Service {
		ev |= entryService
	}
	b = append(b, entryFormat, ev)
	b = binary.BigEndian.AppendUint64(b, uint64(e.Time))
	for _, part := range [][]byte{e.Key, e.Old, e.New} {
		b = binary.AppendUvarint(b, uint64(len(part)))
		b = append(b, part...)
	}
	return b
}

// eventCodes are the events by their code in an encoded entry.
var eventCodes = []string{"", EventInsert, EventModify, EventRemove}

func decodeEntry(b []byte) (entry, bool) {
	if len(b) < 10 || b[0] != entryFormat || int(b[1]&^entryService) >= len(eventCodes) {
		return entry{}, false
	}
	e := entry{Event: eventCodes[b[1]&^entryService], Service: b[1]&entryService != 0, Time: int64(binary.BigEndian.Uint64(b[2:10]))}
	rest := b[10:]
	parts := [3][]byte{}
	for i := range parts {
		n, w := binary.Uvarint(rest)
		if w <= 0 || n > uint64(len(rest)-w) {
			return entry{}, false
		}
		if n > 0 {
			parts[i] = rest[w : w+int(n)]
		}
		rest = rest[w+int(n):]
	}
	if len(rest) != 0 || len(parts[0]) == 0 {
		return entry{}, false
	}
	e.Key, e.Old, e.New = parts[0], parts[1], parts[2]
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
