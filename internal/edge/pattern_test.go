package edge

import (
	"regexp"
	"strings"
	"testing"
)

func TestPattern(t *testing.T) {
	type tc struct {
		pattern, path string
		want          bool
	}
	for _, c := range []tc{
		{"*", "/anything/at/all", true},
		{"/api/*", "/api/", true},
		{"/api/*", "/api/users/1", true},
		{"/api/*", "/api", false},
		{"/api/*", "/API/x", false}, // case-sensitive, as CloudFront
		{"/images/*.jpg", "/images/a/b.jpg", true},
		{"/images/*.jpg", "/images/a.png", false},
		{"/file?.txt", "/file1.txt", true},
		{"/file?.txt", "/file12.txt", false},
		{"/exact", "/exact", true},
		{"/exact", "/exact/", false},
		{"*.css", "/a/b/site.css", true},
		{"/a*b*c", "/axxbyyc", true},
		{"/a*b*c", "/axxbyy", false},
		{"/*/*/x", "/1/2/x", true},
		{"/??", "/ab", true},
		{"/??", "/a", false},
	} {
		p := compilePattern(c.pattern)
		if got := p.Match(c.path); got != c.want {
			t.Errorf("%q matches %q = %v, want %v", c.pattern, c.path, got, c.want)
		}
	}
}

// FuzzPattern checks the matcher against a regular expression built from the
// pattern, and that it never panics.
func FuzzPattern(f *testing.F) {
	for _, s := range [][2]string{{"/api/*", "/api/x"}, {"*.jpg", "/a.jpg"}, {"/a?c", "/abc"}, {"/*a*a*a*b", "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pat, path string) {
		if len(pat) > 64 || len(path) > 256 {
			return
		}
		var re strings.Builder
		re.WriteString(`(?s)\A`)
		for _, b := range []byte(pat) {
			switch b {
			case '*':
				re.WriteString(`[\x00-\xff]*`)
			case '?':
				re.WriteString(`[\x00-\xff]`)
			default:
				re.WriteString(regexp.QuoteMeta(string([]byte{b})))
			}
		}
		re.WriteString(`\z`)
		// Match bytes, not runes: "?" is one byte, like the matcher.
		oracle, err := regexp.Compile(strings.ReplaceAll(re.String(), `[\x00-\xff]`, `(?-u:[\x00-\xff])`))
		if err != nil {
			return
		}
		p := compilePattern(pat)
		if got, want := p.Match(path), oracle.MatchString(path); got != want {
			t.Errorf("%q ~ %q: got %v, oracle %v", pat, path, got, want)
		}
	})
}
