package expr

import (
	"strings"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
)

// An Action is one action of an update: the path it changes and, but for
// REMOVE, its operand (for SET a value expression, for ADD and DELETE a
// :value).
type Action struct {
	Path  Path
	Value *Node
}

// An Update is a parsed UpdateExpression (or translated
// AttributeUpdates): its actions by clause, each in written order.
type Update struct {
	Set, Remove, Add, Delete []Action

	legacy bool // from AttributeUpdates: type errors say so
}

// clauses names the sections in the order String prints them.
var clauses = [...]string{"SET", "REMOVE", "ADD", "DELETE"}

func (u *Update) clause(i int) *[]Action {
	return [...]*[]Action{&u.Set, &u.Remove, &u.Add, &u.Delete}[i]
}

// ParseUpdate parses an UpdateExpression.
func (p *Params) ParseUpdate(src string) (*Update, error) {
	u := &Update{}
	err := p.run(FieldUpdate, src, modeUpdate, func(ps *parser) {
		ps.updateClauses(u)
		ps.checkOverlaps()
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// updateClauses := clause {clause}, each of SET, REMOVE, ADD, DELETE at
// most once.
func (ps *parser) updateClauses(u *Update) {
	seen := [len(clauses)]bool{}
	for {
		i := clauseIndex(ps.peek())
		if i < 0 {
			ps.syntaxError()
		}
		ps.next()
		if seen[i] {
			ps.fail(catSection, msgClauseTwice, clauses[i])
		}
		seen[i] = true
		dst := u.clause(i)
		*dst = append(*dst, ps.action(clauses[i]))
		for ps.isPunct(",") {
			ps.next()
			*dst = append(*dst, ps.action(clauses[i]))
		}
		if ps.peek().kind == tokEOF {
			return
		}
	}
}

func clauseIndex(t token) int {
	if t.kind != tokIdent {
		return -1
	}
	for i, c := range clauses {
		if strings.EqualFold(t.text, c) {
			return i
		}
	}
	return -1
}

// action parses one action of clause.
func (ps *parser) action(clause string) Action {
	if ps.peek().kind != tokIdent && ps.peek().kind != tokName {
		ps.syntaxError()
	}
	a := Action{Path: ps.path()}
	ps.paths = append(ps.paths, a.Path)
	switch clause {
	case "SET":
		ps.expect("=")
		a.Value = ps.setValue()
	case "ADD", "DELETE":
		if ps.peek().kind != tokValue {
			ps.syntaxError()
		}
		a.Value = ps.value()
		ps.checkAddDelete(clause, a.Value.Value)
	}
	return a
}

// longTypeNames are the type names AWS's ADD and DELETE messages use.
var longTypeNames = map[attr.Type]string{
	attr.S: "STRING", attr.N: "NUMBER", attr.B: "BINARY", attr.NULL: "NULL",
	attr.BOOL: "BOOLEAN", attr.L: "LIST", attr.M: "MAP",
}

// checkAddDelete refuses a constant ADD cannot add or DELETE cannot
// delete.
func (ps *parser) checkAddDelete(clause string, v attr.Value) {
	ok := v.Type.IsSet() || v.Type == attr.Invalid || clause == "ADD" && v.Type == attr.N
	if !ok {
		ps.fail(catUpdateOperand, msgUpdateOperandType, clause, longTypeNames[v.Type])
	}
}

// setValue := ( setValue ) | setOperand [ (+|-) setOperand ].
func (ps *parser) setValue() *Node {
	if ps.isPunct("(") {
		ps.next()
		n := ps.setValue()
		ps.expect(")")
		return n
	}
	l := ps.setOperand()
	if ps.isPunct("+") || ps.isPunct("-") {
		op := ps.next().text
		n := &Node{Kind: KindArith, Op: op, Args: []*Node{l, ps.setOperand()}}
		for _, a := range n.Args {
			if a.Kind == KindValue && a.Value.Type != attr.N && a.Value.Type != attr.Invalid {
				ps.fail(catFunction, msgOperandType, op, a.Value.Type)
			}
		}
		return n
	}
	return l
}

// setOperand := ( setOperand ) | path | :value | function.
func (ps *parser) setOperand() *Node {
	if ps.isPunct("(") {
		ps.next()
		n := ps.setOperand()
		ps.expect(")")
		return n
	}
	n := ps.operandOrCall()
	return n
}

// checkOverlaps refuses two paths one of which is a prefix of the other
// (overlap) or that part at a step where one names a key and the other an
// index (conflict).
func (ps *parser) checkOverlaps() {
	for i, p := range ps.paths {
		for _, q := range ps.paths[:i] {
			if cat, msg := relation(q, p); msg != "" {
				ps.fail(cat, msg, q.describe(), p.describe())
			}
		}
	}
}

func relation(p, q Path) (category, string) {
	for i := 0; i < len(p) && i < len(q); i++ {
		a, b := p[i], q[i]
		if a.IsIndex != b.IsIndex {
			return catConflict, msgConflict
		}
		if a.Name != b.Name || a.Index != b.Index {
			return 0, ""
		}
	}
	return catOverlap, msgOverlap
}

// String prints u as a canonical UpdateExpression.
func (u *Update) String() string {
	var b strings.Builder
	for i, name := range clauses {
		actions := *u.clause(i)
		if len(actions) == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(name)
		for j, a := range actions {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteByte(' ')
			b.WriteString(a.Path.String())
			switch {
			case name == "SET":
				b.WriteString(" = " + a.Value.String())
			case a.Value != nil:
				b.WriteString(" " + a.Value.String())
			}
		}
	}
	return b.String()
}

// Touches reports whether u changes the top-level attribute name, so
// that UpdateItem can refuse updates to key attributes.
func (u *Update) Touches(name string) bool {
	for _, p := range u.Paths() {
		if p[0].Name == name {
			return true
		}
	}
	return false
}
