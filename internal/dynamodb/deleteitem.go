package dynamodb

import (
	"context"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
)

// deleteItemInput is a DeleteItem request.
type deleteItemInput struct {
	TableName string
	Key       attr.Item
	writeOptions
}

// deleteItem removes an item, if its condition holds. Removing an absent
// item succeeds and writes nothing.
func (s *Service) deleteItem(ctx context.Context, body []byte) (any, error) {
	var in deleteItemInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	g, t, err := s.wholeItemWrite(in.TableName, &in.writeOptions)
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
	out := writeItemOutput{ConsumedCapacity: s.writeCapacity(in.ReturnConsumedCapacity, t.Name, res, writeUnits(storedSize(res.Old)))}
	if in.ReturnValues == returnAllOld {
		out.Attributes = res.Old
	}
	out.ItemCollectionMetrics = s.collectionMetrics(in.ReturnItemCollectionMetrics, t, in.Key)
	return out, nil
}
