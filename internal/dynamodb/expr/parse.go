package expr

import (
	"strconv"
	"strings"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
)

// A parser reads one expression. Syntax errors stop it (bail panics with
// a *bailout, recovered by run); the first other error is kept in
// semantic and reported once the whole expression has parsed, as AWS
// reports a syntax error before any other.
type parser struct {
	field    string
	src      string
	toks     []token
	pos      int
	params   *Params
	update   bool // update-expression operands and functions
	semantic *Error
	parened  map[*Node]bool
}

type bailout struct{ err *Error }

// run parses src with parse, returning the first syntax, then semantic,
// error.
func (p *Params) run(field, src string, update bool, parse func(*parser)) (err error) {
	if len(src) > maxExpressionSize {
		return invalidIn(field, msgTooLong, len(src))
	}
	if strings.TrimSpace(src) == "" {
		return invalidIn(field, msgEmpty)
	}
	ps := &parser{field: field, src: src, toks: lex(src), params: p, update: update, parened: map[*Node]bool{}}
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			err = b.err
		}
	}()
	parse(ps)
	if ps.peek().kind != tokEOF {
		ps.syntaxError()
	}
	if ps.semantic != nil {
		return ps.semantic
	}
	return nil
}

func (ps *parser) peek() token { return ps.toks[ps.pos] }

func (ps *parser) next() token {
	t := ps.toks[ps.pos]
	if t.kind != tokEOF {
		ps.pos++
	}
	return t
}

// syntaxError bails with AWS's syntax error at the current token: the
// token, and the source from the token before it to the one after.
func (ps *parser) syntaxError() {
	t := ps.toks[ps.pos]
	start, end := t.start, t.end
	if ps.pos > 0 {
		start = ps.toks[ps.pos-1].start
	}
	if ps.pos+1 < len(ps.toks) && ps.toks[ps.pos+1].kind != tokEOF {
		end = ps.toks[ps.pos+1].end
	}
	panic(bailout{invalidIn(ps.field, msgSyntax, t.text, ps.src[start:end])})
}

// fail records a semantic error unless one is already kept.
func (ps *parser) fail(format string, args ...any) {
	if ps.semantic == nil {
		ps.semantic = invalidIn(ps.field, format, args...)
	}
}

func (ps *parser) isPunct(s string) bool {
	t := ps.peek()
	return t.kind == tokPunct && t.text == s
}

func (ps *parser) isKeyword(kw string) bool {
	t := ps.peek()
	return t.kind == tokIdent && strings.EqualFold(t.text, kw)
}

func (ps *parser) expect(s string) {
	if !ps.isPunct(s) {
		ps.syntaxError()
	}
	ps.next()
}

func (ps *parser) expectKeyword(kw string) {
	if !ps.isKeyword(kw) {
		ps.syntaxError()
	}
	ps.next()
}

// condition := or; or := and {OR and}; and := not {AND not};
// not := NOT not | primary.
func (ps *parser) condition() *Node {
	l := ps.and()
	for ps.isKeyword("OR") {
		ps.next()
		l = &Node{Kind: KindOr, Args: []*Node{l, ps.and()}}
	}
	return l
}

func (ps *parser) and() *Node {
	l := ps.not()
	for ps.isKeyword("AND") {
		ps.next()
		l = &Node{Kind: KindAnd, Args: []*Node{l, ps.not()}}
	}
	return l
}

func (ps *parser) not() *Node {
	if ps.isKeyword("NOT") {
		ps.next()
		return &Node{Kind: KindNot, Args: []*Node{ps.not()}}
	}
	return ps.primary()
}

// primary := ( condition ) | function | operand comparison.
func (ps *parser) primary() *Node {
	if ps.isPunct("(") {
		ps.next()
		inner := ps.condition()
		ps.expect(")")
		if ps.parened[inner] {
			ps.fail(msgRedundantParens)
		}
		ps.parened[inner] = true
		return inner
	}
	lhs := ps.operandOrCall()
	if lhs.Kind == KindFunc && !ps.comparisonFollows() {
		if !isBoolFunc(lhs.Op) {
			ps.fail(msgFunctionMisused, lhs.Op)
		}
		return lhs
	}
	return ps.comparison(lhs)
}

// comparisonFollows reports whether the next token starts a comparison.
func (ps *parser) comparisonFollows() bool {
	t := ps.peek()
	return t.kind == tokPunct && isComparator(t.text) || ps.isKeyword("BETWEEN") || ps.isKeyword("IN")
}

// comparison parses what follows a left operand: a comparator, BETWEEN
// or IN.
func (ps *parser) comparison(lhs *Node) *Node {
	if lhs.Kind == KindFunc && lhs.Op != fnSize {
		ps.fail(msgFunctionMisused, lhs.Op)
	}
	t := ps.peek()
	switch {
	case t.kind == tokPunct && isComparator(t.text):
		ps.next()
		return &Node{Kind: KindCompare, Op: t.text, Args: []*Node{lhs, ps.operand()}}
	case ps.isKeyword("BETWEEN"):
		ps.next()
		lo := ps.operand()
		ps.expectKeyword("AND")
		n := &Node{Kind: KindBetween, Args: []*Node{lhs, lo, ps.operand()}}
		ps.checkBetween(n)
		return n
	case ps.isKeyword("IN"):
		ps.next()
		ps.expect("(")
		n := &Node{Kind: KindIn, Args: []*Node{lhs, ps.operand()}}
		for ps.isPunct(",") {
			ps.next()
			n.Args = append(n.Args, ps.operand())
		}
		ps.expect(")")
		if len(n.Args)-1 > maxInOperands {
			ps.fail(msgTooManyIn, len(n.Args)-1)
		}
		return n
	}
	ps.syntaxError()
	return nil
}

// checkBetween refuses constant bounds in the wrong order.
func (ps *parser) checkBetween(n *Node) {
	lo, hi := n.Args[1], n.Args[2]
	if lo.Kind != KindValue || hi.Kind != KindValue {
		return
	}
	if c, ok := attr.Compare(lo.Value, hi.Value); ok && c > 0 {
		ps.fail(msgBetweenBounds, brief(lo.Value), brief(hi.Value))
	}
}

// brief shows a scalar value as AWS's messages do: N:10.
func brief(v attr.Value) string {
	if v.Type == attr.B {
		return v.Type.String() + ":" + string(v.AppendJSON(nil))
	}
	return v.Type.String() + ":" + v.S
}

func isComparator(s string) bool {
	switch s {
	case "=", "<>", "<", "<=", ">", ">=":
		return true
	}
	return false
}

// operand parses a condition operand: a function may only be size.
func (ps *parser) operand() *Node {
	n := ps.operandOrCall()
	if n.Kind == KindFunc && n.Op != fnSize {
		ps.fail(msgFunctionMisused, n.Op)
	}
	return n
}

// operandOrCall := path | :value | name ( args ).
func (ps *parser) operandOrCall() *Node {
	t := ps.peek()
	switch {
	case t.kind == tokValue:
		return ps.value()
	case t.kind == tokIdent && ps.toks[ps.pos+1].text == "(":
		return ps.call()
	case t.kind == tokIdent || t.kind == tokName:
		return &Node{Kind: KindPath, Path: ps.path()}
	}
	ps.syntaxError()
	return nil
}

// value resolves a :placeholder.
func (ps *parser) value() *Node {
	t := ps.next()
	v, ok := ps.params.values[t.text]
	if !ok {
		ps.fail(msgUndefinedValue, t.text)
	} else {
		ps.params.usedValues[t.text] = true
	}
	return &Node{Kind: KindValue, Name: t.text, Value: v}
}

// call parses name(arg, …) and checks it as AWS does.
func (ps *parser) call() *Node {
	name := ps.next().text
	ps.expect("(")
	n := &Node{Kind: KindFunc, Op: name}
	arg := ps.operandOrCall
	if ps.update {
		arg = ps.setValue
	}
	n.Args = append(n.Args, arg())
	for ps.isPunct(",") {
		ps.next()
		n.Args = append(n.Args, arg())
	}
	ps.expect(")")
	ps.checkCall(n)
	return n
}

// arity is each function's number of operands.
var arity = map[string]int{
	fnAttributeExists: 1, fnAttributeNotExists: 1, fnAttributeType: 2,
	fnBeginsWith: 2, fnContains: 2, fnSize: 1, fnIfNotExists: 2, fnListAppend: 2,
}

func isBoolFunc(name string) bool {
	switch name {
	case fnAttributeExists, fnAttributeNotExists, fnAttributeType, fnBeginsWith, fnContains:
		return true
	}
	return false
}

func isUpdateFunc(name string) bool { return name == fnIfNotExists || name == fnListAppend }

// checkCall checks a function's name, place, operand count and types.
func (ps *parser) checkCall(n *Node) {
	want, known := arity[n.Op]
	switch {
	case !known:
		ps.fail(msgUnknownFunction, n.Op)
		return
	case isUpdateFunc(n.Op) != ps.update && n.Op != fnSize:
		ps.fail(msgFunctionMisused, n.Op)
		return
	case len(n.Args) != want:
		ps.fail(msgOperandCount, n.Op, len(n.Args))
		return
	}
	switch n.Op {
	case fnAttributeExists, fnAttributeNotExists, fnSize, fnIfNotExists, fnAttributeType:
		if n.Args[0].Kind != KindPath {
			ps.fail(msgNeedsPath, n.Op)
		}
	}
	for _, a := range n.Args {
		if a.Kind == KindFunc && isBoolFunc(a.Op) {
			ps.fail(msgFunctionMisused, a.Op)
		}
	}
	switch n.Op {
	case fnAttributeType:
		ps.checkTypeName(n.Args[1])
	case fnBeginsWith:
		for _, a := range n.Args {
			if a.Kind == KindValue && a.Value.Type != attr.S && a.Value.Type != attr.B {
				ps.fail(msgOperandType, n.Op, a.Value.Type)
			}
		}
	case fnListAppend:
		for _, a := range n.Args {
			if a.Kind == KindValue && a.Value.Type != attr.L {
				ps.fail(msgOperandType, n.Op, a.Value.Type)
			}
		}
	}
}

// checkTypeName checks attribute_type's second operand names a type.
func (ps *parser) checkTypeName(a *Node) {
	if a.Kind != KindValue || a.Value.Type == attr.Invalid {
		return
	}
	if a.Value.Type != attr.S {
		ps.fail(msgOperandType, fnAttributeType, a.Value.Type)
		return
	}
	if _, ok := attr.ParseType(a.Value.S); !ok {
		ps.fail(msgAttributeType, a.Value.S)
	}
}

// path := elem { . elem | [ index ] }; elem := name | #placeholder.
func (ps *parser) path() Path {
	p := Path{ps.pathName()}
	for {
		switch {
		case ps.isPunct("."):
			ps.next()
			p = append(p, ps.pathName())
		case ps.isPunct("["):
			ps.next()
			t := ps.peek()
			i, err := strconv.Atoi(t.text)
			if t.kind != tokNumber || err != nil {
				ps.syntaxError()
			}
			ps.next()
			ps.expect("]")
			p = append(p, PathElem{Index: i, IsIndex: true})
		default:
			if len(p) > maxPathDepth {
				ps.fail(msgPathTooDeep, len(p))
			}
			return p
		}
	}
}

// pathName reads one name of a path, resolving a #placeholder and
// refusing a bare reserved word.
func (ps *parser) pathName() PathElem {
	t := ps.peek()
	if t.kind != tokIdent && t.kind != tokName {
		ps.syntaxError()
	}
	ps.next()
	if t.kind == tokIdent {
		if isReserved(t.text) {
			ps.fail(msgReserved, t.text)
		}
		return PathElem{Name: t.text}
	}
	name, ok := ps.params.names[t.text]
	if !ok {
		ps.fail(msgUndefinedName, t.text)
	} else {
		ps.params.usedNames[t.text] = true
	}
	return PathElem{Name: name, Alias: t.text}
}
