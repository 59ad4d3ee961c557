package dynamodb

import (
	"context"
	"encoding/json"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
	"github.com/verge-edge/verge/internal/dynamodb/expr"
)

// getItemInput is a GetItem request.
type getItemInput struct {
	TableName                string
	Key                      attr.Item
	ProjectionExpression     *string
	ExpressionAttributeNames map[string]string
	AttributesToGet          []string
	ConsistentRead           bool
	ReturnConsumedCapacity   string
}

// getItemOutput is a GetItem response.
type getItemOutput struct {
	Item             json.RawMessage   `json:",omitempty"`
	ConsumedCapacity *ConsumedCapacity `json:",omitempty"`
}

// getItem reads an item, or the attributes of it a projection names.
// Reads are always of the latest write, so ConsistentRead changes only
// the capacity counted.
func (s *Service) getItem(ctx context.Context, body []byte) (any, error) {
	in, err := decodeGetItem(body)
	if err != nil {
		return nil, err
	}
	var c constraints
	c.enum("returnConsumedCapacity", in.ReturnConsumedCapacity, enumCapacity)
	if err := c.err(); err != nil {
		return nil, err
	}
	paths, err := readProjection(in.ProjectionExpression, in.AttributesToGet, in.ExpressionAttributeNames)
	if err != nil {
		return nil, err
	}
	t, err := s.table(in.TableName)
	if err != nil {
		return nil, err
	}
	if err := checkKey(t, in.Key); err != nil {
		return nil, err
	}
	b, _, err := s.st.Get(ctx, t.Name, encode(in.Key))
	if err != nil {
		return nil, err
	}
	var out getItemOutput
	if wantsCapacity(in.ReturnConsumedCapacity) {
		out.ConsumedCapacity = consumed(in.ReturnConsumedCapacity, t.Name, readUnits(storedSize(b), in.ConsistentRead), 0)
	}
	if out.Item, err = projected(b, paths); err != nil {
		return nil, err
	}
	return out.encode(), nil
}

// encode is the response as json.Marshal writes it, but with the item,
// already JSON in the store's compact form, copied as it is rather than
// re-scanned.
func (o getItemOutput) encode() []byte {
	b := make([]byte, 0, len(o.Item)+len(`{"Item":}`)+256)
	b = append(b, '{')
	if o.Item != nil {
		b = append(append(b, `"Item":`...), o.Item...)
	}
	if o.ConsumedCapacity != nil {
		if o.Item != nil {
			b = append(b, ',')
		}
		c, _ := json.Marshal(o.ConsumedCapacity)
		b = append(append(b, `"ConsumedCapacity":`...), c...)
	}
	return append(b, '}')
}

// readProjection reads a read's projection, expression or legacy,
// checking its parameters as AWS does.
func readProjection(pe *string, toGet []string, names map[string]string) ([]expr.Path, error) {
	err := checkExprParams(
		[]exprParam{{expr.FieldProjection, pe != nil}},
		[]exprParam{{"AttributesToGet", toGet != nil}},
		names != nil, false, nil)
	if err != nil {
		return nil, err
	}
	p, err := params(names, nil)
	if err != nil {
		return nil, err
	}
	paths, err := projection(p, pe, toGet)
	if err != nil {
		return nil, err
	}
	return paths, p.Unused()
}

// projected is a stored item cut to paths (all of it when nil), in wire
// form; nil when there is no item.
func projected(b []byte, paths []expr.Path) (json.RawMessage, error) {
	if b == nil || paths == nil {
		return b, nil
	}
	item, err := attr.DecodeItem(b)
	if err != nil {
		return nil, err
	}
	// A projection of an existing item is an Item, even when empty.
	return encode(expr.Project(item, paths)), nil
}
