package dynamodb

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
	"github.com/verge-edge/verge/internal/dynamodb/expr"
)

// A binder turns a statement's nodes into values and expression trees
// (package expr's), with its ? parameters bound.
type binder struct {
	params []attr.Value
}

// msgParamCount is AWS's message when Parameters and the ? differ.
const msgParamCount = "Number of parameters in request and statement don't match."

// bind checks the parameters against the statement's ?.
func bind(st *statement, params []attr.Value) (binder, error) {
	if len(params) != st.Params {
		return binder{}, invalid(msgParamCount)
	}
	return binder{params: params}, nil
}

// value is the value of a literal tree: scalars, NULL, parameters,
// lists, maps and sets.
func (b binder) value(n *pnode) (attr.Value, error) {
	switch n.Kind {
	case pLit:
		return litAttr(n.Lit)
	case pNull:
		return attr.Null(), nil
	case pParam:
		return b.params[n.Param], nil
	case pMissing:
		return attr.Value{}, invalid("MISSING must be compared using IS operator")
	case pList:
		vs := make([]attr.Value, len(n.Args))
		for i, a := range n.Args {
			v, err := b.value(a)
			if err != nil {
				return attr.Value{}, err
			}
			vs[i] = v
		}
		return attr.List(vs...), nil
	case pMap:
		m := make(map[string]attr.Value, len(n.Args))
		for i, a := range n.Args {
			if _, dup := m[n.Keys[i]]; dup {
				return attr.Value{}, invalid("Duplicate keys in tuple. Key: %s under %s", n.Keys[i], "item")
			}
			v, err := b.value(a)
			if err != nil {
				return attr.Value{}, err
			}
			m[n.Keys[i]] = v
		}
		return attr.Map(m), nil
	case pSet:
		return setAttr(n)
	}
	return attr.Value{}, invalid("Unsupported token in expression: %s", n.String())
}

// litAttr is a scalar literal's value.
func litAttr(l litValue) (attr.Value, error) {
	switch l.Kind {
	case tString:
		return attr.Str(l.Text), nil
	case tNumber:
		return attr.ParseNum(l.Text)
	}
	return attr.Boolean(l.Text == "TRUE"), nil
}

// setAttr is a set literal's value: strings make an SS, numbers an NS;
// DynamoDB's PartiQL has no other bags.
func setAttr(n *pnode) (attr.Value, error) {
	if len(n.Args) == 0 {
		return attr.Value{}, invalid("Empty bags are not supported")
	}
	const msgBag = "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags"
	var typ attr.Type
	var members []string
	for _, a := range n.Args {
		if a.Kind != pLit || a.Lit.Kind == tWord {
			return attr.Value{}, invalid(msgBag)
		}
		v, err := litAttr(a.Lit)
		if err != nil {
			return attr.Value{}, err
		}
		if typ != attr.Invalid && v.Type != typ {
			return attr.Value{}, invalid(msgBag)
		}
		typ = v.Type
		if slices.Contains(members, v.S) {
			return attr.Value{}, invalid("Input collection contains duplicates")
		}
		members = append(members, v.S)
	}
	if typ == attr.N {
		return attr.Value{Type: attr.NS, Set: members}, nil
	}
	return attr.Value{Type: attr.SS, Set: members}, nil
}

// isTypes are the types IS tests besides MISSING and NULL, as
// attribute_type names them.
var isTypes = map[string]string{
	"BOOLEAN": "BOOL",
	"BLOB":    "B",
	"STRING":  "S",
	"NUMERIC": "N",
	"STRUCT":  "M",
	"TUPLE":   "M",
	"LIST":    "L",
}

// cond is the condition tree of a WHERE clause.
func (b binder) cond(n *pnode) (*expr.Node, error) {
	switch n.Kind {
	case pAnd, pOr:
		l, err := b.cond(n.Args[0])
		if err != nil {
			return nil, err
		}
		r, err := b.cond(n.Args[1])
		if err != nil {
			return nil, err
		}
		k := expr.KindAnd
		if n.Kind == pOr {
			k = expr.KindOr
		}
		return &expr.Node{Kind: k, Args: []*expr.Node{l, r}}, nil
	case pNot:
		x, err := b.cond(n.Args[0])
		if err != nil {
			return nil, err
		}
		return &expr.Node{Kind: expr.KindNot, Args: []*expr.Node{x}}, nil
	case pCompare, pBetween, pIn:
		args, err := b.operands(n.Args)
		if err != nil {
			return nil, err
		}
		k := map[pkind]expr.Kind{pCompare: expr.KindCompare, pBetween: expr.KindBetween, pIn: expr.KindIn}[n.Kind]
		return &expr.Node{Kind: k, Op: n.Op, Args: args}, nil
	case pIs:
		return b.is(n)
	case pFunc:
		return b.function(n, true)
	}
	return nil, invalid("WHERE clause must contain an expression that resolves to a boolean")
}

// is translates x IS MISSING, NULL or a type. NULL, as in PartiQL, is
// also true of a missing attribute.
func (b binder) is(n *pnode) (*expr.Node, error) {
	x := n.Args[0]
	if x.Kind != pPath {
		return nil, invalid("The left hand side argument to IS must be a Variable Reference, Literal, or Path")
	}
	path := &expr.Node{Kind: expr.KindPath, Path: x.Path}
	typeIs := func(t string) *expr.Node {
		return &expr.Node{Kind: expr.KindFunc, Op: "attribute_type", Args: []*expr.Node{path, valueNode(attr.Str(t))}}
	}
	missing := &expr.Node{Kind: expr.KindFunc, Op: "attribute_not_exists", Args: []*expr.Node{path}}
	switch n.Op {
	case "MISSING":
		return missing, nil
	case "NULL":
		return &expr.Node{Kind: expr.KindOr, Args: []*expr.Node{missing, typeIs("NULL")}}, nil
	}
	typ, ok := isTypes[n.Op]
	if !ok {
		return nil, invalid("Unsupported data type for IS operator: %s. Supported data types are [MISSING, NULL, BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, TUPLE, LIST]", n.Op)
	}
	return typeIs(typ), nil
}

// conditionFuncs are the functions of a WHERE clause and their operand
// counts.
var conditionFuncs = map[string]int{
	"attribute_exists":     1,
	"attribute_not_exists": 1,
	"attribute_type":       2,
	"begins_with":          2,
	"contains":             2,
	"size":                 1,
}

// function translates a function call; boolean says whether a condition
// or an operand is wanted.
func (b binder) function(n *pnode, boolean bool) (*expr.Node, error) {
	want, ok := conditionFuncs[n.Op]
	if !ok {
		return nil, invalid("Unrecognized function: %s", n.Op)
	}
	if len(n.Args) != want {
		return nil, malformed("Incorrect number of arguments for function " + n.Op)
	}
	if (n.Op == "size") == boolean {
		return nil, invalid("WHERE clause must contain an expression that resolves to a boolean")
	}
	if n.Args[0].Kind != pPath {
		return nil, invalid("Unsupported operation: %s requires a path as its first argument", n.Op)
	}
	args, err := b.operands(n.Args)
	if err != nil {
		return nil, err
	}
	return &expr.Node{Kind: expr.KindFunc, Op: n.Op, Args: args}, nil
}

func (b binder) operands(ns []*pnode) ([]*expr.Node, error) {
	out := make([]*expr.Node, len(ns))
	for i, a := range ns {
		x, err := b.operand(a)
		if err != nil {
			return nil, err
		}
		out[i] = x
	}
	return out, nil
}

// operand is a comparison's or a function's operand: a path, size(), or
// a value.
func (b binder) operand(n *pnode) (*expr.Node, error) {
	switch n.Kind {
	case pPath:
		return &expr.Node{Kind: expr.KindPath, Path: n.Path}, nil
	case pFunc:
		return b.function(n, false)
	}
	v, err := b.value(n)
	if err != nil {
		return nil, err
	}
	return valueNode(v), nil
}

// valueNode is a value operand; checked names it when it prints an
// update.
func valueNode(v attr.Value) *expr.Node {
	return &expr.Node{Kind: expr.KindValue, Name: ":v", Value: v}
}

// update is an UPDATE's SET and REMOVE actions as an expr.Update.
func (b binder) update(st *statement) (*expr.Update, error) {
	u := &expr.Update{}
	for _, a := range st.Set {
		if f := a.Value; f.Kind == pFunc && (f.Op == "set_add" || f.Op == "set_delete") {
			act, err := b.setAction(a.Path, f)
			if err != nil {
				return nil, err
			}
			if f.Op == "set_add" {
				u.Add = append(u.Add, act)
			} else {
				u.Delete = append(u.Delete, act)
			}
			continue
		}
		v, err := b.setOperand(a.Value)
		if err != nil {
			return nil, err
		}
		u.Set = append(u.Set, expr.Action{Path: a.Path, Value: v})
	}
	for _, p := range st.Remove {
		u.Remove = append(u.Remove, expr.Action{Path: p})
	}
	return checked(u)
}

// checked passes an update through package expr's parser, so that it
// gets every check an UpdateExpression gets (overlapping paths, operand
// types, depth): it names every path element and value by placeholder,
// prints the update, and parses it back.
func checked(u *expr.Update) (*expr.Update, error) {
	names := map[string]string{}
	aliases := map[string]string{}
	values := map[string]attr.Value{}
	alias := func(p expr.Path) expr.Path {
		out := make(expr.Path, len(p))
		for i, e := range p {
			if !e.IsIndex {
				a, ok := aliases[e.Name]
				if !ok {
					a = "#n" + strconv.Itoa(len(aliases))
					aliases[e.Name], names[a] = a, e.Name
				}
				e.Alias = a
			}
			out[i] = e
		}
		return out
	}
	var walk func(n *expr.Node) *expr.Node
	walk = func(n *expr.Node) *expr.Node {
		if n == nil {
			return nil
		}
		c := *n
		switch c.Kind {
		case expr.KindPath:
			c.Path = alias(c.Path)
		case expr.KindValue:
			c.Name = ":v" + strconv.Itoa(len(values))
			values[c.Name] = c.Value
		}
		c.Args = make([]*expr.Node, len(n.Args))
		for i, a := range n.Args {
			c.Args[i] = walk(a)
		}
		return &c
	}
	for _, clause := range []*[]expr.Action{&u.Set, &u.Remove, &u.Add, &u.Delete} {
		for i, a := range *clause {
			(*clause)[i] = expr.Action{Path: alias(a.Path), Value: walk(a.Value)}
		}
	}
	if len(values) == 0 {
		values = nil
	}
	params, err := expr.NewParams(names, values)
	if err != nil {
		return nil, err
	}
	out, err := params.ParseUpdate(u.String())
	var ee *expr.Error
	if errors.As(err, &ee) {
		// A statement has no UpdateExpression to name.
		return nil, invalid("%s", strings.TrimPrefix(ee.Message, "Invalid "+expr.FieldUpdate+": "))
	}
	return out, err
}

// setFuncs are the functions of a SET's value.
var setFuncs = map[string]bool{"list_append": true, "if_not_exists": true}

// setOperand is a SET's value: a value, a path, + or -, list_append or
// if_not_exists.
func (b binder) setOperand(n *pnode) (*expr.Node, error) {
	switch n.Kind {
	case pPath:
		return &expr.Node{Kind: expr.KindPath, Path: n.Path}, nil
	case pArith:
		l, err := b.setOperand(n.Args[0])
		if err != nil {
			return nil, err
		}
		r, err := b.setOperand(n.Args[1])
		if err != nil {
			return nil, err
		}
		return &expr.Node{Kind: expr.KindArith, Op: n.Op, Args: []*expr.Node{l, r}}, nil
	case pFunc:
		if !setFuncs[n.Op] {
			return nil, invalid("Unrecognized function: %s", n.Op)
		}
		if len(n.Args) != 2 {
			return nil, malformed("Incorrect number of arguments for function " + n.Op)
		}
		if n.Op == "if_not_exists" && n.Args[0].Kind != pPath {
			return nil, invalid("Unsupported operation: %s requires a path as its first argument", n.Op)
		}
		args := make([]*expr.Node, 2)
		for i, a := range n.Args {
			x, err := b.setOperand(a)
			if err != nil {
				return nil, err
			}
			args[i] = x
		}
		return &expr.Node{Kind: expr.KindFunc, Op: n.Op, Args: args}, nil
	case pCompare, pAnd, pOr, pNot, pIs, pIn, pBetween:
		return nil, invalid("Unsupported operator in Update Expression. Operator: %s", n.String())
	}
	v, err := b.value(n)
	if err != nil {
		return nil, err
	}
	return valueNode(v), nil
}

// setAction translates SET a = set_add(a, <<...>>) (or set_delete), an
// update expression's ADD (DELETE) of set members.
func (b binder) setAction(path expr.Path, f *pnode) (expr.Action, error) {
	name := strings.ToUpper(strings.TrimPrefix(f.Op, "set_"))
	if len(f.Args) != 2 {
		return expr.Action{}, invalid("SET_%s must have exactly two arguments", name)
	}
	if f.Args[0].Kind != pPath || pathString(f.Args[0].Path) != pathString(path) {
		return expr.Action{}, invalid("The first argument to SET_%s must equal the assignment value", name)
	}
	v, err := b.value(f.Args[1])
	if err != nil {
		return expr.Action{}, err
	}
	if !v.Type.IsSet() {
		return expr.Action{}, invalid("The second argument to SET_%s must be a value with type SET", name)
	}
	return expr.Action{Path: path, Value: valueNode(v)}, nil
}
