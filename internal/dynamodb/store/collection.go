package store

import (
	"bytes"

	"github.com/tidwall/btree"
)

// CollectionSize is the size in bytes of one item collection: the items
// of the table whose partition key value is pk (wire form, {"S":"a"}),
// and their rows in the table's local secondary indexes. DynamoDB keeps
// such collections under 10 GB and reports their size only for tables
// with local indexes: ok is false for a table without one.
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
		return 0, false, nil
	}
	return size + prefixSize(t.rows, p), true, nil
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
