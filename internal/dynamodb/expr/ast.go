package expr

import (
	"strconv"
	"strings"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
)

// A PathElem is one step of a document path: an attribute or map key
// (Name, written as Alias when through a #placeholder) or, when IsIndex,
// a list index.
type PathElem struct {
	Name    string
	Alias   string
	Index   int
	IsIndex bool
}

// A Path is a document path: a top-level attribute name, then map keys
// and list indexes.
type Path []PathElem

// String is the path as written: a.#n[3].
func (p Path) String() string {
	var b strings.Builder
	for i, e := range p {
		switch {
		case e.IsIndex:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(e.Index))
			b.WriteByte(']')
			continue
		case i > 0:
			b.WriteByte('.')
		}
		if e.Alias != "" {
			b.WriteString(e.Alias)
		} else {
			b.WriteString(e.Name)
		}
	}
	return b.String()
}

// describe is the path as AWS's messages show it: [a, b, [3]].
func (p Path) describe() string {
	parts := make([]string, len(p))
	for i, e := range p {
		if e.IsIndex {
			parts[i] = "[" + strconv.Itoa(e.Index) + "]"
		} else {
			parts[i] = e.Name
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// Kind is the kind of a Node.
type Kind uint8

// The kinds of node. Operands are Path, Value, Func (size, if_not_exists,
// list_append) and Arith; conditions are the rest and Func (the boolean
// functions).
const (
	KindPath    Kind = iota + 1 // Path
	KindValue                   // Name is the :placeholder, Value its value
	KindFunc                    // Op is the function name, Args its operands
	KindArith                   // Op is "+" or "-"
	KindCompare                 // Op is =, <>, <, <=, > or >=
	KindBetween                 // Args: operand, lower, upper
	KindIn                      // Args: operand, then the list
	KindAnd
	KindOr
	KindNot
)

// A Node is a node of an expression tree.
type Node struct {
	Kind  Kind
	Op    string
	Args  []*Node
	Path  Path
	Name  string
	Value attr.Value
}

// precedence orders the boolean operators for printing: OR binds
// loosest, NOT tightest, everything else is atomic.
func (n *Node) precedence() int {
	switch n.Kind {
	case KindOr:
		return 1
	case KindAnd:
		return 2
	case KindNot:
		return 3
	}
	return 4
}

// String prints n as a canonical expression that parses back to n.
func (n *Node) String() string {
	var b strings.Builder
	n.print(&b)
	return b.String()
}

func (n *Node) print(b *strings.Builder) {
	switch n.Kind {
	case KindPath:
		b.WriteString(n.Path.String())
	case KindValue:
		b.WriteString(n.Name)
	case KindFunc:
		b.WriteString(n.Op)
		b.WriteByte('(')
		printList(b, n.Args)
		b.WriteByte(')')
	case KindArith, KindCompare:
		n.Args[0].print(b)
		b.WriteString(" " + n.Op + " ")
		n.Args[1].print(b)
	case KindBetween:
		n.Args[0].print(b)
		b.WriteString(" BETWEEN ")
		n.Args[1].print(b)
		b.WriteString(" AND ")
		n.Args[2].print(b)
	case KindIn:
		n.Args[0].print(b)
		b.WriteString(" IN (")
		printList(b, n.Args[1:])
		b.WriteByte(')')
	case KindNot:
		b.WriteString("NOT ")
		n.printChild(b, n.Args[0], n.precedence())
	case KindAnd, KindOr:
		n.printChild(b, n.Args[0], n.precedence())
		b.WriteString(map[Kind]string{KindAnd: " AND ", KindOr: " OR "}[n.Kind])
		// Left-associative: a right child of the same operator needs
		// parentheses to stay on the right.
		n.printChild(b, n.Args[1], n.precedence()+1)
	}
}

// printChild prints c, in parentheses when it binds looser than min.
func (n *Node) printChild(b *strings.Builder, c *Node, min int) {
	if c.precedence() < min {
		b.WriteByte('(')
		c.print(b)
		b.WriteByte(')')
		return
	}
	c.print(b)
}

func printList(b *strings.Builder, args []*Node) {
	for i, a := range args {
		if i > 0 {
			b.WriteString(", ")
		}
		a.print(b)
	}
}
