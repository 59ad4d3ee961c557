package store

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"

	"github.com/tidwall/btree"
)

// An index is a secondary index's materialised state: a B-tree of the
// items that have its key attributes, ordered by the index key's
// encoding then the table key's (so that items with equal index keys are
// distinct, in table key order), each row holding the item's projection.
// It is guarded by its table's lock and changed with every applied write.
type index struct {
	cfg   IndexConfig
	table KeySchema
	rows  *btree.BTreeG[*row]
	items int64
	size  int64
	// names are the attributes read of an item: the index key's, then,
	// unless the projection is ALL, the table key's and NonKey.
	names []string
}

func newIndex(c IndexConfig, table KeySchema) *index {
	if c.Local {
		c.Key.Partition = table.Partition
	}
	ix := &index{cfg: c, table: table, rows: btree.NewBTreeGOptions(lessRow, btree.Options{NoLocks: true})}
	ix.names = c.Key.names()
	if c.Projection != ProjectionAll {
		for _, n := range append(table.names(), c.NonKey...) {
			if !slices.Contains(ix.names, n) {
				ix.names = append(ix.names, n)
			}
		}
		slices.Sort(ix.names[len(c.Key.names()):])
	}
	return ix
}

// keyOf is the index key of an item whose table key is tkey, followed by
// tkey, and the item's attributes the index reads; false when the item
// lacks an index key attribute or has one of another type (a sparse
// index).
func (ix *index) keyOf(tkey, item []byte) ([]byte, map[string]json.RawMessage, bool) {
	attrs, ok := fields(item, ix.names)
	if !ok {
		return nil, nil, false
	}
	var k []byte
	for _, a := range ix.cfg.Key.attrs() {
		raw, ok := attrs[a.Name]
		if !ok {
			return nil, nil, false
		}
		var err error
		if k, err = appendValue(k, a.Name, a.Type, raw); err != nil {
			return nil, nil, false
		}
	}
	return append(k, tkey...), attrs, true
}

// entry is the index row of an item of size size, or nil when the item is
// not in the index.
func (ix *index) entry(tkey, item []byte, size int, sizeOf func([]byte) int) *row {
	k, attrs, ok := ix.keyOf(tkey, item)
	if !ok {
		return nil
	}
	if ix.cfg.Projection == ProjectionAll {
		return &row{key: k, item: item, size: size}
	}
	p := project(attrs, ix.names)
	return &row{key: k, item: p, size: sizeOf(p)}
}

// fields returns the members of item named in names: the fast scanner's
// answer, or encoding/json's when it declines.
func fields(item []byte, names []string) (map[string]json.RawMessage, bool) {
	if m, ok := topLevel(item, names); ok {
		return m, true
	}
	var all map[string]json.RawMessage
	if json.Unmarshal(item, &all) != nil || all == nil {
		return nil, false
	}
	out := make(map[string]json.RawMessage, len(names))
	for _, n := range names {
		if v, ok := all[n]; ok {
			out[n] = v
		}
	}
	return out, true
}

// project is the JSON object of the members of attrs, in the order of
// names.
func project(attrs map[string]json.RawMessage, names []string) []byte {
	b := make([]byte, 0, 64)
	b = append(b, '{')
	for _, n := range names {
		v, ok := attrs[n]
		if !ok {
			continue
		}
		if len(b) > 1 {
			b = append(b, ',')
		}
		q, _ := json.Marshal(n)
		b = append(b, q...)
		b = append(b, ':')
		b = append(b, v...)
	}
	return append(b, '}')
}

// replace moves the item of table key tkey from old to new (either nil:
// absent) in the index.
func (ix *index) replace(tkey, old, new []byte, newSize int, sizeOf func([]byte) int) {
	if old != nil {
		if k, _, ok := ix.keyOf(tkey, old); ok {
			if r, ok := ix.rows.Delete(&row{key: k}); ok {
				ix.items--
				ix.size -= int64(r.size)
			}
		}
	}
	if new != nil {
		if e := ix.entry(tkey, new, newSize, sizeOf); e != nil {
			ix.rows.Set(e)
			ix.items++
			ix.size += int64(e.size)
		}
	}
}

// fill adds every item of rows to the index (AddIndex's backfill).
func (ix *index) fill(rows *btree.BTreeG[*row], sizeOf func([]byte) int) {
	rows.Scan(func(r *row) bool {
		ix.replace(r.key, nil, r.item, r.size, sizeOf)
		return true
	})
}

// decode turns an index row's key into the key map AWS's LastEvaluatedKey
// holds for an index: the index key's attributes and the table key's.
func (ix *index) decode(enc []byte) ([]byte, bool) {
	m := make(map[string]map[string]string, 4)
	rest, ok := ix.cfg.Key.decodeInto(m, enc)
	if !ok {
		return nil, false
	}
	if rest, ok = ix.table.decodeInto(m, rest); !ok || len(rest) != 0 {
		return nil, false
	}
	b, _ := json.Marshal(m)
	return b, true
}

// startOf encodes an ExclusiveStartKey of the index: exactly the index
// key's and the table key's attributes.
func (ix *index) startOf(start []byte) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(start, &m); err != nil || m == nil {
		return nil, fail(CodeValidation, "The provided starting key is invalid")
	}
	names := ix.cfg.Key.names()
	for _, n := range ix.table.names() {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	if len(m) != len(names) {
		return nil, fail(CodeValidation, "The provided starting key is invalid")
	}
	k, err := ix.cfg.Key.encodeKey(m, false)
	if err != nil {
		return nil, startInvalid(err)
	}
	tk, err := ix.table.encodeKey(m, false)
	if err != nil {
		return nil, startInvalid(err)
	}
	return append(k, tk...), nil
}

// startInvalid words a starting key's error as AWS does.
func startInvalid(err error) error {
	msg := "The provided key element does not match the schema"
	if e, ok := err.(*Error); ok && bytes.HasPrefix([]byte(e.Message), []byte("One or more parameter values are not valid.")) {
		msg = e.Message
	}
	return fail(CodeValidation, "The provided starting key is invalid: %s", msg)
}

// validateIndex checks an index's definition against its table's key.
func validateIndex(c IndexConfig, table KeySchema) error {
	if c.Name == "" {
		return fail(CodeValidation, "an index needs a name")
	}
	k := c.Key
	if c.Local {
		if k.Partition.Name != "" && k.Partition != table.Partition {
			return fail(CodeValidation, "local secondary index %s: its partition key must be the table's", c.Name)
		}
		k.Partition = table.Partition
	}
	if err := k.validate(); err != nil {
		return err
	}
	switch c.Projection {
	case ProjectionAll, ProjectionKeysOnly:
	case ProjectionInclude:
	default:
		return fail(CodeValidation, "index %s: projection %q is not one of ALL, KEYS_ONLY, INCLUDE", c.Name, c.Projection)
	}
	return nil
}

// changeIndex adds a global secondary index, filled from the table's items
// before it returns, or deletes one, and persists the table's definition.
// The table's writes wait while an index is filled.
func (s *Store) changeIndex(ctx context.Context, t *table, u TableUpdate) (Table, error) {
	if u.AddIndex != nil && u.DeleteIndex != "" {
		return Table{}, fail(CodeValidation, "One or more parameter values were invalid: Only one global secondary index update per index is allowed simultaneously")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	m := t.meta
	m.Indexes = slices.Clone(m.Indexes)
	var ix *index
	if c := u.AddIndex; c != nil {
		if c.Local {
			return Table{}, fail(CodeValidation, "One or more parameter values were invalid: a local secondary index can only be created with its table")
		}
		if err := validateIndex(*c, m.Key); err != nil {
			return Table{}, err
		}
		if _, err := t.index(c.Name); err == nil {
			return Table{}, fail(CodeValidation, "One or more parameter values were invalid: Index with name %s already exists", c.Name)
		}
		m.Indexes = append(m.Indexes, *c)
		ix = newIndex(*c, m.Key)
		ix.fill(t.rows, t.sizeOf)
	} else {
		i := slices.IndexFunc(m.Indexes, func(c IndexConfig) bool { return c.Name == u.DeleteIndex })
		if i < 0 {
			return Table{}, fail(CodeResourceNotFound, "Requested resource not found: Index: %s not found", u.DeleteIndex)
		}
		if m.Indexes[i].Local {
			return Table{}, fail(CodeValidation, "One or more parameter values were invalid: a local secondary index can only be deleted with its table")
		}
		m.Indexes = slices.Delete(m.Indexes, i, i+1)
	}
	b, _ := json.Marshal(m)
	if _, err := s.kv.Put(ctx, m.Name, b); err != nil {
		return Table{}, fail(CodeInternalServerError, "updating table %s: %v", m.Name, err)
	}
	t.meta.Indexes = m.Indexes
	if ix != nil {
		t.indexes = append(slices.Clip(t.indexes), ix)
	} else {
		t.indexes = slices.DeleteFunc(slices.Clone(t.indexes), func(x *index) bool { return x.cfg.Name == u.DeleteIndex })
	}
	return t.describeLocked(), nil
}
