package logs

import (
	"strconv"
	"strings"
)

// String is the pattern in a canonical form: terms quoted and in the order
// plain, -, ?; JSON and space-delimited patterns spaced evenly with string
// values quoted. Parsing it gives a Filter that matches the same messages
// and prints the same.
func (f *Filter) String() string {
	if f == nil {
		return ""
	}
	var b strings.Builder
	switch f.kind {
	case kindJSON:
		b.WriteString("{ ")
		writeJSONExpr(&b, f.json, false)
		b.WriteString(" }")
	case kindSpace:
		f.space.write(&b)
	default:
		f.terms.write(&b)
	}
	return b.String()
}

func (tf *termFilter) write(b *strings.Builder) {
	for _, group := range [...]struct {
		prefix string
		terms  []term
	}{{"", tf.all}, {"-", tf.none}, {"?", tf.any}} {
		for _, t := range group.terms {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(group.prefix)
			if t.re != nil {
				b.WriteString(t.re.String())
			} else {
				writeQuoted(b, t.text)
			}
		}
	}
}

// writeQuoted writes s in double quotes, escaping what quoted() unescapes.
func writeQuoted(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
}

func (v value) write(b *strings.Builder) {
	switch {
	case v.re != nil:
		b.WriteString(v.re.String())
	case v.isNum:
		b.WriteString(v.text)
	default:
		writeQuoted(b, v.text)
	}
}

// writeJSONExpr writes e, in parentheses when it is an || inside an &&.
func writeJSONExpr(b *strings.Builder, e jsonExpr, inAnd bool) {
	switch e := e.(type) {
	case jsonOr:
		if inAnd {
			b.WriteByte('(')
		}
		for i, t := range e {
			if i > 0 {
				b.WriteString(" || ")
			}
			writeJSONExpr(b, t, false)
		}
		if inAnd {
			b.WriteByte(')')
		}
	case jsonAnd:
		for i, t := range e {
			if i > 0 {
				b.WriteString(" && ")
			}
			writeJSONExpr(b, t, true)
		}
	case *jsonCond:
		e.write(b)
	}
}

func (jc *jsonCond) write(b *strings.Builder) {
	b.WriteByte('$')
	for i, s := range jc.sel {
		switch {
		case s.all && i == 0:
			b.WriteString(".*")
		case s.all:
			b.WriteString("[*]")
		case s.index >= 0:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
		case plainName(s.name):
			b.WriteByte('.')
			b.WriteString(s.name)
		default:
			q := byte('\'')
			if strings.IndexByte(s.name, q) >= 0 {
				q = '"'
			}
			b.WriteString(".[")
			b.WriteByte(q)
			b.WriteString(s.name)
			b.WriteByte(q)
			b.WriteByte(']')
		}
	}
	switch jc.test {
	case testNull:
		b.WriteString(" IS NULL")
	case testTrue:
		b.WriteString(" IS TRUE")
	case testFalse:
		b.WriteString(" IS FALSE")
	case testNotExists:
		b.WriteString(" NOT EXISTS")
	default:
		b.WriteByte(' ')
		b.WriteString(opText[jc.op])
		b.WriteByte(' ')
		jc.val.write(b)
	}
}

// plainName is a property name a selector can write after a dot.
func plainName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) && s[i] != '_' && s[i] != '-' {
			return false
		}
	}
	return true
}

func (sf *spaceFilter) write(b *strings.Builder) {
	b.WriteByte('[')
	n := 0
	entries := func(es []spaceEntry) {
		for _, e := range es {
			if n > 0 {
				b.WriteByte(',')
				if e.name != "" || e.cond != nil {
					b.WriteByte(' ')
				}
			}
			n++
			e.write(b)
		}
	}
	entries(sf.before)
	if sf.ellipsis {
		if n > 0 {
			b.WriteString(", ")
		}
		b.WriteString("...")
		n++
	}
	entries(sf.after)
	b.WriteByte(']')
}

// write writes an entry so that its first name is the field it names: a
// bare name is always true, so it can lead the first group, and it stands
// for a group with no condition.
func (e spaceEntry) write(b *strings.Builder) {
	if e.cond == nil {
		b.WriteString(e.name)
		return
	}
	for i, ands := range e.cond {
		if i > 0 {
			b.WriteString(" || ")
		}
		if len(ands) == 0 || (i == 0 && ands[0].name != e.name) {
			b.WriteString(e.name)
			if len(ands) > 0 {
				b.WriteString(" && ")
			}
		}
		for j, c := range ands {
			if j > 0 {
				b.WriteString(" && ")
			}
			b.WriteString(c.name)
			b.WriteByte(' ')
			b.WriteString(opText[c.op])
			b.WriteByte(' ')
			c.val.write(b)
		}
	}
}
