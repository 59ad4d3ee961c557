package logs

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/verge-edge/verge/internal/errs"
)

// awsRegex is a %regex% of AWS's subset; it is found anywhere in a value.
type awsRegex struct{ re *regexp.Regexp }

func (r *awsRegex) String() string { return "%" + r.re.String() + "%" }

func (r *awsRegex) find(s string) bool { return r.re.MatchString(s) }

// compileAWSRegex checks src against the characters AWS accepts and
// compiles it; on error it returns the offset in src of the problem.
func compileAWSRegex(src string) (*awsRegex, int, error) {
	if src == "" {
		return nil, 0, errs.Errorf("empty regular expression")
	}
	for i := 0; i < len(src); i++ {
		b := src[i]
		switch {
		case b >= 0x80:
			return nil, i, errs.Errorf("multi-byte characters are not supported in a regular expression")
		case b == '(' || b == ')':
			return nil, i, errs.Errorf("parentheses are not supported in a regular expression")
		case b == '{':
			n, ok := regexRepeat(src[i+1:])
			if !ok {
				return nil, i, errs.Errorf("'{' must start a repetition {n}, {n,} or {n,m}")
			}
			i += n
		case b == '\\':
			n, ok := regexEscape(src[i+1:])
			if !ok {
				return nil, i, errs.Errorf("unsupported escape in a regular expression")
			}
			i += n
		case !regexByte(b):
			return nil, i, errs.Errorf("%q is not supported in a regular expression", b)
		}
	}
	re, err := regexp.Compile(src)
	if err != nil {
		return nil, 0, errs.Errorf("regular expression: %v", err)
	}
	return &awsRegex{re: re}, 0, nil
}

// regexEscape reports whether rest, what follows a backslash, starts with
// an escape AWS documents (\d \D \s \S \w \W, \xhh, or a symbol or
// operator taken literally) and how many bytes it takes.
func regexEscape(rest string) (int, bool) {
	if rest == "" {
		return 0, false
	}
	switch b := rest[0]; {
	case strings.IndexByte("dDsSwW", b) >= 0:
		return 1, true
	case b == 'x':
		return 3, len(rest) >= 3 && isHex(rest[1]) && isHex(rest[2])
	default:
		return 1, !isAlnum(b) && b != ' ' && regexByte(b)
	}
}

// regexRepeat reports whether rest, what follows a '{', is n}, n,} or
// n,m} and how many bytes that takes.
func regexRepeat(rest string) (int, bool) {
	i := 0
	digits := func() bool {
		j := i
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		return i > j
	}
	if !digits() {
		return 0, false
	}
	if i < len(rest) && rest[i] == ',' {
		i++
		digits()
	}
	if i < len(rest) && rest[i] == '}' {
		return i + 1, true
	}
	return 0, false
}

func isHex(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F'
}

// regexByte is a character AWS allows in a regular expression: letters,
// digits, spaces, the symbols _ # = @ / ; , - : and the operators
// ^ $ ? [ ] { } | \ * + .
func regexByte(b byte) bool {
	return isAlnum(b) || strings.IndexByte(" _#=@/;,-:^$?[]{}|\\*+.", b) >= 0
}

func isAlnum(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// compareOp is a comparison of a condition.
type compareOp uint8

const (
	opEq compareOp = iota
	opNe
	opLt
	opLe
	opGt
	opGe
)

var opText = [...]string{opEq: "=", opNe: "!=", opLt: "<", opLe: "<=", opGt: ">", opGe: ">="}

// readOp reads a comparison operator, longest first.
func (c *cursor) readOp() (compareOp, bool) {
	for _, o := range [...]compareOp{opNe, opLe, opGe, opEq, opLt, opGt} {
		if c.eat(opText[o]) {
			return o, true
		}
	}
	return 0, false
}

// value is the right side of a condition: a number, a string (with '*'
// wildcards) or a regular expression.
type value struct {
	text  string // the string, or the number as written
	isNum bool
	num   float64
	glob  []string // text split at '*' when it has wildcards
	re    *awsRegex
}

// readValue reads a value ending at a space or one of stop. Quoted strings
// and regexes may hold anything; bare words are numbers or strings.
func (c *cursor) readValue(stop string) (value, error) {
	switch c.peek() {
	case '"':
		s, err := c.quoted()
		return stringValue(s), err
	case '%':
		re, err := c.regex()
		return value{re: re}, err
	}
	start := c.i
	if strings.IndexByte("=!<>", c.peek()) >= 0 {
		return value{}, c.fail("a value is missing")
	}
	bad := -1
	for !c.done() && !isSpace(c.peek()) && strings.IndexByte(stop, c.peek()) < 0 {
		switch b := c.peek(); {
		case bad < 0 && (b >= 0x80 || b == '@' || b == '$' || b == '\\' || b == '"'):
			bad = c.i
		}
		c.i++
	}
	if bad >= 0 {
		return value{}, badTerm(bad, c.s[start:c.i])
	}
	if c.i == start {
		return value{}, c.fail("a value is missing")
	}
	word := c.s[start:c.i]
	if n, ok := parseNumber(word); ok {
		return value{text: word, isNum: true, num: n}, nil
	}
	return stringValue(word), nil
}

func stringValue(s string) value {
	v := value{text: s}
	if strings.IndexByte(s, '*') >= 0 {
		v.glob = strings.Split(s, "*")
	}
	return v
}

// parseNumber accepts AWS's numbers: an integer or decimal with an
// optional sign and an optional exponent.
func parseNumber(s string) (float64, bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := func() int {
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - j
	}
	if digits() == 0 {
		return 0, false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return 0, false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return 0, false
		}
	}
	if i != len(s) {
		return 0, false
	}
	n, err := strconv.ParseFloat(strings.TrimPrefix(s, "+"), 64)
	return n, err == nil
}

// checkOp rejects an ordering of a value that is not a number.
func checkOp(c *cursor, at int, op compareOp, v value) error {
	if op != opEq && op != opNe && !v.isNum {
		return c.failAt(at, opText[op]+" needs a number")
	}
	return nil
}

// compare applies op between an actual value s (numeric when isNum) and v.
func compare(op compareOp, s string, isNum bool, n float64, v value) bool {
	if v.isNum && isNum {
		switch op {
		case opEq:
			return n == v.num
		case opNe:
			return n != v.num
		case opLt:
			return n < v.num
		case opLe:
			return n <= v.num
		case opGt:
			return n > v.num
		case opGe:
			return n >= v.num
		}
	}
	var eq bool
	switch {
	case op != opEq && op != opNe:
		return false
	case v.re != nil:
		eq = v.re.find(s)
	case v.glob != nil:
		eq = globMatch(v.glob, s)
	default:
		eq = s == v.text
	}
	return eq == (op == opEq)
}

// globMatch matches s against a pattern split at its '*'s.
func globMatch(parts []string, s string) bool {
	first, last := parts[0], parts[len(parts)-1]
	if len(s) < len(first)+len(last) || !strings.HasPrefix(s, first) || !strings.HasSuffix(s, last) {
		return false
	}
	s = s[len(first) : len(s)-len(last)]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return true
}
