package expr

import "github.com/verge-edge/verge/internal/dynamodb/attr"

// A KeyTerm is one condition of a key condition: Name Op Values, Op one
// of =, <, <=, >, >=, BETWEEN (two values) or begins_with.
type KeyTerm struct {
	Name   string
	Op     string
	Values []attr.Value
}

// A KeyCondition is a parsed KeyConditionExpression (or translated
// KeyConditions): one or two terms, in written order, each on its own
// top-level attribute.
type KeyCondition struct {
	Terms []KeyTerm
}

// ParseKeyCondition parses a KeyConditionExpression: a condition on the
// partition key and optionally one on the sort key, joined by AND.
func (p *Params) ParseKeyCondition(src string) (*KeyCondition, error) {
	var n *Node
	if err := p.run(FieldKeyCondition, src, modeCondition, func(ps *parser) { n = ps.condition() }); err != nil {
		return nil, err
	}
	kc := &KeyCondition{}
	if err := kc.collect(n); err != nil {
		return nil, err
	}
	return kc, nil
}

// collect flattens ANDs into terms, refusing what a key condition may not
// hold. Its messages, unlike the parser's, carry no "Invalid
// KeyConditionExpression: " prefix, as AWS's do not.
func (kc *KeyCondition) collect(n *Node) error {
	switch n.Kind {
	case KindAnd:
		if err := kc.collect(n.Args[0]); err != nil {
			return err
		}
		return kc.collect(n.Args[1])
	case KindOr, KindNot, KindIn:
		return invalid(msgKeyOperator, map[Kind]string{KindOr: "OR", KindNot: "NOT", KindIn: "IN"}[n.Kind])
	case KindFunc:
		if n.Op != fnBeginsWith {
			return invalid(msgKeyOperator, n.Op)
		}
	case KindCompare:
		if n.Op == "<>" {
			return invalid(msgKeyOperator, n.Op)
		}
	}
	t, err := keyTerm(n)
	if err != nil {
		return err
	}
	for _, u := range kc.Terms {
		if u.Name == t.Name {
			return invalid(msgKeyOnePerKey)
		}
	}
	kc.Terms = append(kc.Terms, t)
	return nil
}

// keyTerm turns a comparison, BETWEEN or begins_with into a term: one
// top-level path against values.
func keyTerm(n *Node) (KeyTerm, error) {
	if n.Kind != KindCompare && n.Args[0].Kind != KindPath {
		op := n.Op
		if n.Kind == KindBetween {
			op = "BETWEEN"
		}
		return KeyTerm{}, invalid(msgKeyFirstOperand, op)
	}
	var path *Node
	var values []attr.Value
	for _, a := range n.Args {
		switch a.Kind {
		case KindPath:
			if path != nil {
				return KeyTerm{}, invalid(msgKeyTwoNames)
			}
			if len(a.Path) != 1 {
				return KeyTerm{}, invalid(msgKeyNested)
			}
			path = a
		case KindValue:
			values = append(values, a.Value)
		default:
			return KeyTerm{}, invalid(msgKeyNestedOperation)
		}
	}
	if path == nil {
		return KeyTerm{}, invalid(msgKeyNoName)
	}
	op := n.Op
	switch {
	case n.Kind == KindBetween:
		op = "BETWEEN"
	case n.Kind == KindCompare && n.Args[0].Kind == KindValue:
		op = mirror[op] // :v < k is k > :v
	}
	return KeyTerm{Name: path.Path[0].Name, Op: op, Values: values}, nil
}

var mirror = map[string]string{"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}

// Resolve checks kc against a table's key schema (rangeKey empty when it
// has none) and returns the partition key's value and the sort key's
// term, if any, as Query needs them.
func (kc *KeyCondition) Resolve(hashKey, rangeKey string) (attr.Value, *KeyTerm, error) {
	var hash attr.Value
	var sort *KeyTerm
	found := false
	for i, t := range kc.Terms {
		switch t.Name {
		case hashKey:
			if t.Op != "=" {
				return attr.Value{}, nil, invalid(msgKeyNotSupported)
			}
			hash, found = t.Values[0], true
		case rangeKey:
			if rangeKey == "" {
				return attr.Value{}, nil, invalid(msgKeyNotSupported)
			}
			sort = &kc.Terms[i]
		default:
			if rangeKey == "" && len(kc.Terms) > 1 {
				// A table without a sort key takes one condition only.
				return attr.Value{}, nil, invalid(msgKeyNotSupported)
			}
			return attr.Value{}, nil, invalid(msgKeyMissed, orHash(found, hashKey, rangeKey))
		}
	}
	if !found {
		return attr.Value{}, nil, invalid(msgKeyMissed, hashKey)
	}
	return hash, sort, nil
}

func orHash(found bool, hashKey, rangeKey string) string {
	if found && rangeKey != "" {
		return rangeKey
	}
	return hashKey
}

// Match reports whether item satisfies every term.
func (kc *KeyCondition) Match(item attr.Item) bool {
	for _, t := range kc.Terms {
		if !t.Match(item[t.Name]) {
			return false
		}
	}
	return true
}

// Match reports whether v satisfies t.
func (t KeyTerm) Match(v attr.Value) bool {
	switch t.Op {
	case "BETWEEN":
		return between(v, t.Values[0], t.Values[1])
	case fnBeginsWith:
		return beginsWith(v, t.Values[0])
	}
	return compare(t.Op, v, t.Values[0])
}
