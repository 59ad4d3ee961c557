package dynamodb

import (
	"context"
	"encoding/json"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
	"github.com/verge-edge/verge/internal/dynamodb/expr"
	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// updateItemInput is an UpdateItem request.
type updateItemInput struct {
	TableName        string
	Key              attr.Item
	UpdateExpression *string
	AttributeUpdates map[string]expr.AttributeUpdate
	writeOptions
}

// updateItem changes an item's attributes, creating the item when it is
// absent, if its condition holds.
func (s *Service) updateItem(ctx context.Context, body []byte) (any, error) {
	var in updateItemInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	u, g, err := updateParams(in.UpdateExpression, in.AttributeUpdates, in.ConditionExpression, in.Expected,
		in.ConditionalOperator, in.ExpressionAttributeNames, in.ExpressionAttributeValues)
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
	if err := u.checkKeyAttrs(t); err != nil {
		return nil, err
	}
	res, err := s.st.Update(ctx, t.Name, encode(in.Key), u.fn(t, in.Key, g))
	if err != nil {
		return nil, g.failed(err, in.ReturnValuesOnConditionCheckFailure)
	}
	out := writeItemOutput{ConsumedCapacity: s.writeCapacity(in.ReturnConsumedCapacity, t.Name, res, writeUnitsOf(res))}
	out.Attributes, err = u.returned(in.ReturnValues, res)
	out.ItemCollectionMetrics = s.collectionMetrics(in.ReturnItemCollectionMetrics, t, in.Key)
	return out, err
}

// An itemUpdate is an UpdateItem's change: the update, expression or
// legacy, none for a request that only names the key.
type itemUpdate struct {
	u      *expr.Update
	legacy bool
}

// updateParams reads an update's expression parameters (its update and
// condition), checking them as AWS does.
func updateParams(ue *string, updates map[string]expr.AttributeUpdate, ce *string, expected map[string]expr.ExpectedAttribute,
	op string, names map[string]string, values map[string]json.RawMessage) (*itemUpdate, *guard, error) {
	err := checkExprParams(
		[]exprParam{{expr.FieldUpdate, ue != nil}, {expr.FieldCondition, ce != nil}},
		[]exprParam{{"AttributeUpdates", updates != nil}, {"Expected", expected != nil}},
		names != nil, values != nil, []string{expr.FieldUpdate, expr.FieldCondition})
	if err != nil {
		return nil, nil, err
	}
	p, err := params(names, values)
	if err != nil {
		return nil, nil, err
	}
	u := &itemUpdate{}
	switch {
	case ue != nil:
		u.u, err = p.ParseUpdate(*ue)
	case updates != nil:
		u.u, err = expr.AttributeUpdates(updates)
		u.legacy = true
	}
	if err != nil {
		return nil, nil, err
	}
	cond, err := condition(p, ce, expected, op)
	if err != nil {
		return nil, nil, err
	}
	if err := p.Unused(); err != nil {
		return nil, nil, err
	}
	return u, &guard{cond: cond}, nil
}

// checkKeyAttrs refuses an update of a key attribute.
func (u *itemUpdate) checkKeyAttrs(t store.Table) error {
	if u.u == nil {
		return nil
	}
	for _, a := range keyAttrs(t.Key) {
		if u.u.Touches(a.Name) {
			return invalid(msgKeyUpdate, a.Name)
		}
	}
	return nil
}

// fn is the store's update of the item of key, under g's condition: the
// item made by the update, created with its key when absent (but by a
// legacy update that only deletes, which leaves an absent item absent,
// as on AWS).
func (u *itemUpdate) fn(t store.Table, key attr.Item, g *guard) store.UpdateFunc {
	return func(old []byte, exists bool) ([]byte, error) {
		if err := g.check(old, exists); err != nil {
			return nil, err
		}
		item, err := decodeStored(old)
		if err != nil {
			return nil, err
		}
		if item == nil && u.legacy && len(u.u.Set) == 0 && len(u.u.Add) == 0 {
			return nil, nil
		}
		next := item
		if u.u != nil {
			if next, err = u.u.Apply(item); err != nil {
				return nil, err
			}
		}
		if next == nil {
			next = attr.Item{}
		}
		if item == nil {
			next = attr.CloneItem(next)
			for k, v := range key {
				next[k] = v
			}
		}
		if attr.Size(next) > attr.MaxItemSize {
			return nil, invalid(attr.MsgUpdateTooLarge)
		}
		if err := checkItem(t, next); err != nil {
			return nil, err
		}
		return encode(next), nil
	}
}

// returned is the Attributes ReturnValues asks of an update's result.
func (u *itemUpdate) returned(rv string, res store.Result) (json.RawMessage, error) {
	var b []byte
	switch rv {
	case returnAllOld, returnUpdatedOld:
		b = res.Old
	case returnAllNew, returnUpdatedNew:
		b = res.New
	default:
		return nil, nil
	}
	item, err := decodeStored(b)
	if err != nil {
		return nil, err
	}
	if (rv == returnUpdatedOld || rv == returnUpdatedNew) && u.u != nil {
		item = expr.Project(item, u.u.Paths())
	} else if rv == returnUpdatedOld || rv == returnUpdatedNew {
		item = nil
	}
	return wireItem(item), nil
}
