package expr

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
)

// Resolve returns the value at p in item, and whether there is one.
func Resolve(item attr.Item, p Path) (attr.Value, bool) {
	v, ok := item[p[0].Name]
	for _, e := range p[1:] {
		if !ok {
			return attr.Value{}, false
		}
		switch {
		case e.IsIndex && v.Type == attr.L && e.Index < len(v.L):
			v = v.L[e.Index]
		case !e.IsIndex && v.Type == attr.M:
			v, ok = v.M[e.Name]
		default:
			return attr.Value{}, false
		}
	}
	return v, ok
}

// Eval reports whether item satisfies the condition n. An item that does
// not exist is an empty (or nil) item. Type mismatches make a comparison
// false, never an error, as in DynamoDB.
func (n *Node) Eval(item attr.Item) bool {
	switch n.Kind {
	case KindAnd:
		return n.Args[0].Eval(item) && n.Args[1].Eval(item)
	case KindOr:
		return n.Args[0].Eval(item) || n.Args[1].Eval(item)
	case KindNot:
		return !n.Args[0].Eval(item)
	case KindCompare:
		return compare(n.Op, n.Args[0].operand(item), n.Args[1].operand(item))
	case KindBetween:
		return between(n.Args[0].operand(item), n.Args[1].operand(item), n.Args[2].operand(item))
	case KindIn:
		x := n.Args[0].operand(item)
		for _, a := range n.Args[1:] {
			if compare("=", x, a.operand(item)) {
				return true
			}
		}
		return false
	case KindFunc:
		return n.evalFunc(item)
	}
	return false
}

func (n *Node) evalFunc(item attr.Item) bool {
	x := n.Args[0].operand(item)
	switch n.Op {
	case fnAttributeExists:
		return x.Type != attr.Invalid
	case fnAttributeNotExists:
		return x.Type == attr.Invalid
	}
	y := n.Args[1].operand(item)
	switch n.Op {
	case fnAttributeType:
		return x.Type != attr.Invalid && y.Type == attr.S && x.Type.String() == y.S
	case fnBeginsWith:
		return beginsWith(x, y)
	case fnContains:
		return contains(x, y)
	}
	return false
}

// operand evaluates a condition operand; a missing attribute, or size of
// a value that has none, is the zero Value.
func (n *Node) operand(item attr.Item) attr.Value {
	switch n.Kind {
	case KindValue:
		return n.Value
	case KindPath:
		v, _ := Resolve(item, n.Path)
		return v
	case KindFunc:
		if n.Op == fnSize {
			if s, ok := size(n.Args[0].operand(item)); ok {
				return attr.Num(mustNumber(strconv.Itoa(s)))
			}
		}
	}
	return attr.Value{}
}

func mustNumber(s string) attr.Number {
	n, err := attr.ParseNumber(s)
	if err != nil {
		panic("expr: " + s + " is not a number: " + err.Error())
	}
	return n
}

// compare applies a comparator. = needs both present and equal; <> is its
// negation; orderings need two present values of one of S, N, B.
func compare(op string, a, b attr.Value) bool {
	eq := a.Type != attr.Invalid && a.Equal(b)
	switch op {
	case "=":
		return eq
	case "<>":
		return !eq
	}
	c, ok := attr.Compare(a, b)
	if !ok {
		return false
	}
	switch op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	}
	return false
}

func between(x, lo, hi attr.Value) bool {
	c1, ok1 := attr.Compare(x, lo)
	c2, ok2 := attr.Compare(x, hi)
	return ok1 && ok2 && c1 >= 0 && c2 <= 0
}

func beginsWith(x, p attr.Value) bool {
	switch {
	case x.Type == attr.S && p.Type == attr.S:
		return strings.HasPrefix(x.S, p.S)
	case x.Type == attr.B && p.Type == attr.B:
		return bytes.HasPrefix(x.B, p.B)
	}
	return false
}

// contains: a substring of a string, a member of a set of the operand's
// type, an element of a list.
func contains(x, y attr.Value) bool {
	switch {
	case x.Type == attr.S && y.Type == attr.S:
		return strings.Contains(x.S, y.S)
	case x.Type == attr.SS && y.Type == attr.S, x.Type == attr.NS && y.Type == attr.N:
		return slices.Contains(x.Set, y.S)
	case x.Type == attr.BS && y.Type == attr.B:
		return slices.Contains(x.Set, string(y.B))
	case x.Type == attr.L:
		return slices.ContainsFunc(x.L, y.Equal)
	}
	return false
}

// size is DynamoDB's size(): a string's length in UTF-16 code units (as
// real DynamoDB counts: "é𝄞" is 3), a binary's in bytes, a set's, list's
// or map's number of elements.
func size(v attr.Value) (int, bool) {
	switch v.Type {
	case attr.S:
		n := 0
		for _, r := range v.S {
			n += utf16.RuneLen(r)
		}
		return n, true
	case attr.B:
		return len(v.B), true
	case attr.SS, attr.NS, attr.BS:
		return len(v.Set), true
	case attr.L:
		return len(v.L), true
	case attr.M:
		return len(v.M), true
	}
	return 0, false
}
