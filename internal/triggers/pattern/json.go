package pattern

import (
	"errors"
	"fmt"

	"github.com/verge-edge/verge/internal/jsonx"
)

// kind is the type of a JSON value.
type kind uint8

const (
	kindString kind = iota + 1
	kindNumber
	kindTrue
	kindFalse
	kindNull
	kindObject
	kindArray
)

// node is a parsed JSON value. Object members keep their order and their
// duplicates, which the pattern compiler needs ("the last key wins") and
// encoding/json would hide.
type node struct {
	kind    kind
	str     string // decoded string, or a number's literal text
	members []member
	elems   []node
}

type member struct {
	key string
	val node
}

// parser is a strict RFC 8259 recursive-descent parser with a depth cap,
// so hostile input cannot recurse without bound.
type parser struct {
	data     []byte
	pos      int
	depth    int
	maxDepth int
}

var errDepth = errors.New("nesting too deep")

// parseJSON parses one JSON value that must fill data (surrounding
// whitespace aside).
func parseJSON(data []byte, maxDepth int) (node, error) {
	p := parser{data: data, maxDepth: maxDepth}
	v, err := p.value()
	if err != nil {
		return node{}, err
	}
	p.skipSpace()
	if p.pos != len(p.data) {
		return node{}, p.errorf("unexpected data after the value")
	}
	return v, nil
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("invalid JSON at offset %d: %s", p.pos, fmt.Sprintf(format, args...))
}

func (p *parser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) value() (node, error) {
	p.skipSpace()
	if p.pos >= len(p.data) {
		return node{}, p.errorf("unexpected end of input")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		s, err := p.string()
		return node{kind: kindString, str: s}, err
	case c == '-' || (c >= '0' && c <= '9'):
		s, err := p.number()
		return node{kind: kindNumber, str: s}, err
	default:
		return p.literal()
	}
}

func (p *parser) literal() (node, error) {
	for _, l := range [...]struct {
		text string
		kind kind
	}{{"true", kindTrue}, {"false", kindFalse}, {"null", kindNull}} {
		if len(p.data)-p.pos >= len(l.text) && string(p.data[p.pos:p.pos+len(l.text)]) == l.text {
			p.pos += len(l.text)
			return node{kind: l.kind}, nil
		}
	}
	return node{}, p.errorf("unexpected character %q", p.data[p.pos])
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > p.maxDepth {
		return fmt.Errorf("invalid JSON at offset %d: %w (limit %d)", p.pos, errDepth, p.maxDepth)
	}
	return nil
}

func (p *parser) object() (node, error) {
	if err := p.enter(); err != nil {
		return node{}, err
	}
	defer func() { p.depth-- }()
	p.pos++ // '{'
	v := node{kind: kindObject}
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return v, nil
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return node{}, p.errorf("expected a member name")
		}
		key, err := p.string()
		if err != nil {
			return node{}, err
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return node{}, p.errorf("expected ':'")
		}
		p.pos++
		val, err := p.value()
		if err != nil {
			return node{}, err
		}
		v.members = append(v.members, member{key: key, val: val})
		if done, err := p.next('}'); done || err != nil {
			return v, err
		}
	}
}

func (p *parser) array() (node, error) {
	if err := p.enter(); err != nil {
		return node{}, err
	}
	defer func() { p.depth-- }()
	p.pos++ // '['
	v := node{kind: kindArray}
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return v, nil
	}
	for {
		e, err := p.value()
		if err != nil {
			return node{}, err
		}
		v.elems = append(v.elems, e)
		if done, err := p.next(']'); done || err != nil {
			return v, err
		}
	}
}

// next consumes ',' (more to come) or the closing byte (done).
func (p *parser) next(closing byte) (done bool, err error) {
	p.skipSpace()
	if p.pos >= len(p.data) {
		return false, p.errorf("unexpected end of input")
	}
	switch p.data[p.pos] {
	case ',':
		p.pos++
		return false, nil
	case closing:
		p.pos++
		return true, nil
	}
	return false, p.errorf("expected ',' or %q", closing)
}

// number scans -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and returns
// its text.
func (p *parser) number() (string, error) {
	start := p.pos
	if p.data[p.pos] == '-' {
		p.pos++
	}
	switch {
	case p.pos < len(p.data) && p.data[p.pos] == '0':
		p.pos++
	case p.digits() == 0:
		return "", p.errorf("invalid number")
	}
	if p.pos < len(p.data) && p.data[p.pos] == '.' {
		p.pos++
		if p.digits() == 0 {
			return "", p.errorf("invalid number")
		}
	}
	if p.pos < len(p.data) && (p.data[p.pos] == 'e' || p.data[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.data) && (p.data[p.pos] == '+' || p.data[p.pos] == '-') {
			p.pos++
		}
		if p.digits() == 0 {
			return "", p.errorf("invalid number")
		}
	}
	return string(p.data[start:p.pos]), nil
}

func (p *parser) digits() int {
	n := 0
	for p.pos < len(p.data) && p.data[p.pos] >= '0' && p.data[p.pos] <= '9' {
		p.pos++
		n++
	}
	return n
}

// string decodes the JSON string at p.pos (jsonx.ReadString): invalid
// UTF-8 and lone surrogates become U+FFFD, as in encoding/json.
func (p *parser) string() (string, error) {
	s, rest, err := jsonx.ReadString(p.data[p.pos:])
	if err != nil {
		var se *jsonx.SyntaxError
		if errors.As(err, &se) {
			p.pos += se.Offset
			err = p.errorf("%s", se.Msg)
		}
		return "", err
	}
	p.pos = len(p.data) - len(rest)
	return string(s), nil
}
