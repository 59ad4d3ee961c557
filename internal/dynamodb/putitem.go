package dynamodb

import (
	"context"
	"encoding/json"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
	"github.com/verge-edge/verge/internal/dynamodb/expr"
)

// putItemInput is a PutItem request.
type putItemInput struct {
	TableName string
	Item      attr.Item
	writeOptions
}

// putItem writes an item whole, replacing any of its key, if its
// condition holds.
func (s *Service) putItem(ctx context.Context, body []byte) (any, error) {
	in, err := decodePutItem(body)
	if err != nil {
		return nil, err
	}
	g, t, err := s.wholeItemWrite(in.TableName, &in.writeOptions)
	if err != nil {
		return nil, err
	}
	if err := checkItem(t, in.Item); err != nil {
		return nil, err
	}
	res, err := s.st.Put(ctx, t.Name, encode(in.Item), g.check)
	if err != nil {
		return nil, g.failed(err, in.ReturnValuesOnConditionCheckFailure)
	}
	var out writeItemOutput
	if wantsCapacity(in.ReturnConsumedCapacity) {
		out.ConsumedCapacity = s.writeCapacity(in.ReturnConsumedCapacity, t.Name, res,
			writeUnits(max(storedSize(res.Old), attr.Size(in.Item))))
	}
	if in.ReturnValues == returnAllOld {
		out.Attributes = res.Old
	}
	out.ItemCollectionMetrics = s.collectionMetrics(in.ReturnItemCollectionMetrics, t, in.Item)
	return out, nil
}

// writeGuard reads a single-item write's condition, expression or
// legacy, through its expression parameters, checking them as AWS does.
func writeGuard(ce *string, expected map[string]expr.ExpectedAttribute, op string, names map[string]string, values map[string]json.RawMessage) (*guard, error) {
	err := checkExprParams(
		[]exprParam{{expr.FieldCondition, ce != nil}},
		[]exprParam{{"Expected", expected != nil}},
		names != nil, values != nil, []string{expr.FieldCondition})
	if err != nil {
		return nil, err
	}
	p, err := params(names, values)
	if err != nil {
		return nil, err
	}
	cond, err := condition(p, ce, expected, op)
	if err != nil {
		return nil, err
	}
	if err := p.Unused(); err != nil {
		return nil, err
	}
	return &guard{cond: cond}, nil
}
