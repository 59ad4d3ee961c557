package logs

import (
	"errors"
	"fmt"
	"strings"

	"github.com/verge-edge/verge/internal/errs"
)

// Filter is a parsed CloudWatch Logs filter pattern, the one syntax that
// metric filters, subscription filters, FilterLogEvents, StartLiveTail and
// `verge logs --filter` share. The first character picks the kind:
//
// Terms (anything not starting with '{' or '['), matched case-sensitively
// as substrings of the message:
//
//	ERROR timeout       both terms appear
//	"connection reset"  the phrase appears (\" and \\ escape inside quotes)
//	-DEBUG              the term does not appear
//	?ERROR ?WARN        at least one of the ?-terms appears
//	%5\d\d%             the regular expression is found
//
// Prefixes combine with quoted and regex terms (-"a b", ?%x+%) and may be
// followed by spaces ("ERROR" - "Exiting"). With plain or - terms present,
// the ?-terms are ignored, as AWS does; a pattern of ?-terms alone matches
// when one of them appears. The empty pattern matches everything. As in
// AWS, a term with other characters than letters, digits and '_' must be
// quoted ("ERROR:", "10.0.0.1"); unquoted, it is refused with AWS's
// "Invalid character(s) in term '…'".
//
// JSON ({ $.level = "ERROR" && $.ms > 100 }): conditions on the values a
// selector ($.a.b, $.list[0].id, $.* or [*] once per selector and three
// times per pattern, $.['odd key']) points at, combined with && (binding
// tighter), || and parentheses. Values are numbers (compared numerically
// with = != < > <= >=, with JSON numbers and numeric strings), strings
// quoted or bare with '*' wildcards (= and !=; bare ones must not hold @, $,
// \ or non-ASCII), or %regex%; a selector can also be tested with IS NULL,
// IS TRUE, IS FALSE and NOT EXISTS. A condition on an absent selector, or
// one that points at an object, array or null, is false; with a wildcard,
// one selected value satisfying it is enough. A message that is not one
// JSON object or array matches no JSON pattern. Extract gives no values.
//
// Space-delimited ([ip, user, ..., status = 4* || status = 5*, bytes]):
// the message splits at spaces into fields, text in "" or [] being one
// field; each entry names a field (or leaves it unnamed when empty), "..."
// stands for any number of fields, and conditions use the operators of
// JSON patterns on the named fields. Without "...", the last entry takes
// the rest of the line. Extract reports the fields.
//
// Regular expressions are AWS's subset, found anywhere in the text:
// letters, digits, spaces, the symbols _ # = @ / ; , - : and the operators
// ^ $ ? [ ] { } | \ * + . only, with the escapes \d \D \s \S \w \W \xhh
// and \ before a symbol or operator (no parentheses, no multi-byte
// characters), at most two in a JSON or space-delimited pattern.
//
// A Filter is safe for concurrent use, and Match does not allocate (but for
// JSON strings with escapes, compared after unescaping).
type Filter struct {
	kind  filterKind
	terms termFilter
	json  jsonExpr
	space *spaceFilter
}

type filterKind uint8

const (
	kindTerms filterKind = iota
	kindJSON
	kindSpace
)

// InvalidPatternMessage is the message CloudWatch Logs gives, with an
// InvalidParameterException, for a filter pattern it cannot parse
// (FilterLogEvents, StartLiveTail, TestMetricFilter; PutMetricFilter says
// "Invalid metric filter pattern").
const InvalidPatternMessage = "Invalid filter pattern"

// maxPatternRegexes is AWS's quota of regular expressions in one JSON or
// space-delimited pattern.
const maxPatternRegexes = 2

// PatternError is a pattern that does not parse: Offset is the byte offset
// in the pattern where the problem is, Reason says what it is, and Message
// is CloudWatch Logs' own text for it when it has one other than
// InvalidPatternMessage. Its Error is AWS's message alone, for the wire;
// ParseFilter's error, which wraps it (errors.As, AsPatternError), also
// says the reason and the offset.
type PatternError struct {
	Offset  int
	Reason  string
	Message string
}

func (e *PatternError) Error() string {
	if e.Message != "" {
		return e.Message
	}
	return InvalidPatternMessage
}

// Messages CloudWatch Logs gives for particular malformed patterns.
const (
	msgBadTerm      = "Invalid character(s) in term '%s'"
	msgUnclosedJSON = "If a filter pattern starts with '{' it must end with '}'"
)

// AsPatternError returns the PatternError in err, if there is one.
func AsPatternError(err error) (*PatternError, bool) {
	var pe *PatternError
	ok := errors.As(err, &pe)
	return pe, ok
}

// ParseFilter parses a filter pattern. The error is of kind Invalid and
// wraps a *PatternError.
func ParseFilter(pattern string) (*Filter, error) {
	const op errs.Op = "logs.ParseFilter"
	f, err := parseFilter(pattern)
	if pe, ok := err.(*PatternError); ok {
		// The text says why and where; errors.As still finds pe.
		return nil, errs.E(op, errs.Invalid, errs.Errorf("%w: %s at offset %d", pe, pe.Reason, pe.Offset))
	}
	if err != nil {
		return nil, errs.E(op, errs.Invalid, err)
	}
	return f, nil
}

func parseFilter(pattern string) (*Filter, error) {
	c := &cursor{s: pattern}
	c.space()
	switch {
	case c.peek() == '{':
		e, err := parseJSON(c)
		if err != nil {
			return nil, err
		}
		return &Filter{kind: kindJSON, json: e}, nil
	case c.peek() == '[':
		sf, err := parseSpace(c)
		if err != nil {
			return nil, err
		}
		return &Filter{kind: kindSpace, space: sf}, nil
	}
	tf, err := parseTerms(c)
	if err != nil {
		return nil, err
	}
	return &Filter{kind: kindTerms, terms: tf}, nil
}

// Match reports whether a message matches the filter. A nil Filter matches
// everything.
func (f *Filter) Match(msg string) bool {
	if f == nil {
		return true
	}
	switch f.kind {
	case kindJSON:
		return matchJSON(f.json, msg)
	case kindSpace:
		return f.space.match(msg, nil)
	}
	return f.terms.match(msg)
}

// Extract reports whether msg matches and, for a space-delimited pattern,
// the values of its fields, as TestMetricFilter's extractedValues: "$name"
// for a named field and "$N" (N from 1) for the others. Other patterns
// extract nothing (a nil map).
func (f *Filter) Extract(msg string) (map[string]string, bool) {
	if f == nil || f.kind != kindSpace {
		return nil, f.Match(msg)
	}
	out := map[string]string{}
	if !f.space.match(msg, out) {
		return nil, false
	}
	return out, true
}

// IsJSON and IsSpaceDelimited tell the pattern's kind, for metric filters,
// whose dimensions only JSON and space-delimited patterns support.
func (f *Filter) IsJSON() bool           { return f != nil && f.kind == kindJSON }
func (f *Filter) IsSpaceDelimited() bool { return f != nil && f.kind == kindSpace }

// termFilter is a terms pattern: every term of all, none of none, and one
// of any when all and none are empty.
type termFilter struct {
	all, none, any []term
}

// term is a substring, or a regular expression when re is set.
type term struct {
	text string
	re   *awsRegex
}

func (t term) match(s string) bool {
	if t.re != nil {
		return t.re.find(s)
	}
	return strings.Contains(s, t.text)
}

func (tf *termFilter) match(msg string) bool {
	if len(tf.all) == 0 && len(tf.none) == 0 {
		if len(tf.any) == 0 {
			return true
		}
		for _, t := range tf.any {
			if t.match(msg) {
				return true
			}
		}
		return false
	}
	for _, t := range tf.all {
		if !t.match(msg) {
			return false
		}
	}
	for _, t := range tf.none {
		if t.match(msg) {
			return false
		}
	}
	return true
}

func parseTerms(c *cursor) (termFilter, error) {
	var tf termFilter
	for c.space(); !c.done(); c.space() {
		prefix := byte(0)
		if b := c.peek(); b == '-' || b == '?' {
			prefix = b
			c.i++
			c.space() // "ERROR" - "Exiting", as AWS's examples write it
		}
		t, err := parseTerm(c)
		if err != nil {
			return tf, err
		}
		switch prefix {
		case '-':
			tf.none = append(tf.none, t)
		case '?':
			tf.any = append(tf.any, t)
		default:
			tf.all = append(tf.all, t)
		}
	}
	return tf, nil
}

// parseTerm reads one term: a quoted phrase, a %regex% or a word.
func parseTerm(c *cursor) (term, error) {
	switch b := c.peek(); {
	case c.done():
		return term{}, c.fail("a '-' or '?' must be followed by a term")
	case b == '"':
		s, err := c.quoted()
		return term{text: s}, err
	case b == '%':
		re, err := c.regex()
		return term{re: re}, err
	}
	start := c.i
	bad := -1
	for !c.done() && !isSpace(c.peek()) {
		if b := c.peek(); bad < 0 && !isAlnum(b) && b != '_' {
			bad = c.i
		}
		c.i++
	}
	word := c.s[start:c.i]
	if bad >= 0 {
		// AWS: terms with other characters than letters, digits and '_'
		// must be quoted.
		return term{}, badTerm(bad, word)
	}
	return term{text: word}, nil
}

// cursor reads a pattern; offsets in errors are into s.
type cursor struct {
	s string
	i int
}

func (c *cursor) done() bool { return c.i >= len(c.s) }

func (c *cursor) peek() byte {
	if c.done() {
		return 0
	}
	return c.s[c.i]
}

func (c *cursor) space() {
	for !c.done() && isSpace(c.s[c.i]) {
		c.i++
	}
}

// eat consumes tok if the input continues with it.
func (c *cursor) eat(tok string) bool {
	if strings.HasPrefix(c.s[c.i:], tok) {
		c.i += len(tok)
		return true
	}
	return false
}

// eatWords consumes two keywords separated by spaces, each ending at a
// space or a delimiter, or nothing.
func (c *cursor) eatWords(a, b string) bool {
	start := c.i
	if c.eat(a) && c.peek() == ' ' {
		c.space()
		if c.eat(b) && (c.done() || isSpace(c.peek()) || strings.IndexByte(")}&|", c.peek()) >= 0) {
			return true
		}
	}
	c.i = start
	return false
}

// badTerm is AWS's error for a word with a character it must not hold.
func badTerm(at int, word string) error {
	return &PatternError{Offset: at, Reason: "quote a term with characters other than letters, digits and '_'",
		Message: fmt.Sprintf(msgBadTerm, word)}
}

func (c *cursor) fail(reason string) error { return c.failAt(c.i, reason) }

func (c *cursor) failAt(at int, reason string) error {
	return &PatternError{Offset: at, Reason: reason}
}

// quoted reads a double-quoted string; \" and \\ escape, other
// backslashes are kept.
func (c *cursor) quoted() (string, error) {
	start := c.i
	c.i++
	var b strings.Builder
	for ; !c.done(); c.i++ {
		switch ch := c.s[c.i]; {
		case ch == '"':
			c.i++
			return b.String(), nil
		case ch == '\\' && c.i+1 < len(c.s) && (c.s[c.i+1] == '"' || c.s[c.i+1] == '\\'):
			c.i++
			b.WriteByte(c.s[c.i])
		default:
			b.WriteByte(ch)
		}
	}
	return "", c.failAt(start, "unterminated quoted string")
}

// regex reads a %regex% and checks it against AWS's subset.
func (c *cursor) regex() (*awsRegex, error) {
	start := c.i
	end := strings.IndexByte(c.s[c.i+1:], '%')
	if end < 0 {
		return nil, c.fail("unterminated %regex%")
	}
	src := c.s[c.i+1 : c.i+1+end]
	re, at, err := compileAWSRegex(src)
	if err != nil {
		return nil, c.failAt(start+1+at, err.Error())
	}
	c.i += end + 2
	return re, nil
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }
