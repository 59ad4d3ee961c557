package attr

import (
	"bytes"
	"slices"
	"strings"
)

// Type is an attribute value's data type.
type Type uint8

// The types, in the order of their wire names.
const (
	Invalid Type = iota // the zero Value: no type
	S
	N
	B
	BOOL
	NULL
	M
	L
	SS
	NS
	BS
)

var typeNames = [...]string{"", "S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"}

// String is the type's wire name: "S", "NS", "BOOL", ….
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "?"
}

// ParseType returns the type named name ("S", "NS", …).
func ParseType(name string) (Type, bool) {
	for i, n := range typeNames {
		if n != "" && n == name {
			return Type(i), true
		}
	}
	return Invalid, false
}

// IsSet reports whether t is SS, NS or BS.
func (t Type) IsSet() bool { return t == SS || t == NS || t == BS }

// A Value is one DynamoDB attribute value. Which fields hold it depends on
// Type: S for S and, in canonical form, N; B for B; Bool for BOOL; L and M
// for lists and maps; Set for SS, NS (canonical numbers) and BS (raw bytes
// as strings). NULL has no field. Build Values with the constructors, or
// decode them, so numbers are canonical and sets hold no duplicates.
type Value struct {
	Type Type
	S    string
	B    []byte
	Bool bool
	L    []Value
	M    map[string]Value
	Set  []string
}

// An Item is a map of attribute names to values.
type Item = map[string]Value

// Str returns an S value.
func Str(s string) Value { return Value{Type: S, S: s} }

// Num returns an N value of n.
func Num(n Number) Value { return Value{Type: N, S: n.String()} }

// ParseNum returns an N value of the decimal text s.
func ParseNum(s string) (Value, error) {
	n, err := ParseNumber(s)
	if err != nil {
		return Value{}, err
	}
	return Num(n), nil
}

// Bin returns a B value.
func Bin(b []byte) Value { return Value{Type: B, B: b} }

// Boolean returns a BOOL value.
func Boolean(b bool) Value { return Value{Type: BOOL, Bool: b} }

// Null returns the NULL value.
func Null() Value { return Value{Type: NULL} }

// List returns an L value.
func List(vs ...Value) Value { return Value{Type: L, L: vs} }

// Map returns an M value.
func Map(m map[string]Value) Value { return Value{Type: M, M: m} }

// Number returns v's number; v must be an N value built by this package.
func (v Value) Number() Number {
	n, _ := ParseNumber(v.S)
	return n
}

// Equal reports whether v and w are the same value: same type and
// contents, sets compared as sets.
func (v Value) Equal(w Value) bool {
	if v.Type != w.Type {
		return false
	}
	switch v.Type {
	case S, N:
		return v.S == w.S
	case B:
		return bytes.Equal(v.B, w.B)
	case BOOL:
		return v.Bool == w.Bool
	case NULL, Invalid:
		return true
	case L:
		return slices.EqualFunc(v.L, w.L, Value.Equal)
	case M:
		if len(v.M) != len(w.M) {
			return false
		}
		for k, x := range v.M {
			y, ok := w.M[k]
			if !ok || !x.Equal(y) {
				return false
			}
		}
		return true
	}
	return len(v.Set) == len(w.Set) && subset(v.Set, w.Set)
}

// subset reports whether every member of a is in b.
func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// Compare orders two values of the same scalar type (S, N or B) as
// DynamoDB orders sort keys: strings and binaries by bytes, numbers by
// value. ok is false when the types differ or cannot be ordered.
func Compare(v, w Value) (c int, ok bool) {
	if v.Type != w.Type {
		return 0, false
	}
	switch v.Type {
	case S:
		return strings.Compare(v.S, w.S), true
	case N:
		return v.Number().Cmp(w.Number()), true
	case B:
		return bytes.Compare(v.B, w.B), true
	}
	return 0, false
}

// Clone returns a deep copy of v, so updates never share lists or maps.
func (v Value) Clone() Value {
	switch v.Type {
	case L:
		l := make([]Value, len(v.L))
		for i, x := range v.L {
			l[i] = x.Clone()
		}
		v.L = l
	case M:
		v.M = CloneItem(v.M)
	case SS, NS, BS:
		v.Set = slices.Clone(v.Set)
	case B:
		v.B = slices.Clone(v.B)
	}
	return v
}

// CloneItem returns a deep copy of item.
func CloneItem(item Item) Item {
	if item == nil {
		return nil
	}
	c := make(Item, len(item))
	for k, v := range item {
		c[k] = v.Clone()
	}
	return c
}
