package dynamodb

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
	"github.com/verge-edge/verge/internal/dynamodb/expr"
	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// AWS's PartiQL messages that more than one operation gives.
const (
	msgIncompleteKey     = "Where clause does not contain a mandatory equality on all key attributes"
	msgDuplicateItem     = "Duplicate primary key exists in table"
	msgBadToken          = "Invalid NextToken"
	msgNextTokenMismatch = "NextToken does not match request"
)

// A prepared statement is a parsed statement with its parameters bound
// and its table described.
type prepared struct {
	st *statement
	b  binder
	t  store.Table
}

// prepare parses src, binds params and finds the table.
func (s *Service) prepare(src string, params []attr.Value) (*prepared, error) {
	st, err := parseStatement(src)
	if err != nil {
		return nil, err
	}
	b, err := bind(st, params)
	if err != nil {
		return nil, err
	}
	t, err := s.table(st.Table)
	if err != nil {
		return nil, err
	}
	return &prepared{st: st, b: b, t: t}, nil
}

// conjuncts flattens the top-level ANDs of a condition.
func conjuncts(n *pnode) []*pnode {
	if n == nil {
		return nil
	}
	if n.Kind == pAnd {
		return append(conjuncts(n.Args[0]), conjuncts(n.Args[1])...)
	}
	return []*pnode{n}
}

// andAll joins conditions with AND; nil for none.
func andAll(ns []*pnode) *pnode {
	var out *pnode
	for _, n := range ns {
		if out == nil {
			out = n
		} else {
			out = &pnode{Kind: pAnd, Args: []*pnode{out, n}}
		}
	}
	return out
}

// topName is the attribute a path node names, if it is a top-level
// attribute.
func topName(n *pnode) (string, bool) {
	if n.Kind != pPath || len(n.Path) != 1 {
		return "", false
	}
	return n.Path[0].Name, true
}

// flipped are the comparisons with their operands swapped.
var flipped = map[string]string{"=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="}

// term reads a comparison of a top-level attribute with a value, either
// way round: the attribute, the operator as if the attribute were on the
// left, and the value node.
func term(n *pnode) (name, op string, v *pnode, ok bool) {
	if n.Kind != pCompare {
		return "", "", nil, false
	}
	l, r := n.Args[0], n.Args[1]
	if name, ok := topName(l); ok && isValueNode(r) {
		return name, n.Op, r, true
	}
	if name, ok := topName(r); ok && isValueNode(l) {
		return name, flipped[n.Op], l, true
	}
	return "", "", nil, false
}

func isValueNode(n *pnode) bool {
	switch n.Kind {
	case pLit, pParam, pNull, pList, pMap, pSet:
		return true
	}
	return false
}

// keyValue binds a key condition's value and checks it against the key
// attribute's schema type.
func (b binder) keyValue(a store.Attr, n *pnode, partition bool) (attr.Value, error) {
	v, err := b.value(n)
	if err != nil {
		return attr.Value{}, err
	}
	if v.Type != attrType(a.Type) {
		return attr.Value{}, invalid("Key attribute's data type should match its data type in table's schema: Key %s", a.Name)
	}
	return v, attr.CheckKey(a.Name, v, attrType(a.Type), partition)
}

// fullKey splits a write's (or a single-item read's) WHERE clause into
// the item's key, which it must fix by equality, and the rest, a
// condition on the item (nil for none).
func (b binder) fullKey(t store.Table, where *pnode) (attr.Item, *expr.Node, error) {
	key := attr.Item{}
	var rest []*pnode
	attrs := keyAttrs(t.Key)
	for _, c := range conjuncts(where) {
		name, op, v, ok := term(c)
		i := keyIndex(attrs, name)
		if !ok || op != "=" || i < 0 {
			rest = append(rest, c)
			continue
		}
		if _, dup := key[name]; dup {
			return nil, nil, invalid("Multiple conditions on same key %s. Only single item Update/Insert/Delete are supported", name)
		}
		kv, err := b.keyValue(attrs[i], v, i == 0)
		if err != nil {
			return nil, nil, err
		}
		key[name] = kv
	}
	if len(key) != len(attrs) {
		return nil, nil, invalid(msgIncompleteKey)
	}
	if len(rest) == 0 {
		return key, nil, nil
	}
	cond, err := b.cond(andAll(rest))
	return key, cond, err
}

func keyIndex(attrs []store.Attr, name string) int {
	for i, a := range attrs {
		if a.Name == name && name != "" {
			return i
		}
	}
	return -1
}

// A write is a write statement made ready: its store operation and what
// RETURNING needs.
type write struct {
	op     store.Op
	verb   string
	update *expr.Update
	table  string
}

// errExists is the condition failure of an INSERT of a key that exists;
// the caller words it as DuplicateItem.
var errExists = store.ErrConditionFailed

// writeOp makes the store operation of an INSERT, UPDATE or DELETE.
func (p *prepared) writeOp() (*write, error) {
	w := &write{verb: p.st.Verb, table: p.t.Name}
	switch p.st.Verb {
	case "Insert":
		v, err := p.b.value(p.st.Value)
		if err != nil {
			return nil, err
		}
		if v.Type != attr.M {
			return nil, invalid("Unsupported format in item expression. Please use struct format {...} to express item values for insert statement.")
		}
		if err := checkInsert(p.t, v.M); err != nil {
			return nil, err
		}
		w.op = store.Op{Table: p.t.Name, Put: encode(v.M), Cond: func(_ []byte, exists bool) error {
			if exists {
				return errExists
			}
			return nil
		}}
	case "Update":
		key, rest, err := p.b.fullKey(p.t, p.st.Where)
		if err != nil {
			return nil, err
		}
		u, err := p.b.update(p.st)
		if err != nil {
			return nil, err
		}
		for _, a := range keyAttrs(p.t.Key) {
			if u.Touches(a.Name) {
				return nil, invalid("One or more parameter values were invalid: Cannot update attribute %s. This attribute is part of the key", a.Name)
			}
		}
		w.update = u
		w.op = store.Op{Table: p.t.Name, Key: encode(key), Update: p.updateFunc(u, rest)}
	case "Delete":
		key, rest, err := p.b.fullKey(p.t, p.st.Where)
		if err != nil {
			return nil, err
		}
		w.op = store.Op{Table: p.t.Name, Key: encode(key), Delete: true, Cond: func(old []byte, exists bool) error {
			// Deleting an absent item is no error, whatever the
			// condition.
			if !exists || rest == nil {
				return nil
			}
			return holds(rest, old)
		}}
	case "Select":
		if !p.st.Exists {
			return nil, invalid("Unsupported operation: %s", p.st.Verb)
		}
		if p.st.Index != "" {
			return nil, invalid("Operations on indices are not supported in transactions")
		}
		key, rest, err := p.b.fullKey(p.t, p.st.Where)
		if errors.Is(err, &Error{Code: CodeValidation, Message: msgIncompleteKey}) || err == nil && rest == nil {
			return nil, invalid("EXISTS() must contain a single item read with additional condition")
		}
		if err != nil {
			return nil, err
		}
		w.op = store.Op{Table: p.t.Name, Key: encode(key), Cond: func(old []byte, exists bool) error {
			if !exists {
				return store.ErrConditionFailed
			}
			return holds(rest, old)
		}}
	default:
		return nil, invalid("Unsupported operation: %s", p.st.Verb)
	}
	return w, nil
}

// updateFunc applies an UPDATE to an item that must exist and satisfy
// the rest of the WHERE clause.
func (p *prepared) updateFunc(u *expr.Update, rest *expr.Node) store.UpdateFunc {
	return func(old []byte, exists bool) ([]byte, error) {
		if !exists {
			return nil, store.ErrConditionFailed
		}
		item, err := attr.DecodeItem(old)
		if err != nil {
			return nil, err
		}
		if rest != nil && !rest.Eval(item) {
			return nil, store.ErrConditionFailed
		}
		n, err := u.Apply(item)
		if err != nil {
			return nil, err
		}
		if attr.Size(n) > attr.MaxItemSize {
			return nil, invalid(attr.MsgUpdateTooLarge)
		}
		if err := checkItem(p.t, n); err != nil {
			return nil, err
		}
		return encode(n), nil
	}
}

// holds evaluates a condition on an item in wire form.
func holds(c *expr.Node, item []byte) error {
	it, err := attr.DecodeItem(item)
	if err != nil {
		return err
	}
	if !c.Eval(it) {
		return store.ErrConditionFailed
	}
	return nil
}

// checkInsert checks an INSERT's item's key with PartiQL's messages,
// then the item as PutItem does.
func checkInsert(t store.Table, item attr.Item) error {
	for _, a := range keyAttrs(t.Key) {
		v, ok := item[a.Name]
		if !ok {
			return invalid("Key attribute should be present in the item: Key %s", a.Name)
		}
		if v.Type != attrType(a.Type) {
			return invalid("Key attribute's data type should match its data type in table's schema: Key %s", a.Name)
		}
	}
	return checkItem(t, item)
}

// apply runs one write on its own (not in a transaction). A failed
// condition comes back with the item it was evaluated against.
func (s *Service) apply(ctx context.Context, w *write, returnOld bool) (store.Result, error) {
	var (
		res store.Result
		err error
	)
	switch {
	case w.op.Put != nil:
		res, err = s.st.Put(ctx, w.op.Table, w.op.Put, w.op.Cond)
	case w.op.Update != nil:
		res, err = s.st.Update(ctx, w.op.Table, w.op.Key, w.op.Update)
	default:
		res, err = s.st.Delete(ctx, w.op.Table, w.op.Key, w.op.Cond)
	}
	if errors.Is(err, store.ErrConditionFailed) {
		if w.verb == "Insert" {
			return res, &Error{Code: CodeDuplicateItem, Message: msgDuplicateItem}
		}
		e := &Error{Code: CodeConditionalCheckFailed, Message: msgConditionFailed}
		if returnOld && res.Old != nil {
			e.Item = res.Old
		}
		return res, e
	}
	return res, err
}

// returning is what RETURNING asks of a write's result; nil for none.
func returning(how string, w *write, res store.Result) (attr.Item, error) {
	var raw []byte
	switch how {
	case "":
		return nil, nil
	case "ALL OLD", "MODIFIED OLD":
		raw = res.Old
	default:
		raw = res.New
	}
	if raw == nil {
		return nil, nil
	}
	item, err := attr.DecodeItem(raw)
	if err != nil || how[0] == 'A' || w.update == nil {
		return item, err
	}
	return expr.Project(item, w.update.Paths()), nil
}

// writeUnitsOf is the write capacity of a result: its larger image.
func writeUnitsOf(res store.Result) float64 {
	size := 0
	if res.Old != nil {
		size = ItemSize(res.Old)
	}
	if res.New != nil {
		size = max(size, ItemSize(res.New))
	}
	return writeUnits(size)
}

// A pageToken is what a NextToken holds: a hash of the request it
// continues, the partition it stopped in (for IN on the partition key)
// and the LastEvaluatedKey.
type pageToken struct {
	Hash      string          `json:"h"`
	Partition int             `json:"p,omitempty"`
	Key       json.RawMessage `json:"k,omitempty"`
}

// requestHash identifies a statement and its parameters for NextToken.
func requestHash(src string, params []attr.Value) string {
	h := sha256.New()
	h.Write([]byte(src))
	for _, p := range params {
		h.Write([]byte{0})
		h.Write(p.AppendJSON(nil))
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

func (t pageToken) encode() string {
	b, _ := json.Marshal(t)
	return base64.StdEncoding.EncodeToString(b)
}

// readToken reads a NextToken, which must continue the request of hash.
func readToken(s, hash string) (pageToken, error) {
	var t pageToken
	if s == "" {
		return t, nil
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &t) != nil || t.Partition < 0 {
		return t, invalid(msgBadToken)
	}
	if t.Hash != hash {
		return t, invalid(msgNextTokenMismatch)
	}
	return t, nil
}
