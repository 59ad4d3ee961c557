package expr

import (
	"errors"
	"slices"
	"strings"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
)

// Apply returns the item u makes of item (nil when it does not exist),
// leaving item untouched. Every operand reads the item as it was before
// the update, as in DynamoDB; errors are AWS's runtime ones. Attributes
// the update does not touch share their values with item, so treat both
// items as read-only.
func (u *Update) Apply(item attr.Item) (attr.Item, error) {
	out, err := u.apply(item)
	var e *Error
	if u.legacy && errors.As(err, &e) && e.Message == msgUpdateType {
		return nil, invalid(msgTypeMismatch)
	}
	return out, err
}

func (u *Update) apply(item attr.Item) (attr.Item, error) {
	// Copy on write: only the top-level attributes the update touches are
	// copied deeply before they are edited.
	out := make(attr.Item, len(item))
	for k, v := range item {
		out[k] = v
	}
	for _, p := range u.Paths() {
		if v, ok := item[p[0].Name]; ok {
			out[p[0].Name] = v.Clone()
		}
	}
	values := make([]attr.Value, len(u.Set))
	for i, a := range u.Set {
		v, err := setValue(a.Value, item)
		if err != nil {
			return nil, err
		}
		values[i] = v
	}
	// Within one list, lower indexes first, so several elements set past
	// the end are appended in index order.
	order := make([]int, len(u.Set))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return -removalOrder(u.Set[i].Path, u.Set[j].Path) })
	for _, i := range order {
		if err := setAt(out, u.Set[i].Path, values[i]); err != nil {
			return nil, err
		}
	}
	if err := u.remove(out); err != nil {
		return nil, err
	}
	for _, a := range u.Add {
		if err := add(out, a.Path, a.Value.Value); err != nil {
			return nil, err
		}
	}
	for _, a := range u.Delete {
		if err := del(out, a.Path, a.Value.Value); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Paths returns every path u changes, for ReturnValues UPDATED_OLD and
// UPDATED_NEW (Project the old or new item with them).
func (u *Update) Paths() []Path {
	var paths []Path
	for i := range clauses {
		for _, a := range *u.clause(i) {
			paths = append(paths, a.Path)
		}
	}
	return paths
}

// remove applies the REMOVE actions, the higher index of one list first
// so that every index means what it meant in the original item.
func (u *Update) remove(item attr.Item) error {
	paths := make([]Path, len(u.Remove))
	for i, a := range u.Remove {
		paths[i] = a.Path
	}
	slices.SortStableFunc(paths, removalOrder)
	for _, p := range paths {
		if err := removeAt(item, p); err != nil {
			return err
		}
	}
	return nil
}

// removalOrder is a total order of paths that puts, within one list,
// higher indexes first: names by text, indexes descending.
func removalOrder(p, q Path) int {
	for i := 0; i < len(p) && i < len(q); i++ {
		a, b := p[i], q[i]
		switch {
		case a.IsIndex != b.IsIndex:
			return cmpBool(a.IsIndex, b.IsIndex)
		case a.IsIndex && a.Index != b.Index:
			return b.Index - a.Index
		case !a.IsIndex && a.Name != b.Name:
			return strings.Compare(a.Name, b.Name)
		}
	}
	return len(p) - len(q)
}

func cmpBool(a, b bool) int {
	if a {
		return -1
	}
	if b {
		return 1
	}
	return 0
}

// setValue evaluates a SET operand over the original item.
func setValue(n *Node, item attr.Item) (attr.Value, error) {
	switch n.Kind {
	case KindValue:
		return n.Value.Clone(), nil // the item must not share the request's value
	case KindPath:
		v, ok := Resolve(item, n.Path)
		if !ok {
			return attr.Value{}, invalid(msgMissingOperand)
		}
		return v.Clone(), nil
	case KindArith:
		return arith(n, item)
	case KindFunc:
		if n.Op == fnIfNotExists {
			if v, ok := Resolve(item, n.Args[0].Path); ok {
				return v.Clone(), nil
			}
			return setValue(n.Args[1], item)
		}
		return listAppend(n, item)
	}
	return attr.Value{}, invalid(msgUpdateType)
}

func arith(n *Node, item attr.Item) (attr.Value, error) {
	a, err := setValue(n.Args[0], item)
	if err != nil {
		return attr.Value{}, err
	}
	b, err := setValue(n.Args[1], item)
	if err != nil {
		return attr.Value{}, err
	}
	if a.Type != attr.N || b.Type != attr.N {
		return attr.Value{}, invalid(msgUpdateType)
	}
	var r attr.Number
	if n.Op == "+" {
		r, err = a.Number().Add(b.Number())
	} else {
		r, err = a.Number().Sub(b.Number())
	}
	if err != nil {
		return attr.Value{}, fromAttr(err)
	}
	return attr.Num(r), nil
}

func listAppend(n *Node, item attr.Item) (attr.Value, error) {
	a, err := setValue(n.Args[0], item)
	if err != nil {
		return attr.Value{}, err
	}
	b, err := setValue(n.Args[1], item)
	if err != nil {
		return attr.Value{}, err
	}
	if a.Type != attr.L || b.Type != attr.L {
		return attr.Value{}, invalid(msgUpdateType)
	}
	return attr.List(append(slices.Clone(a.L), b.L...)...), nil
}

// fromAttr turns an attr error (a number out of range) into this
// package's error type, keeping AWS's code and message.
func fromAttr(err error) error {
	var e *attr.Error
	if errors.As(err, &e) {
		return &Error{Code: e.Code, Message: e.Message}
	}
	return err
}

// setAt stores v at p in item: a list index past the end appends; every
// step before the last must exist with the right type.
func setAt(item attr.Item, p Path, v attr.Value) error {
	return edit(item, p, func(c attr.Value, e PathElem) (attr.Value, error) {
		switch {
		case e.IsIndex && c.Type == attr.L:
			if e.Index >= len(c.L) {
				c.L = append(c.L, v)
			} else {
				c.L[e.Index] = v
			}
		case !e.IsIndex && c.Type == attr.M:
			c.M[e.Name] = v
		default:
			return c, invalid(msgInvalidUpdatePath)
		}
		return c, nil
	}, func() { item[p[0].Name] = v })
}

// removeAt deletes p from item; a missing last step is no error.
func removeAt(item attr.Item, p Path) error {
	return edit(item, p, func(c attr.Value, e PathElem) (attr.Value, error) {
		switch {
		case e.IsIndex && c.Type == attr.L:
			if e.Index < len(c.L) {
				c.L = slices.Delete(c.L, e.Index, e.Index+1)
			}
		case !e.IsIndex && c.Type == attr.M:
			delete(c.M, e.Name)
		default:
			return c, invalid(msgInvalidUpdatePath)
		}
		return c, nil
	}, func() { delete(item, p[0].Name) })
}

// edit walks item to p's parent and applies last to it with p's last
// step; a top-level p calls top instead.
func edit(item attr.Item, p Path, last func(attr.Value, PathElem) (attr.Value, error), top func()) error {
	if len(p) == 1 {
		top()
		return nil
	}
	root, ok := item[p[0].Name]
	if !ok {
		return invalid(msgInvalidUpdatePath)
	}
	v, err := editIn(root, p[1:], last)
	if err != nil {
		return err
	}
	item[p[0].Name] = v
	return nil
}

func editIn(c attr.Value, p Path, last func(attr.Value, PathElem) (attr.Value, error)) (attr.Value, error) {
	e := p[0]
	if len(p) == 1 {
		return last(c, e)
	}
	switch {
	case e.IsIndex && c.Type == attr.L && e.Index < len(c.L):
		v, err := editIn(c.L[e.Index], p[1:], last)
		c.L[e.Index] = v
		return c, err
	case !e.IsIndex && c.Type == attr.M:
		child, ok := c.M[e.Name]
		if !ok {
			return c, invalid(msgInvalidUpdatePath)
		}
		v, err := editIn(child, p[1:], last)
		c.M[e.Name] = v
		return c, err
	}
	return c, invalid(msgInvalidUpdatePath)
}

// add is ADD: a number added to a number, a set's members to a set of the
// same type, or the value itself where there is none.
func add(item attr.Item, p Path, v attr.Value) error {
	cur, ok := Resolve(item, p)
	if !ok {
		return setAt(item, p, v.Clone())
	}
	switch {
	case cur.Type == attr.N && v.Type == attr.N:
		sum, err := cur.Number().Add(v.Number())
		if err != nil {
			return fromAttr(err)
		}
		return setAt(item, p, attr.Num(sum))
	case cur.Type.IsSet() && cur.Type == v.Type:
		set := slices.Clone(cur.Set)
		for _, m := range v.Set {
			if !slices.Contains(set, m) {
				set = append(set, m)
			}
		}
		return setAt(item, p, attr.Value{Type: cur.Type, Set: set})
	}
	return invalid(msgUpdateType)
}

// del is DELETE: a set's members taken from a set of the same type; a set
// left empty is removed; a missing attribute is left missing.
func del(item attr.Item, p Path, v attr.Value) error {
	if !parentFits(item, p) {
		return invalid(msgInvalidUpdatePath)
	}
	cur, ok := Resolve(item, p)
	if !ok {
		return nil
	}
	if cur.Type != v.Type {
		return invalid(msgUpdateType)
	}
	set := slices.DeleteFunc(slices.Clone(cur.Set), func(m string) bool { return slices.Contains(v.Set, m) })
	if len(set) == 0 {
		return removeAt(item, p)
	}
	return setAt(item, p, attr.Value{Type: cur.Type, Set: set})
}

// parentFits reports whether p's parent exists and can hold p's last
// step: a list for an index, a map for a name.
func parentFits(item attr.Item, p Path) bool {
	if len(p) == 1 {
		return true
	}
	parent, ok := Resolve(item, p[:len(p)-1])
	last := p[len(p)-1]
	return ok && (last.IsIndex && parent.Type == attr.L || !last.IsIndex && parent.Type == attr.M)
}
