package dynamodb

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
	"github.com/verge-edge/verge/internal/dynamodb/expr"
	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// BatchGetItem's limits.
const (
	maxBatchGetKeys = 100
	// maxBatchGetBytes is the response size past which the keys left are
	// returned unprocessed.
	maxBatchGetBytes = 16 << 20
)

// keysAndAttributes is what BatchGetItem reads of one table.
type keysAndAttributes struct {
	Keys                     []attr.Item       `json:"Keys"`
	ProjectionExpression     *string           `json:"ProjectionExpression,omitempty"`
	ExpressionAttributeNames map[string]string `json:"ExpressionAttributeNames,omitempty"`
	AttributesToGet          []string          `json:"AttributesToGet,omitempty"`
	ConsistentRead           *bool             `json:"ConsistentRead,omitempty"`
}

// batchGetItemInput is a BatchGetItem request.
type batchGetItemInput struct {
	RequestItems           map[string]*keysAndAttributes
	ReturnConsumedCapacity string
}

// batchGetItemOutput is a BatchGetItem response.
type batchGetItemOutput struct {
	Responses        map[string][]json.RawMessage
	UnprocessedKeys  map[string]*keysAndAttributes
	ConsumedCapacity []*ConsumedCapacity `json:",omitempty"`
}

// batchGetTable is one table of a BatchGetItem, checked.
type batchGetTable struct {
	name  string
	t     store.Table
	req   *keysAndAttributes
	paths []expr.Path
}

// batchGetItem reads up to 100 items of one or more tables. Every key is
// read unless the response would pass 16 MB: the keys left then come
// back as UnprocessedKeys, as on AWS.
func (s *Service) batchGetItem(ctx context.Context, body []byte) (any, error) {
	var in batchGetItemInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	tables, err := s.batchGetTables(in)
	if err != nil {
		return nil, err
	}
	out := batchGetItemOutput{Responses: map[string][]json.RawMessage{}, UnprocessedKeys: map[string]*keysAndAttributes{}}
	total := 0
	for _, bt := range tables {
		out.Responses[bt.name] = []json.RawMessage{}
		consistent := bt.req.ConsistentRead != nil && *bt.req.ConsistentRead
		units := 0.0
		for i, k := range bt.req.Keys {
			b, _, err := s.st.Get(ctx, bt.t.Name, encode(k))
			if err != nil {
				return nil, err
			}
			if b == nil {
				continue
			}
			item, err := projected(b, bt.paths)
			if err != nil {
				return nil, err
			}
			if total+ItemSize(item) > maxBatchGetBytes {
				left := *bt.req
				left.Keys = bt.req.Keys[i:]
				out.UnprocessedKeys[bt.name] = &left
				break
			}
			total += ItemSize(item)
			units += readUnits(ItemSize(b), consistent)
			out.Responses[bt.name] = append(out.Responses[bt.name], item)
		}
		if c := consumed(in.ReturnConsumedCapacity, bt.t.Name, units, 0); c != nil {
			out.ConsumedCapacity = append(out.ConsumedCapacity, c)
		}
	}
	return out, nil
}

// batchGetTables checks a BatchGetItem request and resolves its tables,
// in name order.
func (s *Service) batchGetTables(in batchGetItemInput) ([]batchGetTable, error) {
	var c constraints
	c.enum("returnConsumedCapacity", in.ReturnConsumedCapacity, enumCapacity)
	if len(in.RequestItems) == 0 {
		c = append(c, "Value '{}' at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(in.RequestItems))
	for name := range in.RequestItems {
		names = append(names, name)
	}
	slices.Sort(names)
	var out []batchGetTable
	count := 0
	for _, name := range names {
		req := in.RequestItems[name]
		if req == nil || len(req.Keys) == 0 {
			return nil, invalid("1 validation error detected: "+msgLengthAtLeastOne, "[]", "requestItems."+name+".member.keys")
		}
		paths, err := readProjection(req.ProjectionExpression, req.AttributesToGet, req.ExpressionAttributeNames)
		if err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		for _, k := range req.Keys {
			if seen[keyString(k)] {
				return nil, invalid(msgDuplicateKeys)
			}
			seen[keyString(k)] = true
		}
		if count += len(req.Keys); count > maxBatchGetKeys {
			return nil, invalid("Too many items requested for the BatchGetItem call")
		}
		out = append(out, batchGetTable{name: name, req: req, paths: paths})
	}
	for i := range out {
		t, err := s.table(out[i].name)
		if err != nil {
			return nil, err
		}
		for _, k := range out[i].req.Keys {
			if err := checkKey(t, k); err != nil {
				return nil, err
			}
		}
		out[i].t = t
	}
	return out, nil
}
