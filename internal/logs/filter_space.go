package logs

import (
	"strconv"
	"strings"
)

// spaceFilter is a space-delimited pattern: the entries before and after
// the ellipsis, if there is one.
type spaceFilter struct {
	before, after []spaceEntry
	ellipsis      bool
	conds         []spaceExpr // every entry's condition, in order
}

// spaceEntry is one field of the pattern; name is "" for an unnamed one.
type spaceEntry struct {
	name string
	cond spaceExpr // nil without conditions
}

// fieldRef is where a named field sits: index into before, or, when
// fromEnd, into after.
type fieldRef struct {
	index   int
	fromEnd bool
}

// spaceExpr is one entry's conditions: ORs of ANDs (&& binds tighter).
// It is a concrete type so that matching does not move fields to the heap.
type spaceExpr [][]*spaceCond

func (e spaceExpr) eval(msg string, f fields) bool {
	for _, ands := range e {
		ok := true
		for _, c := range ands {
			if !c.eval(msg, f) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// spaceCond compares a named field with a value.
type spaceCond struct {
	name string
	ref  fieldRef
	op   compareOp
	val  value
}

func (sc *spaceCond) eval(msg string, f fields) bool {
	s := f.get(msg, sc.ref)
	n, isNum := 0.0, false
	if sc.val.isNum {
		n, isNum = parseNumber(s)
	}
	return compare(sc.op, s, isNum, n, sc.val)
}

// fields is a message split into fields, as offsets. The message is kept
// apart, so that the spans (on the stack in match) do not escape with the
// text, which may go to a regexp.
type fields struct {
	spans [][2]int
	after int // entries after the ellipsis
}

func (f fields) get(msg string, r fieldRef) string {
	i := r.index
	if r.fromEnd {
		i = len(f.spans) - f.after + r.index
	}
	sp := f.spans[i]
	return msg[sp[0]:sp[1]]
}

// match splits msg, checks the field count and the conditions and, when
// out is not nil, fills it with the fields by name or position.
func (sf *spaceFilter) match(msg string, out map[string]string) bool {
	var buf [32][2]int
	limit := -1
	if !sf.ellipsis {
		limit = len(sf.before)
	}
	f := fields{spans: splitFields(msg, limit, buf[:0]), after: len(sf.after)}
	n, fixed := len(f.spans), len(sf.before)+len(sf.after)
	if n < fixed || !sf.ellipsis && n != fixed {
		return false
	}
	for _, c := range sf.conds {
		if !c.eval(msg, f) {
			return false
		}
	}
	if out != nil {
		for i, sp := range f.spans {
			name := ""
			switch {
			case i < len(sf.before):
				name = sf.before[i].name
			case i >= n-len(sf.after):
				name = sf.after[i-(n-len(sf.after))].name
			}
			if name == "" {
				name = strconv.Itoa(i + 1)
			}
			out["$"+name] = msg[sp[0]:sp[1]]
		}
	}
	return true
}

// splitFields splits msg at whitespace; text between double quotes or
// square brackets is one field, without them. With limit > 0 the last
// field takes the rest of the line.
func splitFields(msg string, limit int, spans [][2]int) [][2]int {
	i := 0
	for {
		for i < len(msg) && isSpace(msg[i]) {
			i++
		}
		if i >= len(msg) {
			return spans
		}
		if limit > 0 && len(spans) == limit-1 {
			end := len(msg)
			for end > i && isSpace(msg[end-1]) {
				end--
			}
			if q := msg[i]; end-i >= 2 && (q == '"' && msg[end-1] == '"' || q == '[' && msg[end-1] == ']') &&
				strings.IndexByte(msg[i+1:end-1], msg[end-1]) < 0 {
				i, end = i+1, end-1 // one quoted field
			}
			return append(spans, [2]int{i, end})
		}
		var closing byte
		switch msg[i] {
		case '"':
			closing = '"'
		case '[':
			closing = ']'
		}
		if closing != 0 {
			end := strings.IndexByte(msg[i+1:], closing)
			if end < 0 {
				return append(spans, [2]int{i + 1, len(msg)})
			}
			spans = append(spans, [2]int{i + 1, i + 1 + end})
			i += end + 2
			continue
		}
		end := i
		for end < len(msg) && !isSpace(msg[end]) {
			end++
		}
		spans = append(spans, [2]int{i, end})
		i = end
	}
}

// spaceParser reads a space-delimited pattern; names are resolved once
// every entry is known.
type spaceParser struct {
	c       *cursor
	refs    []*spaceCond
	refName []string
	refAt   []int
	regexes int
}

func parseSpace(c *cursor) (*spaceFilter, error) {
	p := &spaceParser{c: c}
	sf := &spaceFilter{}
	c.i++ // '['
	c.space()
	if c.eat("]") {
		sf.ellipsis = true
		return sf, p.end()
	}
	declared := map[string]fieldRef{}
	for {
		c.space()
		at := c.i
		var entry spaceEntry
		switch {
		case c.eat("..."):
			if sf.ellipsis {
				return nil, c.failAt(at, "only one '...' is allowed")
			}
			sf.ellipsis = true
		case c.peek() == ',' || c.peek() == ']':
			sf.add(entry)
		default:
			name, e, err := p.entry()
			if err != nil {
				return nil, err
			}
			if _, dup := declared[name]; dup {
				return nil, c.failAt(at, "field "+name+" is named twice")
			}
			entry.name, entry.cond = name, e
			declared[name] = sf.add(entry)
			if e != nil {
				sf.conds = append(sf.conds, e)
			}
		}
		c.space()
		if c.eat("]") {
			break
		}
		if !c.eat(",") {
			return nil, c.fail("expected ',' or ']'")
		}
	}
	for i, r := range p.refs {
		ref, ok := declared[p.refName[i]]
		if !ok {
			return nil, c.failAt(p.refAt[i], "field "+p.refName[i]+" is not in the pattern")
		}
		r.ref = ref
	}
	return sf, p.end()
}

// add appends an entry and returns where it sits.
func (sf *spaceFilter) add(e spaceEntry) fieldRef {
	if sf.ellipsis {
		sf.after = append(sf.after, e)
		return fieldRef{index: len(sf.after) - 1, fromEnd: true}
	}
	sf.before = append(sf.before, e)
	return fieldRef{index: len(sf.before) - 1}
}

func (p *spaceParser) end() error {
	p.c.space()
	if !p.c.done() {
		return p.c.fail("unexpected text after ']'")
	}
	return nil
}

// entry reads one entry, a name with optional conditions joined by && and
// ||; the first name is the field the entry names.
func (p *spaceParser) entry() (string, spaceExpr, error) {
	var first string
	var ors spaceExpr
	for {
		var ands []*spaceCond
		for {
			name, cond, err := p.atom()
			if err != nil {
				return "", nil, err
			}
			if first == "" {
				first = name
			}
			if cond != nil {
				ands = append(ands, cond)
			}
			p.c.space()
			if !p.c.eat("&&") {
				break
			}
		}
		ors = append(ors, ands)
		p.c.space()
		if !p.c.eat("||") {
			break
		}
	}
	if len(ors) == 1 && len(ors[0]) == 0 {
		return first, nil, nil
	}
	return first, ors, nil
}

// atom reads NAME or NAME OP VALUE.
func (p *spaceParser) atom() (string, *spaceCond, error) {
	c := p.c
	c.space()
	at := c.i
	if b := c.peek(); c.done() || !(isAlnum(b) && (b < '0' || b > '9') || b == '_') {
		return "", nil, c.fail("expected a field name")
	}
	for !c.done() && (isAlnum(c.peek()) || c.peek() == '_') {
		c.i++
	}
	name := c.s[at:c.i]
	c.space()
	opAt := c.i
	op, ok := c.readOp()
	if !ok {
		if !c.done() && strings.IndexByte(",]&|", c.peek()) < 0 {
			return "", nil, c.fail("expected a comparison, ',' or ']'")
		}
		return name, nil, nil
	}
	c.space()
	vat := c.i
	v, err := c.readValue(",]&|")
	if err != nil {
		return "", nil, err
	}
	if err := checkOp(c, opAt, op, v); err != nil {
		return "", nil, err
	}
	if v.re != nil {
		if p.regexes++; p.regexes > maxPatternRegexes {
			return "", nil, c.failAt(vat, "at most 2 regular expressions in a pattern")
		}
	}
	sc := &spaceCond{name: name, op: op, val: v}
	p.refs = append(p.refs, sc)
	p.refName = append(p.refName, name)
	p.refAt = append(p.refAt, at)
	return name, sc, nil
}
