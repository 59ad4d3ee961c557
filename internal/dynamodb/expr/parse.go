package expr

import (
	"encoding/base64"
	"slices"
	"strconv"
	"strings"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
)

// A parser reads one expression. Syntax errors stop it (syntaxError
// panics with a bailout, recovered by run); other errors are kept by
// category in errs and one is reported once the whole expression has
// parsed, as AWS reports a syntax error before any other.
type parser struct {
	field   string
	src     string
	toks    []token
	pos     int
	params  *Params
	update  bool       // update-expression operands and functions
	order   []category // the order AWS reports errors in
	errs    [numCategories]*Error
	paths   []Path // an update's target paths, checked for overlaps
	parened map[*Node]bool
}

type bailout struct{ err *Error }

// A mode is the kind of expression a parser reads.
type mode uint8

const (
	modeCondition mode = iota // condition, filter and key condition
	modeUpdate
	modeProjection
)

// run parses src with parse, returning the first syntax, then semantic,
// error.
func (p *Params) run(field, src string, m mode, parse func(*parser)) (err error) {
	if len(src) > maxExpressionSize {
		return invalidIn(field, msgTooLong, len(src))
	}
	if strings.TrimSpace(src) == "" {
		return invalidIn(field, msgEmpty)
	}
	ps := &parser{field: field, src: src, toks: lex(src), params: p, update: m == modeUpdate, order: conditionOrder, parened: map[*Node]bool{}}
	if m != modeCondition {
		ps.order = updateOrder // a projection's paths are checked as an update's
	}
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
	if err := ps.semantic(); err != nil {
		return err
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
		if t.kind == tokEOF {
			end = ps.toks[ps.pos-1].end // not the trailing blanks
		}
	}
	if ps.pos+1 < len(ps.toks) && ps.toks[ps.pos+1].kind != tokEOF {
		end = ps.toks[ps.pos+1].end
	}
	panic(bailout{invalidIn(ps.field, msgSyntax, t.text, ps.src[start:end])})
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
	if ps.isPunct("(") && !ps.operandInParens() {
		ps.next()
		inner := ps.condition()
		ps.expect(")")
		if ps.parened[inner] {
			ps.fail(catParens, msgRedundantParens)
		}
		ps.parened[inner] = true
		return inner
	}
	lhs := ps.operandOrCall()
	if lhs.Kind == KindFunc && !ps.comparisonFollows() {
		if !isBoolFunc(lhs.Op) {
			ps.fail(catMisused, msgFunctionMisused, lhs.Op)
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
		ps.fail(catMisused, msgFunctionMisused, lhs.Op)
	}
	t := ps.peek()
	switch {
	case t.kind == tokPunct && isComparator(t.text):
		ps.next()
		n := &Node{Kind: KindCompare, Op: t.text, Args: []*Node{lhs, ps.operand()}}
		ps.checkDistinct(t.text, n.Args)
		return n
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
			ps.fail(catOther, msgTooManyIn, len(n.Args)-1)
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
	if lo.Value.Type != hi.Value.Type {
		ps.fail(catFunction, msgBetweenTypes, brief(lo.Value), brief(hi.Value))
		return
	}
	if c, ok := attr.Compare(lo.Value, hi.Value); ok && c > 0 {
		ps.fail(catFunction, msgBetweenBounds, brief(lo.Value), brief(hi.Value))
	}
}

// brief shows a scalar value as AWS's messages do: N:10.
func brief(v attr.Value) string {
	if v.Type == attr.B {
		return "B:" + base64.StdEncoding.EncodeToString(v.B)
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
		ps.fail(catMisused, msgFunctionMisused, n.Op)
	}
	return n
}

// operandInParens reports whether the parenthesis at the current token
// encloses an operand, not a condition: whether a comparison follows its
// match.
func (ps *parser) operandInParens() bool {
	depth := 0
	for i := ps.pos; i < len(ps.toks); i++ {
		t := ps.toks[i]
		if t.kind != tokPunct {
			continue
		}
		switch t.text {
		case "(":
			depth++
		case ")":
			depth--
		}
		if depth == 0 {
			next := ps.toks[min(i+1, len(ps.toks)-1)]
			return next.kind == tokPunct && isComparator(next.text) ||
				next.kind == tokIdent && (strings.EqualFold(next.text, "BETWEEN") || strings.EqualFold(next.text, "IN"))
		}
	}
	return false
}

// operandOrCall := ( operandOrCall ) | path | :value | name ( args ).
func (ps *parser) operandOrCall() *Node {
	t := ps.peek()
	switch {
	case ps.isPunct("("):
		ps.next()
		n := ps.operandOrCall()
		ps.expect(")")
		if ps.parened[n] {
			ps.fail(catParens, msgRedundantParens)
		}
		ps.parened[n] = true
		return n
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
		ps.fail(catValue, msgUndefinedValue, t.text)
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

// conditionArity and updateArity are the functions of each kind of
// expression and their number of operands; any other name is unknown.
var (
	conditionArity = map[string]int{
		fnAttributeExists: 1, fnAttributeNotExists: 1, fnAttributeType: 2,
		fnBeginsWith: 2, fnContains: 2, fnSize: 1,
	}
	updateArity = map[string]int{fnIfNotExists: 2, fnListAppend: 2}
)

func isBoolFunc(name string) bool {
	switch name {
	case fnAttributeExists, fnAttributeNotExists, fnAttributeType, fnBeginsWith, fnContains:
		return true
	}
	return false
}

// checkCall checks a function's name, operand count and operands.
func (ps *parser) checkCall(n *Node) {
	arity := conditionArity
	if ps.update {
		arity = updateArity
	}
	want, known := arity[n.Op]
	switch {
	case !known:
		ps.fail(catUnknownFunction, msgUnknownFunction, n.Op)
		return
	case len(n.Args) != want:
		ps.fail(catCount, msgOperandCount, n.Op, len(n.Args))
		return
	}
	for _, a := range n.Args {
		if a.Kind == KindFunc && isBoolFunc(a.Op) {
			ps.fail(catMisused, msgFunctionMisused, a.Op)
		}
	}
	if want == 2 {
		ps.checkDistinct(n.Op, n.Args)
	}
	switch n.Op {
	case fnAttributeExists, fnAttributeNotExists, fnIfNotExists:
		if n.Args[0].Kind != KindPath {
			ps.fail(catFunction, msgNeedsPath, n.Op)
		}
	case fnSize:
		if t := staticType(n.Args[0]); t == "N" || t == "BOOL" || t == "NULL" {
			ps.fail(catFunction, msgOperandType, n.Op, t)
		}
	case fnAttributeType:
		ps.checkTypeName(n.Args[1])
	case fnBeginsWith:
		ps.checkOperandTypes(n, "S", "B")
	case fnListAppend:
		ps.checkOperandTypes(n, "L")
	}
}

// staticType is the type an operand is known to have before any item is
// read: a constant's, or N for size(); "" when it depends on the item.
func staticType(n *Node) string {
	switch {
	case n.Kind == KindValue && n.Value.Type != attr.Invalid:
		return n.Value.Type.String()
	case n.Kind == KindFunc && n.Op == fnSize:
		return "N"
	}
	return ""
}

// checkOperandTypes refuses an operand of n known to be of none of types.
func (ps *parser) checkOperandTypes(n *Node, types ...string) {
	for _, a := range n.Args {
		if t := staticType(a); t != "" && !slices.Contains(types, t) {
			ps.fail(catFunction, msgOperandType, n.Op, t)
			return
		}
	}
}

// checkDistinct refuses a comparison or function whose first two operands
// are the same path.
func (ps *parser) checkDistinct(op string, args []*Node) {
	a, b := args[0], args[1]
	if a.Kind == KindPath && b.Kind == KindPath && a.Path.describe() == b.Path.describe() {
		ps.fail(catDistinct, msgNotDistinct, op, a.Path.describe())
	}
}

// checkTypeName checks attribute_type's second operand names a type.
func (ps *parser) checkTypeName(a *Node) {
	t := staticType(a)
	switch {
	case a.Kind == KindPath:
		ps.fail(catFunction, msgOperandType, fnAttributeType, anyType)
	case t != "" && t != "S":
		ps.fail(catFunction, msgOperandType, fnAttributeType, t)
	case t == "S":
		if _, ok := attr.ParseType(a.Value.S); !ok {
			ps.fail(catFunction, msgAttributeType, a.Value.S)
		}
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
				ps.fail(catOther, msgPathTooDeep, len(p))
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
			ps.fail(catReserved, msgReserved, t.text)
		}
		return PathElem{Name: t.text}
	}
	name, ok := ps.params.names[t.text]
	if !ok {
		ps.fail(catName, msgUndefinedName, t.text)
	} else {
		ps.params.usedNames[t.text] = true
	}
	return PathElem{Name: name, Alias: t.text}
}
