package dynamodb

import (
	"context"
	"encoding/json"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
	"github.com/verge-edge/verge/internal/dynamodb/expr"
)

// deleteItemInput is a DeleteItem request.
type deleteItemInput struct {
	TableName                           string
	Key                                 attr.Item
	ConditionExpression                 *string
	ExpressionAttributeNames            map[string]string
	ExpressionAttributeValues           map[string]json.RawMessage
	Expected                            map[string]expr.ExpectedAttribute
	ConditionalOperator                 string
	ReturnValues                        string
	ReturnValuesOnConditionCheckFailure string
	ReturnConsumedCapacity              string
	ReturnItemCollectionMetrics         string
}

// deleteItem removes an item, if its condition holds. Removing an absent
// item succeeds and writes nothing.
func (s *Service) deleteItem(ctx context.Context, body []byte) (any, error) {
	var in deleteItemInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var c constraints
	c.enum("returnValues", in.ReturnValues, enumReturnValues)
	c.enum("returnConsumedCapacity", in.ReturnConsumedCapacity, enumCapacity)
	c.enum("returnItemCollectionMetrics", in.ReturnItemCollectionMetrics, enumMetrics)
	c.enum("returnValuesOnConditionCheckFailure", in.ReturnValuesOnConditionCheckFailure, enumOnConditionCheck)
	c.enum("conditionalOperator", in.ConditionalOperator, enumOperator)
	if err := c.err(); err != nil {
		return nil, err
	}
	if in.ReturnValues != "" && in.ReturnValues != returnNone && in.ReturnValues != returnAllOld {
		return nil, invalid(msgReturnValues)
	}
	g, err := writeGuard(in.ConditionExpression, in.Expected, in.ConditionalOperator, in.ExpressionAttributeNames, in.ExpressionAttributeValues)
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
	res, err := s.st.Delete(ctx, t.Name, encode(in.Key), g.check)
	if err != nil {
		return nil, g.failed(err, in.ReturnValuesOnConditionCheckFailure)
	}
	out := putItemOutput{ConsumedCapacity: consumed(in.ReturnConsumedCapacity, t.Name, 0, writeUnits(storedSize(res.Old)))}
	if in.ReturnValues == returnAllOld {
		out.Attributes = res.Old
	}
	return out, nil
}
