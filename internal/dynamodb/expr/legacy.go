package expr

import (
	"slices"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
)

// An ExpectedAttribute is one entry of the legacy Expected parameter:
// either Value and/or Exists, or ComparisonOperator with
// AttributeValueList.
type ExpectedAttribute struct {
	Value              *attr.Value  `json:"Value,omitempty"`
	Exists             *bool        `json:"Exists,omitempty"`
	ComparisonOperator string       `json:"ComparisonOperator,omitempty"`
	AttributeValueList []attr.Value `json:"AttributeValueList,omitempty"`
}

// A Condition is one entry of the legacy KeyConditions, QueryFilter and
// ScanFilter parameters.
type Condition struct {
	ComparisonOperator string       `json:"ComparisonOperator"`
	AttributeValueList []attr.Value `json:"AttributeValueList,omitempty"`
}

// An AttributeUpdate is one entry of the legacy AttributeUpdates
// parameter; Action is PUT (the default), ADD or DELETE.
type AttributeUpdate struct {
	Value  *attr.Value `json:"Value,omitempty"`
	Action string      `json:"Action,omitempty"`
}

// Expected translates the legacy Expected parameter and its
// ConditionalOperator ("", AND or OR) into a condition tree.
func Expected(expected map[string]ExpectedAttribute, conditionalOperator string) (*Node, error) {
	var terms []*Node
	for _, name := range sortedKeys(expected) {
		t, err := expectedTerm(name, expected[name])
		if err != nil {
			return nil, err
		}
		terms = append(terms, t)
	}
	return join(terms, conditionalOperator)
}

func expectedTerm(name string, e ExpectedAttribute) (*Node, error) {
	exists := e.Exists == nil || *e.Exists
	switch {
	case e.ComparisonOperator != "" && e.Exists != nil:
		return nil, invalid(msgExistsAndOperator, name)
	case e.ComparisonOperator != "" && e.Value != nil && e.AttributeValueList != nil:
		return nil, invalid(msgValueAndList, name)
	case e.ComparisonOperator != "":
		// With an operator, Value is the one-element list.
		list := e.AttributeValueList
		if e.Value != nil {
			list = []attr.Value{*e.Value}
		}
		return legacyTerm(name, Condition{ComparisonOperator: e.ComparisonOperator, AttributeValueList: list})
	case e.AttributeValueList != nil:
		return nil, invalid(msgValueListNoOperator, name)
	case !exists && e.Value != nil:
		return nil, invalid(msgValueWithNotExists, name)
	case !exists:
		return call(fnAttributeNotExists, pathNode(name)), nil
	case e.Value == nil && e.Exists == nil:
		return nil, invalid(msgValueNeededNull, name)
	case e.Value == nil:
		return nil, invalid(msgValueNeeded, name)
	}
	return &Node{Kind: KindCompare, Op: "=", Args: []*Node{pathNode(name), valueNode(*e.Value)}}, nil
}

// Filter translates QueryFilter or ScanFilter and its
// ConditionalOperator into a condition tree.
func Filter(filter map[string]Condition, conditionalOperator string) (*Node, error) {
	var terms []*Node
	for _, name := range sortedKeys(filter) {
		t, err := legacyTerm(name, filter[name])
		if err != nil {
			return nil, err
		}
		terms = append(terms, t)
	}
	return join(terms, conditionalOperator)
}

// join combines terms with AND or OR; no terms is no condition (nil).
func join(terms []*Node, op string) (*Node, error) {
	kind := KindAnd
	switch op {
	case "", "AND":
	case "OR":
		kind = KindOr
	default:
		return nil, invalid(msgBadConditionalOp, op)
	}
	if len(terms) == 0 {
		return nil, nil
	}
	n := terms[0]
	for _, t := range terms[1:] {
		n = &Node{Kind: kind, Args: []*Node{n, t}}
	}
	return n, nil
}

// operandClass is which types a legacy operator's values may have.
type operandClass uint8

const (
	anyValue    operandClass = iota
	noDocument               // not a list or map
	scalarValue              // S, N or B
)

// operatorArgs is how many values each legacy operator takes (-1: one or
// more) and of which types.
var operatorArgs = map[string]struct {
	count int
	class operandClass
}{
	"EQ": {1, noDocument}, "NE": {1, noDocument}, "LE": {1, scalarValue}, "LT": {1, scalarValue},
	"GE": {1, scalarValue}, "GT": {1, scalarValue}, "BETWEEN": {2, scalarValue},
	"IN": {-1, scalarValue}, "NOT_NULL": {0, anyValue}, "NULL": {0, anyValue},
	"CONTAINS": {1, scalarValue}, "NOT_CONTAINS": {1, scalarValue}, "BEGINS_WITH": {1, scalarValue},
}

// allows reports whether a value of type t may be an operand of class c.
func (c operandClass) allows(t attr.Type) bool {
	switch c {
	case noDocument:
		return t != attr.L && t != attr.M
	case scalarValue:
		return t == attr.S || t == attr.N || t == attr.B
	}
	return true
}

var legacyComparators = map[string]string{"EQ": "=", "NE": "<>", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">"}

// legacyTerm translates one ComparisonOperator condition on name.
func legacyTerm(name string, c Condition) (*Node, error) {
	op := c.ComparisonOperator
	spec, ok := operatorArgs[op]
	if !ok {
		return nil, invalid(msgUnknownOperator, op)
	}
	args := c.AttributeValueList
	if spec.count >= 0 && len(args) != spec.count || spec.count < 0 && len(args) == 0 {
		return nil, invalid(msgArgCount, op)
	}
	for _, v := range args {
		if !spec.class.allows(v.Type) {
			return nil, invalid(msgOperatorType, op, v.Type)
		}
		if op == "BEGINS_WITH" && v.Type == attr.N {
			return nil, invalid(msgOperatorType, op, v.Type)
		}
	}
	path := pathNode(name)
	switch op {
	case "NOT_NULL":
		return call(fnAttributeExists, path), nil
	case "NULL":
		return call(fnAttributeNotExists, path), nil
	case "CONTAINS":
		return call(fnContains, path, valueNode(args[0])), nil
	case "NOT_CONTAINS":
		// A missing attribute contains nothing, but legacy NOT_CONTAINS
		// matches only attributes that exist.
		return &Node{Kind: KindAnd, Args: []*Node{call(fnAttributeExists, path), {Kind: KindNot, Args: []*Node{call(fnContains, pathNode(name), valueNode(args[0]))}}}}, nil
	case "BEGINS_WITH":
		return call(fnBeginsWith, path, valueNode(args[0])), nil
	case "BETWEEN":
		return &Node{Kind: KindBetween, Args: []*Node{path, valueNode(args[0]), valueNode(args[1])}}, nil
	case "IN":
		n := &Node{Kind: KindIn, Args: []*Node{path}}
		for _, v := range args {
			n.Args = append(n.Args, valueNode(v))
		}
		return n, nil
	}
	return &Node{Kind: KindCompare, Op: legacyComparators[op], Args: []*Node{path, valueNode(args[0])}}, nil
}

// KeyConditions translates the legacy KeyConditions parameter.
func KeyConditions(conds map[string]Condition) (*KeyCondition, error) {
	if len(conds) == 0 || len(conds) > 2 {
		return nil, invalid(msgKeyConditionsCount)
	}
	kc := &KeyCondition{}
	for _, name := range sortedKeys(conds) {
		c := conds[name]
		spec, ok := operatorArgs[c.ComparisonOperator]
		if !ok {
			return nil, invalid(msgUnknownOperator, c.ComparisonOperator)
		}
		if n := len(c.AttributeValueList); spec.count >= 0 && n != spec.count || spec.count < 0 && n == 0 {
			return nil, invalid(msgKeyArgCount)
		}
		op, ok := legacyComparators[c.ComparisonOperator]
		switch c.ComparisonOperator {
		case "BETWEEN":
			op, ok = "BETWEEN", true
		case "BEGINS_WITH":
			op, ok = fnBeginsWith, true
		case "NE":
			ok = false
		}
		if !ok {
			return nil, invalid(msgNotIndexable)
		}
		kc.Terms = append(kc.Terms, KeyTerm{Name: name, Op: op, Values: c.AttributeValueList})
	}
	return kc, nil
}

// AttributesToGet translates the legacy AttributesToGet parameter into
// projection paths (top-level names, taken literally).
func AttributesToGet(names []string) ([]Path, error) {
	paths := make([]Path, 0, len(names))
	for i, n := range names {
		if slices.Contains(names[:i], n) {
			return nil, invalid(msgDuplicateName, n)
		}
		paths = append(paths, Path{{Name: n}})
	}
	return paths, nil
}

// AttributeUpdates translates the legacy AttributeUpdates parameter: PUT
// is SET, DELETE without a value REMOVE, DELETE with a set DELETE, ADD of
// a number or set ADD, and ADD of a list appends to the list (an absent
// one taken as empty).
func AttributeUpdates(updates map[string]AttributeUpdate) (*Update, error) {
	u := &Update{legacy: true}
	for _, name := range sortedKeys(updates) {
		a := updates[name]
		path := Path{{Name: name}}
		action := a.Action
		if action == "" {
			action = "PUT"
		}
		if a.Value == nil {
			if action != "DELETE" {
				if action != "PUT" && action != "ADD" {
					return nil, invalid(msgBadAction, action, name)
				}
				return nil, invalid(msgNoValueAction)
			}
			u.Remove = append(u.Remove, Action{Path: path})
			continue
		}
		v := *a.Value
		switch {
		case action == "PUT":
			u.Set = append(u.Set, Action{Path: path, Value: valueNode(v)})
		case action == "ADD" && (v.Type == attr.N || v.Type.IsSet()):
			u.Add = append(u.Add, Action{Path: path, Value: valueNode(v)})
		case action == "ADD" && v.Type == attr.L:
			empty := valueNode(attr.List())
			prior := call(fnIfNotExists, pathNode(name), empty)
			u.Set = append(u.Set, Action{Path: path, Value: call(fnListAppend, prior, valueNode(v))})
		case action == "DELETE" && v.Type.IsSet():
			u.Delete = append(u.Delete, Action{Path: path, Value: valueNode(v)})
		case action == "ADD" || action == "DELETE":
			return nil, invalid(msgActionType, action, v.Type)
		default:
			return nil, invalid(msgBadAction, action, name)
		}
	}
	return u, nil
}

func pathNode(name string) *Node { return &Node{Kind: KindPath, Path: Path{{Name: name}}} }

// valueNode is a constant operand; legacy values have no placeholder, so
// it prints as ":legacy".
func valueNode(v attr.Value) *Node { return &Node{Kind: KindValue, Name: ":legacy", Value: v} }

func call(fn string, args ...*Node) *Node { return &Node{Kind: KindFunc, Op: fn, Args: args} }
