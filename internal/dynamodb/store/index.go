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
	// unless the projection is ALL, the table key's and NonKey; quoted
	// are them as JSON strings, for projections.
	names  []string
	quoted [][]byte
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
	for _, n := range ix.names {
		q, _ := json.Marshal(n)
		ix.quoted = append(ix.quoted, q)
	}
	return ix
}

// An image is an item as the indexes read it: its bytes, its size, and
// the attributes any index reads, found once for all of them (nil when
// the item is not a readable object).
type image struct {
	item  []byte
	size  int
	attrs map[string]json.RawMessage
}

// newImage reads the attributes names of item (nil: absent).
func newImage(item []byte, size int, names []string) *image {
	if item == nil {
		return nil
	}
	attrs, _ := fields(item, names)
	return &image{item: item, size: size, attrs: attrs}
}

// keyOf is the index key of an item whose table key is tkey, followed by
// tkey; false when the item lacks an index key attribute or has one of
// another type (a sparse index).
func (ix *index) keyOf(tkey []byte, img *image) ([]byte, bool) {
	var k []byte
	for _, a := range ix.cfg.Key.attrs() {
		raw, ok := img.attrs[a.Name]
		if !ok {
			return nil, false
		}
		var err error
		if k, err = appendValue(k, a.Name, a.Type, raw); err != nil {
			return nil, false
		}
	}
	return append(k, tkey...), true
}

// entry is the index row of an item, or nil when it is not in the index.
func (ix *index) entry(tkey []byte, img *image, sizeOf func([]byte) int) *row {
	k, ok := ix.keyOf(tkey, img)
	if !ok {
		return nil
	}
	if ix.cfg.Projection == ProjectionAll {
		return &row{key: k, item: img.item, size: img.size}
	}
	p := ix.project(img.attrs)
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

// project is the JSON object of the members of attrs the index projects,
// in the order of its names.
func (ix *index) project(attrs map[string]json.RawMessage) []byte {
	b := make([]byte, 0, 128)
	b = append(b, '{')
	for i, n := range ix.names {
		v, ok := attrs[n]
		if !ok {
			continue
		}
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = append(append(append(b, ix.quoted[i]...), ':'), v...)
	}
	return append(b, '}')
}

// replace moves the item of table key tkey from old to new (either nil:
// absent) in the index.
func (ix *index) replace(tkey []byte, old, new *image, sizeOf func([]byte) int) {
	if old != nil {
		if k, ok := ix.keyOf(tkey, old); ok {
			if r, ok := ix.rows.Delete(&row{key: k}); ok {
				ix.items--
				ix.size -= int64(r.size)
			}
		}
	}
	if new != nil {
		if e := ix.entry(tkey, new, sizeOf); e != nil {
			ix.rows.Set(e)
			ix.items++
			ix.size += int64(e.size)
		}
	}
}

// fill adds every item of rows to the index (AddIndex's backfill).
func (ix *index) fill(rows *btree.BTreeG[*row], sizeOf func([]byte) int) {
	rows.Scan(func(r *row) bool {
		ix.replace(r.key, nil, newImage(r.item, r.size, ix.names), sizeOf)
		return true
	})
}

// indexNames are the attributes any of indexes reads.
func indexNames(indexes []*index) []string {
	var out []string
	for _, ix := range indexes {
		for _, n := range ix.names {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
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
	t.indexNames = indexNames(t.indexes)
	return t.describeLocked(), nil
}

// An IndexWrite is what one write did to a secondary index: the sizes of
// the index entries it put or deleted (none when the index was left
// alone, two when the item's index key changed: the old entry deleted
// and the new one put).
type IndexWrite struct {
	Index string
	Local bool
	Sizes []int
}

// IndexWrites is what the write res of tableName did to each of the
// table's secondary indexes, the indexes it changed only, found as
// maintaining them finds it: an item is in an index when it has the
// index's key attributes, and its entry is its projection.
func (s *Store) IndexWrites(tableName string, res Result) ([]IndexWrite, error) {
	t, err := s.table(tableName)
	if err != nil {
		return nil, err
	}
	item := res.New
	if item == nil {
		item = res.Old
	}
	if item == nil || len(t.meta.Indexes) == 0 {
		return nil, nil
	}
	key, err := t.meta.Key.itemKey(item)
	if err != nil {
		return nil, err
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	old, new := t.image(res.Old), t.image(res.New)
	var out []IndexWrite
	for _, ix := range t.indexes {
		if sizes := ix.written(key, old, new, t.sizeOf); sizes != nil {
			out = append(out, IndexWrite{Index: ix.cfg.Name, Local: ix.cfg.Local, Sizes: sizes})
		}
	}
	return out, nil
}

// image is item (nil: none) as the table's indexes read it.
func (t *table) image(item []byte) *image {
	if item == nil {
		return nil
	}
	return newImage(item, t.sizeOf(item), t.indexNames)
}

// written is the sizes of the entries replacing old by new (either nil:
// absent) puts or deletes in the index, as DynamoDB counts index writes:
// one to put an item that enters the index or delete one that leaves it,
// two (delete, put) when its index key changes, one when only its
// projection changes, none when its entry is unchanged or it is in the
// index neither before nor after.
func (ix *index) written(tkey []byte, old, new *image, sizeOf func([]byte) int) []int {
	var o, n *row
	if old != nil {
		o = ix.entry(tkey, old, sizeOf)
	}
	if new != nil {
		n = ix.entry(tkey, new, sizeOf)
	}
	switch {
	case o == nil && n == nil:
		return nil
	case o == nil:
		return []int{n.size}
	case n == nil:
		return []int{o.size}
	case !bytes.Equal(o.key, n.key):
		return []int{o.size, n.size}
	case bytes.Equal(o.item, n.item):
		return nil
	}
	return []int{n.size}
}
