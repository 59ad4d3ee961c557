package dynamodb

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// maxBatchWrites is the most requests one BatchWriteItem takes.
const maxBatchWrites = 25

// writeRequest is one request of a BatchWriteItem: a put or a delete.
type writeRequest struct {
	PutRequest    *struct{ Item attr.Item }
	DeleteRequest *struct{ Key attr.Item }
}

// batchWriteItemInput is a BatchWriteItem request.
type batchWriteItemInput struct {
	RequestItems                map[string][]writeRequest
	ReturnConsumedCapacity      string
	ReturnItemCollectionMetrics string
}

// batchWriteItemOutput is a BatchWriteItem response.
type batchWriteItemOutput struct {
	UnprocessedItems      map[string][]json.RawMessage
	ConsumedCapacity      []*ConsumedCapacity                 `json:",omitempty"`
	ItemCollectionMetrics map[string][]*ItemCollectionMetrics `json:",omitempty"`
}

// batchWrite is one write of a BatchWriteItem, checked.
type batchWrite struct {
	table string
	key   []byte
	item  []byte // nil: a delete
	// keyAttrs is the key, for the response's ItemCollectionMetrics.
	keyAttrs attr.Item
}

// batchWriteItem puts and deletes up to 25 items of one or more tables,
// each write on its own (a batch is not a transaction); none is left
// unprocessed.
func (s *Service) batchWriteItem(ctx context.Context, body []byte) (any, error) {
	var in batchWriteItemInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	writes, err := s.batchWrites(in)
	if err != nil {
		return nil, err
	}
	units := newCapacityTally(in.ReturnConsumedCapacity)
	for _, w := range writes {
		var res store.Result
		if w.item != nil {
			res, err = s.st.Put(ctx, w.table, w.item, nil)
		} else {
			res, err = s.st.Delete(ctx, w.table, w.key, nil)
		}
		if err != nil {
			return nil, err
		}
		if wantsCapacity(units.mode) {
			s.wrote(units.of(w.table), w.table, res, writeUnits(max(storedSize(res.Old), storedSize(w.item))), 1)
		}
	}
	out := batchWriteItemOutput{UnprocessedItems: map[string][]json.RawMessage{}}
	ws := make([]written, len(writes))
	for i, w := range writes {
		ws[i] = written{table: w.table, item: w.keyAttrs}
	}
	out.ItemCollectionMetrics = s.collectionsMetrics(in.ReturnItemCollectionMetrics, ws)
	slices.Sort(units.order)
	out.ConsumedCapacity = units.list()
	return out, nil
}

// batchWrites checks a BatchWriteItem request and lists its writes,
// tables in name order.
func (s *Service) batchWrites(in batchWriteItemInput) ([]batchWrite, error) {
	var c constraints
	c.enum("returnConsumedCapacity", in.ReturnConsumedCapacity, enumCapacity)
	c.enum("returnItemCollectionMetrics", in.ReturnItemCollectionMetrics, enumMetrics)
	if len(in.RequestItems) == 0 {
		c = append(c, "Value '{}' at 'requestItems' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	count := 0
	for _, reqs := range in.RequestItems {
		if len(reqs) == 0 || len(reqs) > maxBatchWrites {
			// The model's bound on each table's list; AWS leaves the
			// value out of the message.
			return nil, invalid("1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to %d, Member must have length greater than or equal to 1]", maxBatchWrites)
		}
		for _, r := range reqs {
			if (r.PutRequest == nil) == (r.DeleteRequest == nil) {
				return nil, invalid("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes")
			}
			if r.PutRequest != nil {
				if err := attr.CheckSize(r.PutRequest.Item); err != nil {
					return nil, err
				}
			}
		}
		count += len(reqs)
	}
	if count > maxBatchWrites {
		return nil, invalid("Too many items requested for the BatchWriteItem call")
	}
	var out []batchWrite
	for _, name := range sortedNames(in.RequestItems) {
		t, err := s.table(name)
		if err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		for _, r := range in.RequestItems[name] {
			w := batchWrite{table: t.Name}
			var k attr.Item
			if r.PutRequest != nil {
				if err := checkItem(t, r.PutRequest.Item); err != nil {
					return nil, err
				}
				k, w.item = keyOf(t, r.PutRequest.Item), encode(r.PutRequest.Item)
			} else {
				if err := checkKey(t, r.DeleteRequest.Key); err != nil {
					return nil, err
				}
				k = r.DeleteRequest.Key
			}
			w.key, w.keyAttrs = encode(k), k
			if seen[string(w.key)] {
				return nil, invalid(msgDuplicateKeys)
			}
			seen[string(w.key)] = true
			out = append(out, w)
		}
	}
	return out, nil
}

// sortedNames are a map's keys, sorted.
func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
