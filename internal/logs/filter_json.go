package logs

import (
	"encoding/json"
	"strconv"
	"strings"
	"unsafe"
)

// jsonExpr is a parsed JSON pattern's condition tree, evaluated on a
// message already checked to be JSON, read in place.
type jsonExpr interface {
	eval(doc string) bool
}

type jsonAnd []jsonExpr
type jsonOr []jsonExpr

func (a jsonAnd) eval(doc string) bool {
	for _, e := range a {
		if !e.eval(doc) {
			return false
		}
	}
	return true
}

func (o jsonOr) eval(doc string) bool {
	for _, e := range o {
		if e.eval(doc) {
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

func (jc *jsonCond) eval(doc string) bool {
	if jc.test == testNotExists {
		return !walkJSON(doc, skipSpace(doc, 0), jc.sel, func(string) bool { return true })
	}
	return walkJSON(doc, skipSpace(doc, 0), jc.sel, jc.holds)
}

// holds tests one selected value, raw JSON text.
func (jc *jsonCond) holds(raw string) bool {
	switch jc.test {
	case testNull:
		return raw == "null"
	case testTrue:
		return raw == "true"
	case testFalse:
		return raw == "false"
	}
	switch raw[0] {
	case '{', '[', 'n':
		return false // objects, arrays and null are not values to compare
	case 't', 'f':
		return compare(jc.op, raw, false, 0, jc.val)
	case '"':
		str := jsonString(raw)
		if jc.val.isNum { // a numeric string compares by its value
			f, ok := parseNumber(str)
			return compare(jc.op, str, ok, f, jc.val)
		}
		return compare(jc.op, str, false, 0, jc.val)
	}
	f, err := strconv.ParseFloat(raw, 64)
	return compare(jc.op, raw, err == nil, f, jc.val)
}

// matchJSON evaluates e on msg when msg is one JSON object or array; any
// other message matches nothing.
func matchJSON(e jsonExpr, msg string) bool {
	s := strings.Trim(msg, " \t\r\n")
	if s == "" || (s[0] != '{' && s[0] != '[') {
		return false
	}
	// json.Valid only reads its argument: no copy of the message.
	if !json.Valid(unsafe.Slice(unsafe.StringData(s), len(s))) {
		return false
	}
	return e.eval(s)
}

// walkJSON calls fn on the raw text of each value sel selects in the value
// at doc[i] until fn returns true, and reports whether it did. doc is
// valid JSON. A repeated key selects its last value, as encoding/json.
func walkJSON(doc string, i int, sel []segment, fn func(string) bool) bool {
	if len(sel) == 0 {
		return fn(doc[i:skipValue(doc, i)])
	}
	s := sel[0]
	switch doc[i] {
	case '{':
		at := -1
		hit := false
		eachMember(doc, i, func(key string, v int) bool {
			if s.all {
				hit = walkJSON(doc, v, sel[1:], fn)
				return hit
			}
			if s.index < 0 && jsonKeyIs(key, s.name) {
				at = v
			}
			return false
		})
		if at >= 0 {
			return walkJSON(doc, at, sel[1:], fn)
		}
		return hit
	case '[':
		hit := false
		n := 0
		eachElement(doc, i, func(v int) bool {
			if s.all || n == s.index {
				hit = walkJSON(doc, v, sel[1:], fn)
			}
			n++
			return hit || (!s.all && n > s.index)
		})
		return hit
	}
	return false
}

// eachMember calls fn with each key (raw, without quotes) of the object at
// doc[i] and the offset of its value, until fn returns true.
func eachMember(doc string, i int, fn func(key string, v int) bool) {
	j := skipSpace(doc, i+1)
	for doc[j] != '}' {
		end := skipString(doc, j)
		key := doc[j+1 : end-1]
		v := skipSpace(doc, skipSpace(doc, end)+1)
		if fn(key, v) {
			return
		}
		j = skipSpace(doc, skipValue(doc, v))
		if doc[j] == ',' {
			j = skipSpace(doc, j+1)
		}
	}
}

// eachElement calls fn with the offset of each element of the array at
// doc[i], until fn returns true.
func eachElement(doc string, i int, fn func(v int) bool) {
	j := skipSpace(doc, i+1)
	for doc[j] != ']' {
		if fn(j) {
			return
		}
		j = skipSpace(doc, skipValue(doc, j))
		if doc[j] == ',' {
			j = skipSpace(doc, j+1)
		}
	}
}

func skipSpace(doc string, i int) int {
	for i < len(doc) && isSpace(doc[i]) {
		i++
	}
	return i
}

// skipString returns the offset after the string starting at doc[i].
func skipString(doc string, i int) int {
	for j := i + 1; ; j++ {
		switch doc[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
}

// skipValue returns the offset after the value starting at doc[i].
func skipValue(doc string, i int) int {
	switch doc[i] {
	case '"':
		return skipString(doc, i)
	case '{', '[':
		depth := 0
		for j := i; ; j++ {
			switch doc[j] {
			case '"':
				j = skipString(doc, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
	}
	j := i
	for j < len(doc) && !isSpace(doc[j]) && doc[j] != ',' && doc[j] != '}' && doc[j] != ']' {
		j++
	}
	return j
}

// jsonKeyIs compares a raw key with a name, unescaping only keys that
// hold escapes.
func jsonKeyIs(raw, name string) bool {
	if strings.IndexByte(raw, '\\') < 0 {
		return raw == name
	}
	return jsonString(`"`+raw+`"`) == name
}

// jsonString is the value of a raw JSON string.
func jsonString(raw string) string {
	if strings.IndexByte(raw, '\\') < 0 {
		return raw[1 : len(raw)-1]
	}
	var s string
	if json.Unmarshal([]byte(raw), &s) != nil {
		return ""
	}
	return s
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
	if end := strings.TrimRight(c.s, " \t\r\n"); end[len(end)-1] != '}' {
		return nil, &PatternError{Offset: len(end), Reason: "expected '}' at the end", Message: msgUnclosedJSON}
	}
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
	case c.eatWords("IS", "NULL"):
		jc.test = testNull
	case c.eatWords("IS", "TRUE"):
		jc.test = testTrue
	case c.eatWords("IS", "FALSE"):
		jc.test = testFalse
	case c.eatWords("NOT", "EXISTS"):
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
