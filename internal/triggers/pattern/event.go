package pattern

import (
	"errors"
	"strconv"
)

// An Event is an event flattened once, so many patterns can match it
// cheaply. It is immutable and safe for concurrent use.
type Event struct {
	fields map[string][]leaf
}

// leaf is one scalar value of an event; arrays are crushed out, so a path
// may carry several leaves.
type leaf struct {
	kind kind
	str  string  // decoded string, or a number's literal text
	num  float64 // the value of a number
}

// Flatten parses event, which must be a JSON object, into its leaves keyed
// by dotted path (array indices omitted). It walks the JSON once without
// building a tree.
func Flatten(event []byte) (*Event, error) {
	p := parser{data: event, maxDepth: MaxEventDepth}
	p.skipSpace()
	if p.pos >= len(p.data) || p.data[p.pos] != '{' {
		if _, err := parseJSON(event, MaxEventDepth); err != nil {
			return nil, err
		}
		return nil, errors.New("event: not a JSON object")
	}
	e := &Event{fields: make(map[string][]leaf, 32)}
	if err := p.flatten("", e); err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(p.data) {
		return nil, p.errorf("unexpected data after the value")
	}
	return e, nil
}

// flatten parses one value found at path and adds its leaves to e.
func (p *parser) flatten(path string, e *Event) error {
	p.skipSpace()
	if p.pos >= len(p.data) {
		return p.errorf("unexpected end of input")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.flattenObject(path, e)
	case c == '[':
		return p.flattenArray(path, e)
	case c == '"':
		s, err := p.string()
		e.fields[path] = append(e.fields[path], leaf{kind: kindString, str: s})
		return err
	case c == '-' || (c >= '0' && c <= '9'):
		s, err := p.number()
		f, _ := strconv.ParseFloat(s, 64) // out of range gives ±Inf
		e.fields[path] = append(e.fields[path], leaf{kind: kindNumber, str: s, num: f})
		return err
	}
	v, err := p.literal()
	e.fields[path] = append(e.fields[path], leaf{kind: v.kind})
	return err
}

func (p *parser) flattenObject(path string, e *Event) error {
	if err := p.enter(); err != nil {
		return err
	}
	defer func() { p.depth-- }()
	p.pos++ // '{'
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return nil
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return p.errorf("expected a member name")
		}
		key, err := p.string()
		if err != nil {
			return err
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return p.errorf("expected ':'")
		}
		p.pos++
		if err := p.flatten(join(path, key), e); err != nil {
			return err
		}
		if done, err := p.next('}'); done || err != nil {
			return err
		}
	}
}

func (p *parser) flattenArray(path string, e *Event) error {
	if err := p.enter(); err != nil {
		return err
	}
	defer func() { p.depth-- }()
	p.pos++ // '['
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return nil
	}
	for {
		if err := p.flatten(path, e); err != nil {
			return err
		}
		if done, err := p.next(']'); done || err != nil {
			return err
		}
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + pathSep + key
}

// NewEvent returns an empty event for callers that hold values rather than
// JSON (SNS message attributes); fill it with the Add methods before
// matching.
func NewEvent() *Event { return &Event{fields: make(map[string][]leaf, 8)} }

// AddString adds a string leaf at path.
func (e *Event) AddString(path, s string) {
	e.fields[path] = append(e.fields[path], leaf{kind: kindString, str: s})
}

// AddNumber adds a number leaf at path: literal is its text (which exact
// number conditions compare) and v its value.
func (e *Event) AddNumber(path, literal string, v float64) {
	e.fields[path] = append(e.fields[path], leaf{kind: kindNumber, str: literal, num: v})
}

// AddJSON adds the leaves of the JSON value at path, as Flatten would
// had the value been found there.
func (e *Event) AddJSON(path string, value []byte) error {
	p := parser{data: value, maxDepth: MaxEventDepth}
	if err := p.flatten(path, e); err != nil {
		return err
	}
	p.skipSpace()
	if p.pos != len(p.data) {
		return p.errorf("unexpected data after the value")
	}
	return nil
}
