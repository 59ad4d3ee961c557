package dynamodb

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
	"github.com/verge-edge/verge/internal/dynamodb/expr"
	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// A readPlan is how a SELECT reads: a Query of each partition in parts
// (narrowed by sort) or, with no parts, a Scan; filter is the whole WHERE
// clause, checked on every item read.
type readPlan struct {
	index    string
	schema   store.KeySchema
	global   bool
	parts    []attr.Value
	sort     *store.SortCond
	backward bool
	filter   *expr.Node
}

// plan chooses how a SELECT reads.
func (p *prepared) plan() (*readPlan, error) {
	rp := &readPlan{index: p.st.Index, schema: p.t.Key}
	if p.st.Index != "" {
		found := false
		for _, ix := range p.t.Indexes {
			if ix.Name == p.st.Index {
				rp.schema, rp.global, found = ix.Key, !ix.Local, true
			}
		}
		if !found {
			return nil, invalid("The table does not have the specified index: %s", p.st.Index)
		}
	}
	if p.st.Where != nil {
		f, err := p.b.cond(p.st.Where)
		if err != nil {
			return nil, err
		}
		rp.filter = f
	}
	for _, c := range conjuncts(p.st.Where) {
		if err := rp.narrow(p.b, c); err != nil {
			return nil, err
		}
	}
	return rp, p.order(rp)
}

// narrow uses one conjunct of the WHERE clause to narrow the read: an
// equality or IN on the partition key makes it a Query, a condition on
// the sort key narrows the Query.
func (rp *readPlan) narrow(b binder, c *pnode) error {
	pk, sk := rp.schema.Partition, rp.schema.Sort
	if c.Kind == pIn {
		if name, ok := topName(c.Args[0]); ok && name == pk.Name && rp.parts == nil {
			for _, a := range c.Args[1:] {
				if !isValueNode(a) {
					return nil
				}
			}
			for _, a := range c.Args[1:] {
				v, err := b.keyValue(pk, a, true)
				if err != nil {
					return err
				}
				if !slices.ContainsFunc(rp.parts, v.Equal) {
					rp.parts = append(rp.parts, v)
				}
			}
		}
		return nil
	}
	if name, op, v, ok := term(c); ok {
		switch {
		case name == pk.Name && op == "=" && rp.parts == nil:
			pv, err := b.keyValue(pk, v, true)
			if err != nil {
				return err
			}
			rp.parts = []attr.Value{pv}
		case name == sk.Name && sk.Name != "" && op != "<>" && rp.sort == nil:
			sv, err := b.value(v)
			if err != nil {
				return err
			}
			// A value of another type matches no sort key: the filter
			// says so.
			if sv.Type == attrType(sk.Type) {
				rp.sort = &store.SortCond{Op: op, Value: sv.AppendJSON(nil)}
			}
		}
		return nil
	}
	if sk.Name == "" || rp.sort != nil {
		return nil
	}
	switch {
	case c.Kind == pBetween && isValueNode(c.Args[1]) && isValueNode(c.Args[2]):
		if name, ok := topName(c.Args[0]); ok && name == sk.Name {
			lo, err := b.value(c.Args[1])
			if err != nil {
				return err
			}
			hi, err := b.value(c.Args[2])
			if err != nil {
				return err
			}
			if c, ok := attr.Compare(lo, hi); ok && c <= 0 && lo.Type == attrType(sk.Type) {
				rp.sort = &store.SortCond{Op: store.SortBetween, Value: lo.AppendJSON(nil), Value2: hi.AppendJSON(nil)}
			}
		}
	case c.Kind == pFunc && c.Op == "begins_with" && len(c.Args) == 2 && isValueNode(c.Args[1]):
		if name, ok := topName(c.Args[0]); ok && name == sk.Name {
			v, err := b.value(c.Args[1])
			if err != nil {
				return err
			}
			if v.Type == attrType(sk.Type) && v.Type != attr.N {
				rp.sort = &store.SortCond{Op: store.SortBeginsWith, Value: v.AppendJSON(nil)}
			}
		}
	}
	return nil
}

// order checks ORDER BY, which needs a Query and a key attribute.
func (p *prepared) order(rp *readPlan) error {
	if p.st.OrderBy == "" {
		return nil
	}
	if p.st.Where == nil {
		return invalid("Must have WHERE clause in the statement when using ORDER BY clause.")
	}
	if rp.parts == nil {
		return invalid("Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause.")
	}
	if p.st.OrderBy != rp.schema.Partition.Name && p.st.OrderBy != rp.schema.Sort.Name {
		return invalid("Variable reference %s in ORDER BY clause must be part of the primary key", p.st.OrderBy)
	}
	if p.st.OrderBy == rp.schema.Sort.Name {
		rp.backward = p.st.Desc
	}
	return nil
}

// A readPage is one page of a SELECT.
type readPage struct {
	items []attr.Item
	last  json.RawMessage
	next  *pageToken
	bytes int
}

// read reads a page of a SELECT from where tok left off: at most limit
// items evaluated (0: a page's worth).
func (s *Service) read(p *prepared, rp *readPlan, tok pageToken, limit int) (*readPage, error) {
	out := &readPage{}
	start := []byte(tok.Key)
	if len(start) == 0 {
		start = nil
	}
	parts := max(1, len(rp.parts))
	for pi := tok.Partition; pi < parts; pi++ {
		page, err := s.readOne(p, rp, pi, start, limit)
		if err != nil {
			return nil, err
		}
		start = nil
		if err := out.add(page.Items, rp.filter, p.st.Project); err != nil {
			return nil, err
		}
		if page.Last != nil {
			out.last = page.Last
			out.next = &pageToken{Partition: pi, Key: page.Last}
			return out, nil
		}
		if limit > 0 {
			limit -= len(page.Items)
			if limit <= 0 && pi+1 < parts {
				out.next = &pageToken{Partition: pi + 1}
				return out, nil
			}
		}
	}
	return out, nil
}

// readOne reads from partition pi of the plan (or scans).
func (s *Service) readOne(p *prepared, rp *readPlan, pi int, start []byte, limit int) (store.Page, error) {
	if rp.parts == nil {
		return s.st.Scan(store.ScanInput{Table: p.t.Name, Index: rp.index, Limit: limit, Start: start})
	}
	return s.st.Query(store.QueryInput{Table: p.t.Name, Index: rp.index, Partition: rp.parts[pi].AppendJSON(nil),
		Sort: rp.sort, Backward: rp.backward, Limit: limit, Start: start})
}

// add keeps the items that pass filter, projected.
func (rp *readPage) add(raw [][]byte, filter *expr.Node, project []expr.Path) error {
	for _, r := range raw {
		rp.bytes += ItemSize(r)
		item, err := attr.DecodeItem(r)
		if err != nil {
			return err
		}
		if filter != nil && !filter.Eval(item) {
			continue
		}
		if project != nil {
			item = expr.Project(item, project)
		}
		rp.items = append(rp.items, item)
	}
	return nil
}

// getOne reads the single item a SELECT's WHERE clause keys, for batches
// and transactions: nil when there is none or it fails the rest of the
// clause.
func (s *Service) getOne(ctx context.Context, p *prepared) (attr.Item, int, error) {
	key, rest, err := p.b.fullKey(p.t, p.st.Where)
	if err != nil {
		return nil, 0, err
	}
	raw, _, err := s.st.Get(ctx, p.t.Name, encode(key))
	if err != nil || raw == nil {
		return nil, 0, err
	}
	item, err := attr.DecodeItem(raw)
	if err != nil {
		return nil, 0, err
	}
	if rest != nil && !rest.Eval(item) {
		return nil, len(raw), nil
	}
	if p.st.Project != nil {
		item = expr.Project(item, p.st.Project)
	}
	return item, ItemSize(raw), nil
}
