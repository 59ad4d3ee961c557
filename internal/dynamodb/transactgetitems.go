package dynamodb

import (
	"context"
	"encoding/json"

	"github.com/verge-edge/verge/internal/dynamodb/expr"
)

// transactGetItemsInput is a TransactGetItems request.
type transactGetItemsInput struct {
	TransactItems          []struct{ Get *transactOp }
	ReturnConsumedCapacity string
}

// transactGetItemsOutput is a TransactGetItems response.
type transactGetItemsOutput struct {
	Responses        []itemResponse
	ConsumedCapacity []*ConsumedCapacity `json:",omitempty"`
}

// itemResponse is one item read: an empty object when there is none.
type itemResponse struct {
	Item json.RawMessage `json:",omitempty"`
}

// A transactGet is a checked Get of a TransactGetItems.
type transactGet struct {
	table string
	key   []byte
	paths []expr.Path
}

// transactGetItems reads up to 100 items of one or more tables, each at
// its latest write, answering in the order asked.
func (s *Service) transactGetItems(ctx context.Context, body []byte) (any, error) {
	var in transactGetItemsInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	gets, err := s.transactGets(in)
	if err != nil {
		return nil, err
	}
	out := transactGetItemsOutput{Responses: make([]itemResponse, len(gets))}
	units := map[string]float64{}
	for i, g := range gets {
		b, _, err := s.st.Get(ctx, g.table, g.key)
		if err != nil {
			return nil, err
		}
		units[g.table] += 2 * readUnits(storedSize(b), true)
		if out.Responses[i].Item, err = projected(b, g.paths); err != nil {
			return nil, err
		}
	}
	for _, name := range sortedNames(units) {
		if c := consumed(in.ReturnConsumedCapacity, name, units[name], 0); c != nil {
			out.ConsumedCapacity = append(out.ConsumedCapacity, c)
		}
	}
	return out, nil
}

// transactGets checks a TransactGetItems request: 1 to 100 Gets, on
// distinct items.
func (s *Service) transactGets(in transactGetItemsInput) ([]transactGet, error) {
	var c constraints
	c.enum("returnConsumedCapacity", in.ReturnConsumedCapacity, enumCapacity)
	c.transactItems(len(in.TransactItems))
	if err := c.err(); err != nil {
		return nil, err
	}
	out := make([]transactGet, len(in.TransactItems))
	seen := map[string]bool{}
	for i, it := range in.TransactItems {
		if it.Get == nil {
			return nil, invalid("The action or operation requested is invalid. Verify that the action is typed correctly.")
		}
		g, err := s.transactGet(it.Get)
		if err != nil {
			return nil, err
		}
		id := g.table + "\x00" + string(g.key)
		if seen[id] {
			return nil, invalid(msgMultipleOnOne)
		}
		seen[id] = true
		out[i] = g
	}
	return out, nil
}

// transactGet checks one Get.
func (s *Service) transactGet(p *transactOp) (transactGet, error) {
	paths, err := readProjection(p.ProjectionExpression, nil, p.ExpressionAttributeNames)
	if err != nil {
		return transactGet{}, err
	}
	t, err := s.table(p.TableName)
	if err != nil {
		return transactGet{}, err
	}
	if err := checkKey(t, p.Key); err != nil {
		return transactGet{}, err
	}
	return transactGet{table: t.Name, key: encode(p.Key), paths: paths}, nil
}
