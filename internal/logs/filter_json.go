package logs

import (
	"encoding/json"
	"strconv"
	"strings"
)

// jsonExpr is a parsed JSON pattern's condition tree.
type jsonExpr interface {
	eval(root any) bool
}

type jsonAnd []jsonExpr
type jsonOr []jsonExpr

func (a jsonAnd) eval(root any) bool {
	for _, e := range a {
		if !e.eval(root) {
			return false
		}
	}
	return true
}

func (o jsonOr) eval(root any) bool {
	for _, e := range o {
		if e.eval(root) {
			return true
		}
	}
	return false
}

// jsonTest is what a condition checks of the selected node.
type jsonTest uint8

const (
	testCompare jsonTest = iota
	testNull
	testTrue
	testFalse
	testNotExists
)

// jsonCond is one condition on a selector.
type jsonCond struct {
	sel  []segment
	test jsonTest
	op   compareOp
	val  value
}

// segment is a step of a selector: a property, an index, or every child.
type segment struct {
	name  string
	index int // -1 for a property
	all   bool
}

// maxSelectorWildcards and maxPatternWildcards are AWS's quotas on
// wildcards in one selector and in one JSON pattern.
const (
	maxSelectorWildcards = 1
	maxPatternWildcards  = 3
)

func (jc *jsonCond) eval(root any) bool {
	found := false
	hit := walk(root, jc.sel, func(n any) bool {
		found = true
		return jc.holds(n)
	})
	if jc.test == testNotExists {
		return !found
	}
	return hit
}

// holds tests one selected node.
func (jc *jsonCond) holds(n any) bool {
	switch jc.test {
	case testNull:
		return n == nil
	case testTrue, testFalse:
		b, ok := n.(bool)
		return ok && b == (jc.test == testTrue)
	case testNotExists:
		return false
	}
	switch v := n.(type) {
	case string:
		if jc.val.isNum { // a numeric string compares by its value
			f, ok := parseNumber(v)
			return compare(jc.op, v, ok, f, jc.val)
		}
		return compare(jc.op, v, false, 0, jc.val)
	case json.Number:
		f, err := v.Float64()
		return compare(jc.op, string(v), err == nil, f, jc.val)
	case bool:
		return compare(jc.op, strconv.FormatBool(v), false, 0, jc.val)
	}
	return false // null, objects and arrays are not values to compare
}

// walk calls fn on each node sel selects in n until fn returns true, and
// reports whether it did.
func walk(n any, sel []segment, fn func(any) bool) bool {
	if len(sel) == 0 {
		return fn(n)
	}
	s := sel[0]
	switch v := n.(type) {
	case map[string]any:
		if s.all {
			for _, c := range v {
				if walk(c, sel[1:], fn) {
					return true
				}
			}
			return false
		}
		if s.index >= 0 {
			return false
		}
		c, ok := v[s.name]
		return ok && walk(c, sel[1:], fn)
	case []any:
		if s.all {
			for _, c := range v {
				if walk(c, sel[1:], fn) {
					return true
				}
			}
			return false
		}
		return s.index >= 0 && s.index < len(v) && walk(v[s.index], sel[1:], fn)
	}
	return false
}

// matchJSON decodes msg once and evaluates e on it; a message that is not
// one JSON value matches nothing.
func matchJSON(e jsonExpr, msg string) bool {
	s := strings.TrimLeft(msg, " \t\r\n")
	if s == "" || (s[0] != '{' && s[0] != '[') {
		return false
	}
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var root any
	if err := d.Decode(&root); err != nil {
		return false
	}
	if strings.TrimSpace(s[d.InputOffset():]) != "" {
		return false
	}
	return e.eval(root)
}

// jsonParser carries the pattern-wide counts AWS bounds.
type jsonParser struct {
	c         *cursor
	wildcards int
	regexes   int
}

// parseJSON parses { expr } and requires nothing after the brace.
func parseJSON(c *cursor) (jsonExpr, error) {
	p := &jsonParser{c: c}
	c.i++ // '{'
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	c.space()
	if !c.eat("}") {
		return nil, c.fail("expected '&&', '||' or '}'")
	}
	c.space()
	if !c.done() {
		return nil, c.fail("unexpected text after '}'")
	}
	return e, nil
}

func (p *jsonParser) or() (jsonExpr, error) {
	var terms jsonOr
	for {
		e, err := p.and()
		if err != nil {
			return nil, err
		}
		terms = append(terms, e)
		p.c.space()
		if !p.c.eat("||") {
			break
		}
	}
	if len(terms) == 1 {
		return terms[0], nil
	}
	return terms, nil
}

func (p *jsonParser) and() (jsonExpr, error) {
	var terms jsonAnd
	for {
		e, err := p.primary()
		if err != nil {
			return nil, err
		}
		terms = append(terms, e)
		p.c.space()
		if !p.c.eat("&&") {
			break
		}
	}
	if len(terms) == 1 {
		return terms[0], nil
	}
	return terms, nil
}

func (p *jsonParser) primary() (jsonExpr, error) {
	c := p.c
	c.space()
	if c.eat("(") {
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		c.space()
		if !c.eat(")") {
			return nil, c.fail("expected ')'")
		}
		return e, nil
	}
	return p.cond()
}

// cond reads SELECTOR OP VALUE or SELECTOR IS NULL|TRUE|FALSE or SELECTOR
// NOT EXISTS.
func (p *jsonParser) cond() (jsonExpr, error) {
	c := p.c
	sel, err := p.selector()
	if err != nil {
		return nil, err
	}
	c.space()
	jc := &jsonCond{sel: sel}
	switch {
	case c.eat("IS NULL"):
		jc.test = testNull
	case c.eat("IS TRUE"):
		jc.test = testTrue
	case c.eat("IS FALSE"):
		jc.test = testFalse
	case c.eat("NOT EXISTS"):
		jc.test = testNotExists
	default:
		at := c.i
		op, ok := c.readOp()
		if !ok {
			return nil, c.fail("expected a comparison, IS NULL, IS TRUE, IS FALSE or NOT EXISTS")
		}
		c.space()
		vat := c.i
		v, err := c.readValue(")}&|")
		if err != nil {
			return nil, err
		}
		if err := checkOp(c, at, op, v); err != nil {
			return nil, err
		}
		if v.re != nil {
			if p.regexes++; p.regexes > maxPatternRegexes {
				return nil, c.failAt(vat, "at most 2 regular expressions in a pattern")
			}
		}
		jc.op, jc.val = op, v
	}
	return jc, nil
}

// selector reads $ followed by .name, .*, [N], [*] or ['name'] steps.
func (p *jsonParser) selector() ([]segment, error) {
	c := p.c
	start := c.i
	if !c.eat("$") {
		return nil, c.fail("expected a selector starting with '$'")
	}
	var sel []segment
	wild := 0
	for {
		at := c.i
		var s segment
		switch {
		case c.eat(".*"), len(sel) > 0 && c.eat("[*]"):
			s = segment{all: true, index: -1}
		case c.eat(".['"), c.eat(".[\""), len(sel) > 0 && (c.eat("['") || c.eat("[\"")):
			q := c.s[c.i-1]
			end := strings.IndexByte(c.s[c.i:], q)
			if end < 0 || !strings.HasPrefix(c.s[c.i+end+1:], "]") {
				return nil, c.failAt(at, "unterminated quoted property name")
			}
			s = segment{name: c.s[c.i : c.i+end], index: -1}
			c.i += end + 2
		case c.eat("."):
			n := c.i
			for !c.done() && (isAlnum(c.peek()) || c.peek() == '_' || c.peek() == '-') {
				c.i++
			}
			if c.i == n {
				return nil, c.fail("expected a property name")
			}
			s = segment{name: c.s[n:c.i], index: -1}
		case len(sel) == 0 && c.peek() == '[':
			return nil, c.fail("array elements must follow a property")
		case c.eat("["):
			n := c.i
			for !c.done() && c.peek() >= '0' && c.peek() <= '9' {
				c.i++
			}
			idx, err := strconv.Atoi(c.s[n:c.i])
			if err != nil || !c.eat("]") {
				return nil, c.failAt(at, "expected an array index, '*' or a quoted name in [ ]")
			}
			s = segment{index: idx}
		default:
			if len(sel) == 0 {
				return nil, c.failAt(start, "a selector must name a property")
			}
			if !c.done() && !isSpace(c.peek()) && strings.IndexByte("=!<>)}&|", c.peek()) < 0 {
				return nil, c.fail("unexpected character in a selector")
			}
			return sel, nil
		}
		if s.all {
			wild++
			p.wildcards++
			if wild > maxSelectorWildcards || p.wildcards > maxPatternWildcards {
				return nil, c.failAt(at, "too many wildcards")
			}
		}
		sel = append(sel, s)
	}
}
