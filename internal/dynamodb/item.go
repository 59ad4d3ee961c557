package dynamodb

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
	"github.com/verge-edge/verge/internal/dynamodb/expr"
	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// ReturnValues' values.
const (
	returnNone       = "NONE"
	returnAllOld     = "ALL_OLD"
	returnUpdatedOld = "UPDATED_OLD"
	returnAllNew     = "ALL_NEW"
	returnUpdatedNew = "UPDATED_NEW"
)

// AWS's messages for the item operations, word for word.
const (
	msgReturnValues     = "Return values set to invalid value"
	msgNamesNoExpr      = "ExpressionAttributeNames can only be specified when using expressions"
	msgValuesNoExpr     = "ExpressionAttributeValues can only be specified when using expressions: %s"
	msgMixed            = "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {%s} Expression parameters: {%s}"
	msgKeyUpdate        = "One or more parameter values were invalid: Cannot update attribute %s. This attribute is part of the key"
	msgDuplicateKeys    = "Provided list of item keys contains duplicates"
	msgMultipleOnOne    = "Transaction request cannot include multiple operations on one item"
	msgEnum             = "Value '%s' at '%s' failed to satisfy constraint: Member must satisfy enum value set: [%s]"
	msgLengthAtLeastOne = "Value '%s' at '%s' failed to satisfy constraint: Member must have length greater than or equal to 1"
)

// Enumerations the item operations check, in the order AWS lists them.
var (
	enumReturnValues     = []string{returnAllNew, returnUpdatedOld, returnAllOld, returnNone, returnUpdatedNew}
	enumCapacity         = []string{CapacityIndexes, CapacityTotal, CapacityNone}
	enumMetrics          = []string{"SIZE", "NONE"}
	enumOnConditionCheck = []string{returnAllOld, returnNone}
	enumOperator         = []string{"OR", "AND"}
)

// writeItemOutput is the response of PutItem, UpdateItem and DeleteItem.
type writeItemOutput struct {
	Attributes            json.RawMessage        `json:",omitempty"`
	ConsumedCapacity      *ConsumedCapacity      `json:",omitempty"`
	ItemCollectionMetrics *ItemCollectionMetrics `json:",omitempty"`
}

// constraints collects the failed member constraints of a request, which
// AWS reports together ("2 validation errors detected: …; …").
type constraints []string

// enum records a value outside its enumeration; "" is an absent member.
func (c *constraints) enum(field, v string, set []string) {
	if v == "" {
		return
	}
	for _, s := range set {
		if v == s {
			return
		}
	}
	*c = append(*c, fmt.Sprintf(msgEnum, v, field, strings.Join(set, ", ")))
}

// err is the ValidationException of the constraints, or nil.
func (c constraints) err() error {
	switch len(c) {
	case 0:
		return nil
	case 1:
		return invalid("1 validation error detected: %s", c[0])
	}
	return invalid("%d validation errors detected: %s", len(c), strings.Join(c, "; "))
}

// exprParam is a request parameter, expression or legacy, and whether
// the request sets it.
type exprParam struct {
	name string
	set  bool
}

// checkExprParams refuses, as AWS does before parsing anything, a request
// that mixes expression and legacy parameters, or gives names or values
// with no expression to use them. valueExprs are the expressions that
// take values (ProjectionExpression takes none).
func checkExprParams(exprs, legacy []exprParam, names, values bool, valueExprs []string) error {
	var e, l []string
	for _, p := range exprs {
		if p.set {
			e = append(e, p.name)
		}
	}
	for _, p := range legacy {
		if p.set {
			l = append(l, p.name)
		}
	}
	if len(e) > 0 && len(l) > 0 {
		return invalid(msgMixed, strings.Join(l, ", "), strings.Join(e, ", "))
	}
	if names && len(e) == 0 {
		return invalid(msgNamesNoExpr)
	}
	if values && len(valueExprs) > 0 {
		for _, p := range exprs {
			if p.set && p.name != expr.FieldProjection {
				return nil
			}
		}
		verb := "is"
		if len(valueExprs) > 1 {
			verb = "are"
		}
		return invalid(msgValuesNoExpr, strings.Join(valueExprs, " and ")+" "+verb+" null")
	}
	return nil
}

// condition is a write's condition: its ConditionExpression parsed
// through p, or its legacy Expected translated; nil when it has neither.
func condition(p *expr.Params, ce *string, expected map[string]expr.ExpectedAttribute, op string) (*expr.Node, error) {
	switch {
	case ce != nil:
		return p.ParseCondition(expr.FieldCondition, *ce)
	case expected != nil:
		return expr.Expected(expected, op)
	}
	return nil, nil
}

// projection is a read's projection: its ProjectionExpression parsed
// through p, or its legacy AttributesToGet; nil for the whole item.
func projection(p *expr.Params, pe *string, toGet []string) ([]expr.Path, error) {
	switch {
	case pe != nil:
		return p.ParseProjection(*pe)
	case toGet != nil:
		if len(toGet) == 0 {
			return nil, invalid("1 validation error detected: "+msgLengthAtLeastOne, "[]", "attributesToGet")
		}
		return expr.AttributesToGet(toGet)
	}
	return nil, nil
}

// A guard is a write's condition as the store evaluates it. It keeps the
// item the condition last saw, for ReturnValuesOnConditionCheckFailure.
type guard struct {
	cond *expr.Node
	seen []byte
}

// check is the store.Cond of g.
func (g *guard) check(old []byte, _ bool) error {
	g.seen = old
	if g.cond == nil {
		return nil
	}
	item, err := decodeStored(old)
	if err != nil {
		return err
	}
	if !g.cond.Eval(item) {
		return store.ErrConditionFailed
	}
	return nil
}

// failed turns a refused condition into AWS's
// ConditionalCheckFailedException, with the item it saw when onFailure
// is ALL_OLD; other errors pass.
func (g *guard) failed(err error, onFailure string) error {
	if !errors.Is(err, store.ErrConditionFailed) {
		return err
	}
	e := &Error{Code: CodeConditionalCheckFailed, Message: msgConditionFailed}
	if onFailure == returnAllOld && g.seen != nil {
		e.Item = g.seen
	}
	return e
}

// decodeStored decodes an item as the store keeps it; nil is no item.
func decodeStored(b []byte) (attr.Item, error) {
	if b == nil {
		return nil, nil
	}
	return attr.DecodeItem(b)
}

// storedSize is the size DynamoDB counts of a stored item, 0 for none.
func storedSize(b []byte) int {
	if b == nil {
		return 0
	}
	return ItemSize(b)
}

// wireItem is an item of a response: nil when there is none or it is
// empty, so that the member is left out.
func wireItem(item attr.Item) json.RawMessage {
	if len(item) == 0 {
		return nil
	}
	return encode(item)
}

// keyString is a key's identity, for finding duplicates: its wire form
// with attributes sorted and numbers canonical.
func keyString(key attr.Item) string { return string(encode(key)) }

// writeOptions are the members PutItem, UpdateItem and DeleteItem share:
// the condition, its parameters, and what to return.
type writeOptions struct {
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

// check checks the options' enumerations, as AWS's model does.
func (o *writeOptions) check() error {
	var c constraints
	c.enum("returnValues", o.ReturnValues, enumReturnValues)
	c.enum("returnConsumedCapacity", o.ReturnConsumedCapacity, enumCapacity)
	c.enum("returnItemCollectionMetrics", o.ReturnItemCollectionMetrics, enumMetrics)
	c.enum("returnValuesOnConditionCheckFailure", o.ReturnValuesOnConditionCheckFailure, enumOnConditionCheck)
	c.enum("conditionalOperator", o.ConditionalOperator, enumOperator)
	return c.err()
}

// guard is the write's condition (writeGuard of the options).
func (o *writeOptions) guard() (*guard, error) {
	return writeGuard(o.ConditionExpression, o.Expected, o.ConditionalOperator, o.ExpressionAttributeNames, o.ExpressionAttributeValues)
}

// wholeItemWrite reads what PutItem and DeleteItem, which return at most
// the old item, check before writing: the options, the condition and the
// table.
func (s *Service) wholeItemWrite(table string, o *writeOptions) (*guard, store.Table, error) {
	if err := o.check(); err != nil {
		return nil, store.Table{}, err
	}
	if o.ReturnValues != "" && o.ReturnValues != returnNone && o.ReturnValues != returnAllOld {
		return nil, store.Table{}, invalid(msgReturnValues)
	}
	g, err := o.guard()
	if err != nil {
		return nil, store.Table{}, err
	}
	t, err := s.table(table)
	return g, t, err
}
