package alb

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

type patternCase struct {
	pattern string
	fold    bool
	escapes bool
	s       string
	want    bool
}

func TestPatternMatch(t *testing.T) {
	cases := []patternCase{
		{"/api/*", false, false, "/api/users", true},
		{"/api/*", false, false, "/api/", true},
		{"/api/*", false, false, "/api", false},
		{"/API/*", false, false, "/api/x", false},
		{"/img/*.png", false, false, "/img/a/b.png", true},
		{"/img/*.png", false, false, "/img/a.png.txt", false},
		{"/v?/x", false, false, "/v1/x", true},
		{"/v?/x", false, false, "/v10/x", false},
		{"/é?", false, false, "/éü", true},
		{"*", false, false, "", true},
		{"", false, false, "", true},
		{"", false, false, "a", false},
		{"a**b", false, false, "ab", true},
		{"*a*b*c*", false, false, "xxaxxbxxcxx", true},
		{"*a*b*c*", false, false, "xxcxxbxxaxx", false},
		{"*.EXAMPLE.com", true, false, "www.example.COM", true},
		{"*.example.com", true, false, "example.com", false},
		{`a\*`, true, true, "a*", true},
		{`a\*`, true, true, "ab", false},
		{`a\?`, true, true, "a?", true},
		{`a\*`, false, false, `a\xyz`, true},
	}
	for _, c := range cases {
		t.Run(c.pattern+"~"+c.s, func(t *testing.T) {
			if got := compilePattern(c.pattern, c.fold, c.escapes).Match(c.s); got != c.want {
				t.Errorf("match(%q, %q, fold=%v) = %v, want %v", c.pattern, c.s, c.fold, got, c.want)
			}
		})
	}
}

// patternRegexp is the oracle: the same pattern as a regular expression.
func patternRegexp(p string, fold bool) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?s)^`)
	if fold {
		b.WriteString(`(?i)`)
	}
	for _, r := range p {
		switch r {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`$`)
	return regexp.MustCompile(b.String())
}

func FuzzPattern(f *testing.F) {
	f.Add("/api/*", "/api/users", false)
	f.Add("*a?b*", "xxaYbzz", true)
	f.Add("*.Example.com", "www.example.COM", true)
	f.Add("?*?", "ab", false)
	f.Fuzz(func(t *testing.T, p, s string, fold bool) {
		if !utf8.ValidString(p) || !utf8.ValidString(s) || len(p) > 64 || len(s) > 256 {
			t.Skip()
		}
		got := compilePattern(p, fold, false).Match(s)
		if want := patternRegexp(p, fold).MatchString(s); got != want {
			t.Errorf("match(%q, %q, fold=%v) = %v, regexp says %v", p, s, fold, got, want)
		}
	})
}
