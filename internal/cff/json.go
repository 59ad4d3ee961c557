package cff

import (
	"encoding/json"
	"strings"

	"github.com/verge-edge/verge/internal/jsonx"
)

// value is a parsed JSON value.
type value struct {
	typ byte // one of the kinds below
	// str is a string's value, or a number's or literal's text.
	str string
	obj object
	arr []*value
	// raw is the value's JSON text.
	raw []byte
}

// member is one property of a JSON object.
type member struct {
	key string
	val *value
}

// object is a JSON object's properties in their order. JavaScript objects
// keep insertion order and JSON.stringify writes it, so a function's
// querystring comes back in the order its parameters were added. Names are
// case-sensitive, as in JavaScript (encoding/json would match "multivalue"
// to a field tagged "multiValue").
type object []member

// get returns the value of the property key, nil if there is none.
func (o object) get(key string) *value {
	for _, m := range o {
		if m.key == key {
			return m.val
		}
	}
	return nil
}

// has reports whether key is a property whose value is not null.
func (o object) has(key string) bool { return !o.get(key).absent() }

// The kinds of JSON value.
const (
	kindNone   = 0 // no value: an absent property
	kindNull   = 'n'
	kindString = '"'
	kindObject = '{'
	kindArray  = '['
	kindBool   = 't'
	kindNumber = '0'
)

// kind returns v's kind; kindNone for nil.
func (v *value) kind() byte {
	if v == nil {
		return kindNone
	}
	return v.typ
}

// object returns v's properties if it is an object.
func (v *value) object() (object, bool) {
	if v.kind() != kindObject {
		return nil, false
	}
	return v.obj, true
}

// string returns v's value if it is a string.
func (v *value) string() (string, bool) {
	if v.kind() != kindString {
		return "", false
	}
	return v.str, true
}

// array returns v's elements if it is an array.
func (v *value) array() ([]*value, bool) {
	if v.kind() != kindArray {
		return nil, false
	}
	return v.arr, true
}

// absent reports whether v is absent or null, which results treat alike.
func (v *value) absent() bool {
	k := v.kind()
	return k == kindNone || k == kindNull
}

// parse parses data as JSON; ok is false when it is not valid JSON. It
// validates with encoding/json first, then builds the tree in one pass. A
// repeated property name keeps its first position and takes its last
// value, as JSON.parse does.
func parse(data []byte) (v *value, ok bool) {
	if !json.Valid(data) {
		return nil, false
	}
	p := parser{data: data}
	p.space()
	return p.value(), true
}

// parser reads JSON already known to be valid.
type parser struct {
	data []byte
	i    int
	// slab is where values are allocated from, a few dozen at a time: a
	// function's result has one per object, string and number.
	slab []value
}

// newValue returns a zero value from the slab.
func (p *parser) newValue() *value {
	if len(p.slab) == cap(p.slab) {
		// About one value per 20 bytes of a function's result.
		p.slab = make([]value, 0, min(len(p.data)/20+4, 64))
	}
	p.slab = p.slab[:len(p.slab)+1]
	return &p.slab[len(p.slab)-1]
}

func (p *parser) space() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) value() *value {
	start := p.i
	v := p.newValue()
	switch c := p.data[p.i]; c {
	case '{':
		v.typ = kindObject
		p.i++
		p.space()
		var index map[string]int
		for p.data[p.i] != '}' {
			p.space()
			key := p.string()
			p.space()
			p.i++ // ':'
			p.space()
			val := p.value()
			i, dup := -1, false
			if index != nil {
				i, dup = index[key]
			} else {
				for j, m := range v.obj {
					if m.key == key {
						i, dup = j, true
						break
					}
				}
			}
			switch {
			case dup:
				v.obj[i].val = val
			default:
				v.obj = append(v.obj, member{key, val})
				if index != nil {
					index[key] = len(v.obj) - 1
				} else if len(v.obj) > 16 {
					index = make(map[string]int, 2*len(v.obj))
					for j, m := range v.obj {
						index[m.key] = j
					}
				}
			}
			p.space()
			if p.data[p.i] == ',' {
				p.i++
				p.space()
			}
		}
		p.i++
	case '[':
		v.typ = kindArray
		p.i++
		p.space()
		for p.data[p.i] != ']' {
			v.arr = append(v.arr, p.value())
			p.space()
			if p.data[p.i] == ',' {
				p.i++
				p.space()
			}
		}
		p.i++
	case '"':
		v.typ = kindString
		v.str = p.string()
	case 't', 'f', 'n':
		v.typ = kindBool
		if c == 'n' {
			v.typ = kindNull
		}
		for p.i < len(p.data) && 'a' <= p.data[p.i] && p.data[p.i] <= 'z' {
			p.i++
		}
		v.str = string(p.data[start:p.i])
	default:
		v.typ = kindNumber
		for p.i < len(p.data) && strings.IndexByte("+-.0123456789eE", p.data[p.i]) >= 0 {
			p.i++
		}
		v.str = string(p.data[start:p.i])
	}
	v.raw = p.data[start:p.i]
	return v
}

// string reads a string; p.i is at its opening quote. jsonx.ReadString
// decodes it as encoding/json would: invalid UTF-8 and lone surrogates
// become U+FFFD. The data is valid JSON, so it cannot fail.
func (p *parser) string() string {
	s, rest, _ := jsonx.ReadString(p.data[p.i:])
	p.i = len(p.data) - len(rest)
	return string(s)
}

// writer builds JSON text by hand, so that object properties come out in
// the order they are written.
type writer struct {
	b []byte
}

func (w *writer) raw(s string) { w.b = append(w.b, s...) }
func (w *writer) str(s string) { w.b = jsonx.AppendString(w.b, s) }

// obj writes the properties of one object, with the commas between them.
type obj struct {
	w *writer
	n int
}

func (w *writer) open() obj {
	w.b = append(w.b, '{')
	return obj{w: w}
}

// key writes the name of the next property; its value follows.
func (o *obj) key(k string) *writer {
	if o.n > 0 {
		o.w.b = append(o.w.b, ',')
	}
	o.n++
	o.w.str(k)
	o.w.b = append(o.w.b, ':')
	return o.w
}

func (o *obj) close() { o.w.b = append(o.w.b, '}') }
