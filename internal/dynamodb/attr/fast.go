package attr

import (
	"encoding/base64"

	"github.com/verge-edge/verge/internal/jsonx"
)

// The fast readers below handle the wire form of well-formed items
// without reflection or re-scanning. They accept only documents whose
// meaning is plain (no duplicate members, no nulls, no unknown or mixed
// type members, no invalid values) and report !ok for anything else, so
// that their callers fall back to the encoding/json path and its exact
// errors. On what they accept they agree with it (fast_test.go fuzzes
// that).

// maxFastDepth bounds the nesting the fast readers follow; deeper
// documents take the slow path.
const maxFastDepth = 64

// A Lexer reads JSON tokens from a byte slice; ok turns false at the
// first thing it does not accept, and stays false.
type Lexer struct {
	b  []byte
	i  int
	ok bool
}

// NewLexer starts reading b.
func NewLexer(b []byte) *Lexer { return &Lexer{b: b, ok: true} }

// OK reports whether everything read so far was accepted.
func (l *Lexer) OK() bool { return l.ok }

// Fail marks the document as not accepted.
func (l *Lexer) Fail() { l.ok = false }

// End reports whether only whitespace is left and all was accepted.
func (l *Lexer) End() bool {
	l.ws()
	return l.ok && l.i == len(l.b)
}

func (l *Lexer) ws() {
	for l.i < len(l.b) {
		switch l.b[l.i] {
		case ' ', '\t', '\n', '\r':
			l.i++
		default:
			return
		}
	}
}

// Peek is the next non-space byte, 0 at the end.
func (l *Lexer) Peek() byte {
	l.ws()
	if l.i < len(l.b) {
		return l.b[l.i]
	}
	return 0
}

// Eat consumes c if it is next.
func (l *Lexer) Eat(c byte) bool {
	if l.ok && l.Peek() == c {
		l.i++
		return true
	}
	return false
}

// Expect consumes c, failing when it is not next.
func (l *Lexer) Expect(c byte) {
	if !l.Eat(c) {
		l.ok = false
	}
}

// Bytes reads a string's content, decoded as encoding/json decodes it.
// It may alias the input.
func (l *Lexer) Bytes() []byte {
	if !l.ok || l.Peek() != '"' {
		l.ok = false
		return nil
	}
	// The common case, no escapes and ASCII, without a call.
	for j := l.i + 1; j < len(l.b); j++ {
		c := l.b[j]
		if c == '"' {
			s := l.b[l.i+1 : j]
			l.i = j + 1
			return s
		}
		if c < 0x20 || c == '\\' || c >= 0x80 {
			break
		}
	}
	s, rest, err := jsonx.ReadString(l.b[l.i:])
	if err != nil {
		l.ok = false
		return nil
	}
	l.i = len(l.b) - len(rest)
	return s
}

// String reads a string.
func (l *Lexer) String() string { return string(l.Bytes()) }

// Bool reads true or false.
func (l *Lexer) Bool() bool {
	switch l.Peek() {
	case 't':
		return l.word("true")
	case 'f':
		l.word("false")
		return false
	}
	l.ok = false
	return false
}

func (l *Lexer) word(w string) bool {
	if l.ok && len(l.b)-l.i >= len(w) && string(l.b[l.i:l.i+len(w)]) == w {
		l.i += len(w)
		return true
	}
	l.ok = false
	return false
}

// Members calls f with each member name of an object, f reading the
// member's value.
func (l *Lexer) Members(f func(name []byte)) {
	l.Expect('{')
	if l.Eat('}') {
		return
	}
	for l.ok {
		name := l.Bytes()
		l.Expect(':')
		if !l.ok {
			return
		}
		f(name)
		if l.Eat('}') {
			return
		}
		l.Expect(',')
	}
}

// Elements calls f for each element of an array, f reading it.
func (l *Lexer) Elements(f func()) {
	l.Expect('[')
	if l.Eat(']') {
		return
	}
	for l.ok {
		f()
		if l.Eat(']') {
			return
		}
		l.Expect(',')
	}
}

// FastDecodeItem decodes a wire item as DecodeItem does, when its
// meaning is plain; ok is false otherwise.
func FastDecodeItem(b []byte) (Item, bool) {
	l := NewLexer(b)
	item := l.Item(0)
	return item, l.End()
}

// Item reads an object of wire values at nesting depth.
func (l *Lexer) Item(depth int) Item {
	if depth > maxFastDepth {
		l.ok = false
		return nil
	}
	item := Item{}
	l.Members(func(name []byte) {
		if _, dup := item[string(name)]; dup {
			l.ok = false
			return
		}
		item[string(name)] = l.Value(depth + 1)
	})
	return item
}

// Value reads one wire value, {"S":"x"} and so on.
func (l *Lexer) Value(depth int) Value {
	var v Value
	l.Expect('{')
	t, ok := ParseType(string(l.Bytes()))
	if !ok {
		l.ok = false
	}
	l.Expect(':')
	if !l.ok {
		return v
	}
	switch t {
	case S:
		v = Str(l.String())
	case N:
		n, err := ParseNum(l.String())
		v, l.ok = n, l.ok && err == nil
	case B:
		v = Bin(l.binary())
	case BOOL:
		v = Boolean(l.Bool())
	case NULL:
		l.ok = l.ok && l.Bool()
		v = Null()
	case M:
		v = Map(l.Item(depth))
	case L:
		v = List(l.list(depth)...)
	default:
		v = l.set(t)
	}
	l.Expect('}')
	return v
}

func (l *Lexer) binary() []byte {
	s := l.Bytes()
	if !l.ok {
		return nil
	}
	b, err := base64.StdEncoding.DecodeString(string(s))
	if err != nil {
		l.ok = false
	}
	return b
}

func (l *Lexer) list(depth int) []Value {
	if depth > maxFastDepth {
		l.ok = false
		return nil
	}
	list := []Value{}
	l.Elements(func() { list = append(list, l.Value(depth+1)) })
	return list
}

// set reads an SS, NS or BS member: strings, numbers canonical, binaries
// decoded; none repeated.
func (l *Lexer) set(t Type) Value {
	var set []string
	l.Elements(func() {
		switch t {
		case BS:
			set = append(set, string(l.binary()))
		case NS:
			n, err := ParseNumber(l.String())
			l.ok = l.ok && err == nil
			set = append(set, n.String())
		default:
			set = append(set, l.String())
		}
	})
	if len(set) == 0 || hasDuplicates(set) {
		l.ok = false
	}
	return Value{Type: t, Set: set}
}

// FastSize is Size of the wire item b without building it, when its
// meaning is plain; ok is false otherwise.
func FastSize(b []byte) (n int, ok bool) {
	l := NewLexer(b)
	n = l.itemSize(0, nil)
	return n, l.End()
}

// itemSize reads an object of wire values, returning the names' and
// values' sizes; count, when not nil, counts the members.
func (l *Lexer) itemSize(depth int, count *int) int {
	if depth > maxFastDepth {
		l.ok = false
		return 0
	}
	var names nameSet
	n := 0
	l.Members(func(name []byte) {
		if !names.add(name) {
			l.ok = false
		}
		n += len(name) + l.valueSize(depth+1)
	})
	if count != nil {
		*count = names.n
	}
	return n
}

// A nameSet finds repeated member names: by a scan while few, then by a
// map.
type nameSet struct {
	few  [16][]byte
	many map[string]struct{}
	n    int
}

// add records name, reporting false when it was there already.
func (s *nameSet) add(name []byte) bool {
	s.n++
	if s.n <= len(s.few) {
		for _, seen := range s.few[:s.n-1] {
			if string(seen) == string(name) {
				return false
			}
		}
		s.few[s.n-1] = name
		return true
	}
	if s.many == nil {
		s.many = make(map[string]struct{}, 2*len(s.few))
		for _, seen := range s.few {
			s.many[string(seen)] = struct{}{}
		}
	}
	if _, dup := s.many[string(name)]; dup {
		return false
	}
	s.many[string(name)] = struct{}{}
	return true
}

// valueSize reads one wire value, returning Value.Size of it.
func (l *Lexer) valueSize(depth int) int {
	l.Expect('{')
	t, ok := ParseType(string(l.Bytes()))
	if !ok {
		l.ok = false
	}
	l.Expect(':')
	if !l.ok {
		return 0
	}
	n := 0
	switch t {
	case S:
		n = len(l.Bytes())
	case N:
		num, err := ParseNumber(string(l.Bytes()))
		l.ok = l.ok && err == nil
		n = (num.Digits()+1)/2 + 1
	case B:
		n = len(l.binary())
	case BOOL:
		l.Bool()
		n = sizeOneByte
	case NULL:
		l.ok = l.ok && l.Bool()
		n = sizeOneByte
	case M:
		var count int
		n = l.itemSize(depth, &count)
		n += sizeContainer + count
	case L:
		if depth > maxFastDepth {
			l.ok = false
		}
		n = sizeContainer
		l.Elements(func() { n += 1 + l.valueSize(depth+1) })
	default:
		n = l.set(t).Size()
	}
	l.Expect('}')
	return n
}
