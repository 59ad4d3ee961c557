package store

import (
	"bytes"
	"hash/fnv"

	"github.com/tidwall/btree"
)

// Sort key comparisons of a Query's key condition.
const (
	SortEQ         = "="
	SortLT         = "<"
	SortLE         = "<="
	SortGT         = ">"
	SortGE         = ">="
	SortBetween    = "BETWEEN"
	SortBeginsWith = "begins_with"
)

// A SortCond restricts a Query to sort keys compared with Value (and
// Value2 for SortBetween), values in wire form ({"N":"3"}).
type SortCond struct {
	Op            string
	Value, Value2 []byte
}

// A QueryInput selects items of one partition in sort key order.
type QueryInput struct {
	Table string
	// Index, when not "", reads that secondary index: the partition and
	// sort key are the index's, and the items its projection.
	Index string
	// Partition is the partition key's value in wire form ({"S":"a"}).
	Partition []byte
	// Sort, when not nil, restricts the sort key.
	Sort *SortCond
	// Backward returns the items in descending sort key order
	// (ScanIndexForward false).
	Backward bool
	// Limit is the most items returned; 0 for no limit but the page's.
	Limit int
	// Start is ExclusiveStartKey: a key map in wire form, or nil.
	Start []byte
}

// A Page is what Query and Scan return: the items read (before any
// filter) in order, and LastEvaluatedKey (nil when the read is complete).
type Page struct {
	Items [][]byte
	Last  []byte
}

// keyRange is a range of encoded keys: within prefix, from lo to hi
// (nil: unbounded), each bound inclusive or not.
type keyRange struct {
	prefix       []byte
	lo, hi       []byte
	loInc, hiInc bool
	begins       []byte // a further prefix keys must have (begins_with)
}

func (r keyRange) contains(k []byte) bool {
	if !bytes.HasPrefix(k, r.prefix) || r.begins != nil && !bytes.HasPrefix(k, r.begins) {
		return false
	}
	if r.lo != nil {
		if c := bytes.Compare(k, r.lo); c < 0 || c == 0 && !r.loInc {
			return false
		}
	}
	if r.hi != nil {
		if c := bytes.Compare(k, r.hi); c > 0 || c == 0 && !r.hiInc {
			return false
		}
	}
	return true
}

// Query reads the items of one partition in sort key order: the table's,
// or with in.Index the index's (its partition and sort key, its rows'
// projections).
func (s *Store) Query(in QueryInput) (Page, error) {
	t, err := s.table(in.Table)
	if err != nil {
		return Page{}, err
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	src, err := t.source(in.Index)
	if err != nil {
		return Page{}, err
	}
	r, err := queryRange(src.key, in)
	if err != nil {
		return Page{}, err
	}
	var start []byte
	if in.Start != nil {
		if start, err = src.start(in.Start); err != nil {
			return Page{}, err
		}
		if !bytes.HasPrefix(start, r.prefix) {
			return Page{}, fail(CodeValidation, "The provided starting key is outside query boundaries based on provided conditions")
		}
	}
	return src.read(r, start, in.Backward, in.Limit, nil), nil
}

// A source is what a read walks: the table's rows or an index's, with the
// key schema its conditions are on, and the ways between its row keys and
// LastEvaluatedKey and ExclusiveStartKey.
type source struct {
	rows  *btree.BTreeG[*row]
	key   KeySchema
	last  func([]byte) ([]byte, bool)
	start func([]byte) ([]byte, error)
}

// source returns the table's source, or index name's ("" for the table).
// The caller holds t.mu.
func (t *table) source(name string) (source, error) {
	if name == "" {
		return source{rows: t.rows, key: t.meta.Key, last: t.meta.Key.decodeKey, start: t.meta.Key.startOf}, nil
	}
	ix, err := t.index(name)
	if err != nil {
		return source{}, err
	}
	return source{rows: ix.rows, key: ix.cfg.Key, last: ix.decode, start: ix.startOf}, nil
}

// queryRange turns a Query's key condition into a range of encoded keys.
func queryRange(ks KeySchema, in QueryInput) (keyRange, error) {
	p, err := ks.partitionOf(in.Partition)
	if err != nil {
		return keyRange{}, err
	}
	r := keyRange{prefix: p}
	if in.Sort == nil {
		return r, nil
	}
	if ks.Sort.Name == "" {
		return keyRange{}, fail(CodeValidation, "Query key condition not supported: the table has no sort key")
	}
	enc := func(v []byte) ([]byte, error) { return appendValue(bytes.Clone(p), ks.Sort.Name, ks.Sort.Type, v) }
	a, err := enc(in.Sort.Value)
	if err != nil {
		return keyRange{}, err
	}
	// Bounds are prefixes: an index's keys go on past the sort key with
	// the table's key.
	switch in.Sort.Op {
	case SortEQ:
		r.begins = a
	case SortLT:
		r.hi = a
	case SortLE:
		r.hi = successor(a)
	case SortGT:
		r.lo, r.loInc = successor(a), true
	case SortGE:
		r.lo, r.loInc = a, true
	case SortBetween:
		b, err := enc(in.Sort.Value2)
		if err != nil {
			return keyRange{}, err
		}
		if bytes.Compare(a, b) > 0 {
			return keyRange{}, fail(CodeValidation, "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound")
		}
		r.lo, r.loInc, r.hi = a, true, successor(b)
	case SortBeginsWith:
		if ks.Sort.Type == TypeN {
			return keyRange{}, fail(CodeValidation, "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N")
		}
		// The value's encoding without its terminator is the prefix of
		// every longer value's.
		r.begins = a[:len(a)-2]
	default:
		return keyRange{}, fail(CodeValidation, "Invalid KeyConditionExpression: unknown operator %q", in.Sort.Op)
	}
	return r, nil
}

// A ScanInput reads a table, or one segment of a parallel scan.
type ScanInput struct {
	Table string
	// Index, when not "", scans that secondary index.
	Index string
	// Segment and TotalSegments split the table for a parallel scan
	// (TotalSegments 0 or 1: the whole table).
	Segment, TotalSegments int
	Limit                  int
	Start                  []byte
}

// Scan reads a table's items in key order (partitions in the order of
// their encoded key), or with in.Index an index's in its key order.
func (s *Store) Scan(in ScanInput) (Page, error) {
	t, err := s.table(in.Table)
	if err != nil {
		return Page{}, err
	}
	if in.TotalSegments > 1000000 || in.TotalSegments < 0 || in.Segment < 0 || in.TotalSegments > 0 && in.Segment >= in.TotalSegments {
		return Page{}, fail(CodeValidation, "Segment must be at least 0 and less than TotalSegments (1 to 1000000)")
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	src, err := t.source(in.Index)
	if err != nil {
		return Page{}, err
	}
	var start []byte
	if in.Start != nil {
		if start, err = src.start(in.Start); err != nil {
			return Page{}, err
		}
	}
	var keep func(k []byte) bool
	if in.TotalSegments > 1 {
		typ := src.key.Partition.Type
		keep = func(k []byte) bool { return segment(typ, k, in.TotalSegments) == in.Segment }
	}
	return src.read(keyRange{}, start, false, in.Limit, keep), nil
}

// segment is the parallel scan segment of an encoded key whose partition
// key is of type typ: a hash of its partition key, so a partition stays
// in one segment.
func segment(typ string, k []byte, total int) int {
	h := fnv.New64a()
	h.Write(k[:partitionLen(typ, k)])
	return int(h.Sum64() % uint64(total))
}

// partitionLen is the length of the encoded partition key at the start of k.
func partitionLen(typ string, k []byte) int {
	var rest []byte
	if typ == TypeN {
		_, rest, _ = readNumber(k)
	} else {
		_, rest, _ = readBytes(k)
	}
	return len(k) - len(rest)
}

// read walks r from after start (nil: its beginning) in either direction,
// returning up to limit items that keep accepts, cut at PageBytes. The
// caller holds the table's lock.
func (src source) read(r keyRange, start []byte, backward bool, limit int, keep func([]byte) bool) Page {
	var page Page
	size := 0
	more := false
	visit := func(rw *row) bool {
		if start != nil && bytes.Equal(rw.key, start) {
			return true
		}
		if !r.contains(rw.key) {
			return !r.past(rw.key, backward)
		}
		if rw.item == nil || keep != nil && !keep(rw.key) {
			return true
		}
		page.Items = append(page.Items, rw.item)
		size += rw.size
		page.Last = rw.key
		// As on AWS, a page ends at the limit or at PageBytes with a
		// LastEvaluatedKey even if nothing follows.
		more = limit > 0 && len(page.Items) == limit || size >= PageBytes
		return !more
	}
	pivot := r.first(backward)
	if start != nil {
		pivot = &row{key: start}
	}
	switch {
	case backward && pivot == nil:
		src.rows.Reverse(visit)
	case backward:
		src.rows.Descend(pivot, visit)
	case pivot == nil:
		src.rows.Scan(visit)
	default:
		src.rows.Ascend(pivot, visit)
	}
	if !more {
		page.Last = nil
	}
	if page.Last != nil {
		page.Last, _ = src.last(page.Last)
	}
	return page
}

// first is where a walk of r starts: its lower bound (upper, backward), or
// nil for the tree's end.
func (r keyRange) first(backward bool) *row {
	switch {
	case backward && r.hi != nil:
		return &row{key: r.hi}
	case backward && r.begins != nil:
		return &row{key: successor(r.begins)}
	case backward && r.prefix != nil:
		return &row{key: successor(r.prefix)}
	case backward:
		return nil
	case r.lo != nil:
		return &row{key: r.lo}
	case r.begins != nil:
		return &row{key: r.begins}
	case r.prefix != nil:
		return &row{key: r.prefix}
	}
	return nil
}

// past reports whether k, outside r, lies beyond r in the walk's
// direction, so that the walk can stop.
func (r keyRange) past(k []byte, backward bool) bool {
	if backward {
		if r.begins != nil && bytes.Compare(k, r.begins) < 0 {
			return true
		}
		if r.lo != nil && bytes.Compare(k, r.lo) < 0 {
			return true
		}
		return r.prefix != nil && bytes.Compare(k, r.prefix) < 0
	}
	if r.hi != nil && bytes.Compare(k, r.hi) > 0 {
		return true
	}
	if r.begins != nil && bytes.Compare(k, r.begins) > 0 && !bytes.HasPrefix(k, r.begins) {
		return true
	}
	return r.prefix != nil && !bytes.HasPrefix(k, r.prefix) && bytes.Compare(k, r.prefix) > 0
}

// successor is the least key above every key that starts with p (nil if
// p is all 0xff: no bound).
func successor(p []byte) []byte {
	s := bytes.Clone(p)
	for len(s) > 0 && s[len(s)-1] == 0xff {
		s = s[:len(s)-1]
	}
	if len(s) == 0 {
		return nil
	}
	s[len(s)-1]++
	return s
}
