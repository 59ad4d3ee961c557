package glob

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// The dialects of the package comment.
var (
	cloudFront  = Options{Question: QuestionByte}
	albPath     = Options{Question: QuestionChar}
	albHost     = Options{Question: QuestionChar, Fold: true}
	albQuery    = Options{Question: QuestionChar, Fold: true, Escapes: "*?"}
	eventBridge = Options{Escapes: `*\`}
)

func TestMatch(t *testing.T) {
	type tc struct {
		name    string
		o       Options
		pattern string
		s       string
		want    bool
	}
	for _, c := range []tc{
		{"any", cloudFront, "*", "/anything/at/all", true},
		{"any empty", cloudFront, "*", "", true},
		{"prefix", cloudFront, "/api/*", "/api/users/1", true},
		{"prefix short", cloudFront, "/api/*", "/api", false},
		{"case-sensitive", cloudFront, "/api/*", "/API/x", false},
		{"exact", cloudFront, "/exact", "/exact", true},
		{"exact longer", cloudFront, "/exact", "/exact/", false},
		{"suffix", cloudFront, "*.css", "/a/b/site.css", true},
		{"question", cloudFront, "/file?.txt", "/file1.txt", true},
		{"question one only", cloudFront, "/file?.txt", "/file12.txt", false},
		{"question is a byte", cloudFront, "/?", "/é", false},
		{"two questions, one 2-byte char", cloudFront, "/??", "/é", true},
		{"middles in order", cloudFront, "/a*b*c", "/axxbyyc", true},
		{"middles missing the end", cloudFront, "/a*b*c", "/axxbyy", false},
		{"star question middle", cloudFront, "/*/*/x", "/1/2/x", true},
		{"no overlap", cloudFront, "a*a", "a", false},
		{"double star", cloudFront, "a**b", "ab", true},
		{"empty", cloudFront, "", "", true},
		{"empty against text", cloudFront, "", "a", false},
		{"question is a character", albPath, "/é?", "/éü", true},
		{"question one character", albPath, "/v?/x", "/v10/x", false},
		{"question in a middle", albPath, "*a?c*", "xxabcxx", true},
		{"question in the last segment", albPath, "*a?c", "xxaüc", true},
		{"question needs a character", albPath, "?*?", "é", false},
		{"fold", albHost, "*.EXAMPLE.com", "www.example.COM", true},
		{"fold no dot", albHost, "*.example.com", "example.com", false},
		{"fold Kelvin", albHost, "*k", "ok\u212a", true},
		{"fold middle", albHost, "*B*", "abc", true},
		{"fold ß is not ss", albHost, "stra*SSE", "straße", false},
		{"escaped star", albQuery, `a\*`, "a*", true},
		{"escaped star not a star", albQuery, `a\*`, "ab", false},
		{"escaped question", albQuery, `a\?`, "a?", true},
		{"backslash kept", albPath, `a\*`, `a\xyz`, true},
		{"backslash before another kept", albQuery, `a\b`, `a\b`, true},
		{"literal question", eventBridge, "a?", "a?", true},
		{"literal question not any", eventBridge, "a?", "ab", false},
		{"escaped star first", eventBridge, `\**`, "*star", true},
		{"escaped star first, no star", eventBridge, `\**`, "star", false},
		{"escaped backslash", eventBridge, `a\\b`, `a\b`, true},
		{"leftmost middles", eventBridge, "*ab*ab*", "abab", true},
		{"leftmost middles short", eventBridge, "*ab*ab*", "aba", false},
		{"unicode", eventBridge, "ünï*cödé", "ünïXcödé", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := Compile(c.pattern, c.o)
			if got := p.Match(c.s); got != c.want {
				t.Errorf("%q matches %q = %v, want %v", c.pattern, c.s, got, c.want)
			}
			if p.String() != c.pattern {
				t.Errorf("String() = %q", p.String())
			}
		})
	}
	var zero Pattern
	if !zero.Match("") || zero.Match("a") {
		t.Error("the zero Pattern matches more than the empty string")
	}
}

func TestParse(t *testing.T) {
	type tc struct {
		pattern string
		err     string
	}
	for _, c := range []tc{
		{"a*b*c", ""},
		{`a\*b\\`, ""},
		{"a**b", "consecutive '*' are not allowed"},
		{`a\*\**`, ""},
		{`ab\`, "trailing backslash"},
		{`a\nb`, `invalid escape \n (only \* and \\)`},
		{`a\éb`, `invalid escape \é (only \* and \\)`},
	} {
		t.Run(c.pattern, func(t *testing.T) {
			_, err := Parse(c.pattern, eventBridge)
			if got := errText(err); got != c.err {
				t.Errorf("Parse(%q) error %q, want %q", c.pattern, got, c.err)
			}
		})
	}
	if _, err := Parse(`a\b`, Options{Escapes: "*"}); errText(err) != `invalid escape \b (only \*)` {
		t.Errorf("one escape: %v", err)
	}
	if _, err := Parse(`a\b`, Options{Escapes: "*?\\"}); errText(err) != `invalid escape \b (only \*, \? and \\)` {
		t.Errorf("three escapes: %v", err)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestFold(t *testing.T) {
	type tc struct {
		s, affix       string
		prefix, suffix bool
	}
	for _, c := range []tc{
		{"Hello", "hE", true, false},
		{"Hello", "LO", false, true},
		{"\u212aelvin", "k", true, false}, // Kelvin sign (3 bytes) folds to k (1 byte)
		{"ok", "\u212a", false, true},
		{"straße", "STRASSE", false, false}, // full folding (ß→ss) is not simple folding
		{"", "", true, true},
		{"a", "ab", false, false},
	} {
		if got := HasPrefixFold(c.s, c.affix); got != c.prefix {
			t.Errorf("HasPrefixFold(%q, %q) = %v, want %v", c.s, c.affix, got, c.prefix)
		}
		if got := HasSuffixFold(c.s, c.affix); got != c.suffix {
			t.Errorf("HasSuffixFold(%q, %q) = %v, want %v", c.s, c.affix, got, c.suffix)
		}
	}
}

func TestMatchAllocs(t *testing.T) {
	for _, c := range []struct {
		o       Options
		pattern string
	}{{cloudFront, "/img/*.jp?g"}, {albHost, "*.Example.*"}, {eventBridge, "a*b*c"}} {
		p := Compile(c.pattern, c.o)
		if n := testing.AllocsPerRun(100, func() { p.Match("/img/a/b/c.example.jpeg") }); n != 0 {
			t.Errorf("%q: %v allocations a match", c.pattern, n)
		}
	}
}

// oracle is the pattern as a regular expression, tokenised as compile
// does but for "**", which is "*" in both.
func oracle(pattern string, o Options) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString(`(?s)\A`)
	if o.Fold {
		b.WriteString(`(?i)`)
	}
	anyOne := `.`
	if o.Question == QuestionByte {
		anyOne = `(?-u:[\x00-\xff])`
	}
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case c == '\\' && i+1 < len(pattern) && strings.IndexByte(o.Escapes, pattern[i+1]) >= 0:
			i++
			b.WriteString(regexp.QuoteMeta(pattern[i : i+1]))
		case c == '*':
			b.WriteString(`(?:` + anyOne + `)*`)
		case c == '?' && o.Question != QuestionLiteral:
			b.WriteString(anyOne)
		default:
			b.WriteString(regexp.QuoteMeta(pattern[i : i+1]))
		}
	}
	b.WriteString(`\z`)
	return regexp.Compile(b.String())
}

// FuzzMatch checks every dialect against a regular expression built from
// the pattern.
func FuzzMatch(f *testing.F) {
	for _, s := range [][2]string{{"/api/*", "/api/x"}, {"*.jpg", "/a.jpg"}, {"/a?c", "/abc"},
		{"/*a*a*a*b", "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}, {"*.Example.com", "www.example.COM"},
		{`a\*?*`, "a*bc"}, {"*k?", "x\u212aü"}} {
		for d := range 5 {
			f.Add(s[0], s[1], uint8(d))
		}
	}
	dialects := []Options{cloudFront, albPath, albHost, albQuery, eventBridge}
	f.Fuzz(func(t *testing.T, pattern, s string, d uint8) {
		o := dialects[int(d)%len(dialects)]
		if len(pattern) > 64 || len(s) > 256 || (o.Question != QuestionByte && (!utf8.ValidString(pattern) || !utf8.ValidString(s))) {
			t.Skip()
		}
		re, err := oracle(pattern, o)
		if err != nil {
			t.Skip()
		}
		p := Compile(pattern, o)
		if got, want := p.Match(s), re.MatchString(s); got != want {
			t.Errorf("%+v: %q ~ %q = %v, regexp says %v", o, pattern, s, got, want)
		}
		if strict, err := Parse(pattern, o); err == nil && strict.Match(s) != p.Match(s) {
			t.Errorf("%+v: Parse and Compile disagree on %q ~ %q", o, pattern, s)
		}
	})
}
