package store

import (
	"bytes"

	"github.com/tidwall/btree"
)

// CollectionSize is the size in bytes of one item collection: the items
// of the table whose partition key value is pk (wire form, {"S":"a"}),
// and their rows in the table's local secondary indexes. DynamoDB keeps
// such collections under 10 GB (Options.CollectionLimit) and reports
// their size only for tables with local indexes: ok is false for a table
// without one.
func (s *Store) CollectionSize(tableName string, pk []byte) (size int64, ok bool, err error) {
	t, err := s.table(tableName)
	if err != nil {
		return 0, false, err
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	p, err := t.meta.Key.partitionOf(pk)
	if err != nil {
		return 0, false, err
	}
	size, ok = t.collectionSize(p)
	return size, ok, nil
}

// msgCollectionSize is AWS's message for a write refused by the item
// collection limit, and a cancelled transaction's reason for it.
const msgCollectionSize = "Collection size exceeded"

// errCollectionSize refuses a write that would grow an item collection
// past the limit.
var errCollectionSize = &Error{Code: CodeItemCollectionSizeLimitExceeded, Message: msgCollectionSize}

// collectionSize is the size of the collection whose keys begin with p
// (an encoded partition key value), its rows and its local index rows;
// ok is false when the table has no local index. The caller holds t.mu.
func (t *table) collectionSize(p []byte) (size int64, ok bool) {
	for _, ix := range t.indexes {
		if !ix.cfg.Local {
			continue
		}
		ok = true
		// A local index shares the table's partition key, so its rows
		// of the collection have the same key prefix.
		size += prefixSize(ix.rows, p)
	}
	if !ok {
		return 0, false
	}
	return size + prefixSize(t.rows, p), true
}

// A growth is what writes add to item collections: bytes by table id and
// encoded partition key value, for the writes of one transaction.
type growth map[string]int64

// fits refuses, with errCollectionSize, a write of the item of key from
// old (its row) to item (nil: removed) that grows its item collection,
// along with what grown (nil for none) already adds to it, past limit.
// A write that shrinks a collection always fits, as on AWS; the write's
// growth is added to grown.
func (t *table) fits(key []byte, old row, item []byte, limit int64, grown growth) error {
	if !t.local {
		return nil
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	size := 0
	if item != nil {
		size = t.sizeOf(item)
	}
	n := t.footprint(key, item, size) - t.footprint(key, old.item, old.size)
	p := t.meta.Key.partitionPart(key)
	id := t.meta.ID + "\x00" + string(p)
	prior := grown[id]
	if grown != nil {
		grown[id] += n
	}
	if n <= 0 || t.localSize()+prior+n <= limit {
		return nil // the whole table fits: no collection need be summed
	}
	if c, _ := t.collectionSize(p); c+prior+n > limit {
		return errCollectionSize
	}
	return nil
}

// localSize is the size of the table and its local indexes, the bound
// of any of its item collections. The caller holds t.mu.
func (t *table) localSize() int64 {
	n := t.size
	for _, ix := range t.indexes {
		if ix.cfg.Local {
			n += ix.size
		}
	}
	return n
}

// footprint is what an item of key (nil: none) of size bytes takes of
// its item collection: its row and its local index rows. The caller
// holds t.mu.
func (t *table) footprint(key, item []byte, size int) int64 {
	if item == nil {
		return 0
	}
	n := int64(size)
	img := newImage(item, size, t.indexNames)
	for _, ix := range t.indexes {
		if !ix.cfg.Local {
			continue
		}
		if e := ix.entry(key, img, t.sizeOf); e != nil {
			n += int64(e.size)
		}
	}
	return n
}

// prefixSize sums the sizes of the rows whose keys begin with p.
func prefixSize(rows *btree.BTreeG[*row], p []byte) int64 {
	var n int64
	rows.Ascend(&row{key: p}, func(r *row) bool {
		if !bytes.HasPrefix(r.key, p) {
			return false
		}
		n += int64(r.size)
		return true
	})
	return n
}
