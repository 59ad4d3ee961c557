package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"sync"

	"github.com/tidwall/btree"
)

// A row is an item's local state: its encoded key, its item (nil once
// removed: the row then only keeps the version for compare-and-set), its
// version, the log sequence of its last write, and its size as
// Options.Size counts it (kept, as sizing may decode the item). An
// index's rows are rows too, of its key and the item's projection.
type row struct {
	key     []byte
	item    []byte
	version uint64
	size    int
}

func lessRow(a, b *row) bool { return bytes.Compare(a.key, b.key) < 0 }

// A table is one table's materialised state, kept in key order.
type table struct {
	meta   meta
	sizeOf func([]byte) int

	mu   sync.RWMutex
	rows *btree.BTreeG[*row]
	// indexes are the secondary indexes, in meta.Indexes's order;
	// indexNames the attributes they read.
	indexes    []*index
	indexNames []string
	// local is whether the table has a local index: they are made with
	// the table and never change, so it is read without t.mu.
	local bool
	items int64
	size  int64
	last  uint64        // newest log sequence applied
	wake  chan struct{} // closed and replaced when an entry is applied
	// rewritten are the keys of items written again since compaction
	// last dropped their old entries (only their subjects hold entries to
	// drop), each with the log sequence the retention bound must pass
	// before there is anything to drop: 0 for at once.
	rewritten map[string]uint64
}

func newTable(m meta, sizeOf func([]byte) int) *table {
	t := &table{
		meta:   m,
		sizeOf: sizeOf,
		rows:   btree.NewBTreeGOptions(lessRow, btree.Options{NoLocks: true}),
		wake:   make(chan struct{}),
	}
	for _, c := range m.Indexes {
		t.indexes = append(t.indexes, newIndex(c, m.Key))
		t.local = t.local || c.Local
	}
	t.indexNames = indexNames(t.indexes)
	return t
}

// index returns the secondary index named name. The caller holds t.mu.
func (t *table) index(name string) (*index, error) {
	for _, ix := range t.indexes {
		if ix.cfg.Name == name {
			return ix, nil
		}
	}
	return nil, fail(CodeValidation, "The table does not have the specified index: %s", name)
}

// subject is the log subject of the item with encoded key k: the table's
// id and a hash of the key, so any key fits a NATS token.
func (t *table) subject(k []byte) string {
	h := sha256.Sum256(k)
	return subjectPrefix + t.meta.ID + "." + hex.EncodeToString(h[:16])
}

// filter is the subject filter of the table's whole log.
func (t *table) filter() string { return subjectPrefix + t.meta.ID + ".>" }

// get returns the row of key (a zero row, version 0, if none).
func (t *table) get(key []byte) row {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if r, ok := t.rows.Get(&row{key: key}); ok {
		return *r
	}
	return row{key: key}
}

// apply records item (nil: removed) as key's state at log sequence seq,
// unless the row already holds that write or a later one; it reports
// whether the row changed.
func (t *table) apply(key []byte, seq uint64, item []byte) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	r, ok := t.rows.Get(&row{key: key})
	if ok && r.version >= seq {
		return false
	}
	var old []byte
	oldSize, size := 0, 0
	if ok && r.item != nil {
		old, oldSize = r.item, r.size
		t.items--
		t.size -= int64(oldSize)
	}
	if item != nil {
		size = t.sizeOf(item)
		t.items++
		t.size += int64(size)
	}
	t.rows.Set(&row{key: key, item: item, version: seq, size: size})
	if ok {
		if t.rewritten == nil {
			t.rewritten = map[string]uint64{}
		}
		if _, ok := t.rewritten[string(key)]; !ok {
			t.rewritten[string(key)] = 0
		}
	}
	if len(t.indexes) > 0 {
		o, n := newImage(old, oldSize, t.indexNames), newImage(item, size, t.indexNames)
		for _, ix := range t.indexes {
			ix.replace(key, o, n, t.sizeOf)
		}
	}
	t.advance(seq)
	return true
}

// advance moves the newest applied sequence and wakes stream readers.
// The caller holds t.mu.
func (t *table) advance(seq uint64) {
	if seq <= t.last {
		return
	}
	t.last = seq
	close(t.wake)
	t.wake = make(chan struct{})
}

// waiter returns the newest applied sequence and the channel closed when
// a newer one is applied.
func (t *table) waiter() (uint64, <-chan struct{}) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.last, t.wake
}
