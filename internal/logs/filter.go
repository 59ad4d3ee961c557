package logs

import (
	"regexp"
	"strings"

	"github.com/verge-edge/verge/internal/errs"
)

// Filter is a parsed filter pattern, the subset of CloudWatch Logs' syntax
// for unstructured events that `verge logs --filter` supports. Terms are
// separated by spaces and match the message case-sensitively, as substrings:
//
//	ERROR timeout       both terms appear
//	"connection reset"  the phrase appears (\" and \\ escape inside quotes)
//	-DEBUG              the term does not appear
//	?ERROR ?WARN        at least one of the ?-terms appears
//	%5\d\d%             the regular expression (Go RE2 syntax) matches
//
// Prefixes combine with quoted and regex terms (-"a b", ?%x+%). An event
// matches when every plain term matches, no -term matches, and, if there
// are ?-terms, one of them matches. The empty pattern matches everything.
// JSON ({ $.x = … }) and space-delimited ([a, b]) patterns are not supported
// and are rejected; quote a term to search for a leading '{' or '['.
type Filter struct {
	all, none, any []term
}

// term is a substring, or a regular expression when re is set.
type term struct {
	text string
	re   *regexp.Regexp
}

func (t term) match(s string) bool {
	if t.re != nil {
		return t.re.MatchString(s)
	}
	return strings.Contains(s, t.text)
}

// ParseFilter parses a filter pattern; the error is of kind Invalid.
func ParseFilter(pattern string) (*Filter, error) {
	const op errs.Op = "logs.ParseFilter"
	f := &Filter{}
	s := strings.TrimSpace(pattern)
	if s != "" && (s[0] == '{' || s[0] == '[') {
		return nil, errs.E(op, errs.Invalid, errs.Errorf("filter %q: JSON and space-delimited patterns are not supported; quote the term to search for it", pattern))
	}
	for s != "" {
		prefix := byte(0)
		if s[0] == '-' || s[0] == '?' {
			prefix, s = s[0], s[1:]
		}
		t, rest, err := parseTerm(s)
		if err != nil {
			return nil, errs.E(op, errs.Invalid, errs.Errorf("filter %q: %w", pattern, err))
		}
		switch prefix {
		case '-':
			f.none = append(f.none, t)
		case '?':
			f.any = append(f.any, t)
		default:
			f.all = append(f.all, t)
		}
		s = strings.TrimLeft(rest, " \t")
	}
	return f, nil
}

// parseTerm reads one term from the start of s and returns the rest.
func parseTerm(s string) (term, string, error) {
	switch {
	case s == "" || s[0] == ' ' || s[0] == '\t':
		return term{}, "", errs.Errorf("a '-' or '?' must be followed by a term")
	case s[0] == '"':
		var b strings.Builder
		for i := 1; i < len(s); i++ {
			switch c := s[i]; {
			case c == '"':
				return term{text: b.String()}, s[i+1:], nil
			case c == '\\' && i+1 < len(s):
				i++
				b.WriteByte(s[i])
			default:
				b.WriteByte(c)
			}
		}
		return term{}, "", errs.Errorf("unterminated quoted phrase")
	case s[0] == '%':
		end := strings.IndexByte(s[1:], '%')
		if end < 0 {
			return term{}, "", errs.Errorf("unterminated %%regex%%")
		}
		re, err := regexp.Compile(s[1 : 1+end])
		if err != nil {
			return term{}, "", err
		}
		return term{re: re}, s[2+end:], nil
	default:
		end := strings.IndexAny(s, " \t")
		if end < 0 {
			end = len(s)
		}
		return term{text: s[:end]}, s[end:], nil
	}
}

// Match reports whether a message matches the filter. A nil Filter matches
// everything.
func (f *Filter) Match(msg string) bool {
	if f == nil {
		return true
	}
	for _, t := range f.all {
		if !t.match(msg) {
			return false
		}
	}
	for _, t := range f.none {
		if t.match(msg) {
			return false
		}
	}
	if len(f.any) == 0 {
		return true
	}
	for _, t := range f.any {
		if t.match(msg) {
			return true
		}
	}
	return false
}

// Extract reports whether msg matches and, for a space-delimited pattern,
// the values of its named fields ("$ip", "$status"; "$1", "$2" for fields
// a pattern leaves unnamed), as TestMetricFilter's extractedValues. Other
// patterns extract nothing.
func (f *Filter) Extract(msg string) (map[string]string, bool) {
	return nil, f.Match(msg)
}
