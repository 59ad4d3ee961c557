package edge

import "strings"

// A pattern is a CloudFront path pattern: "*" matches any run of characters
// (slashes included), "?" exactly one, everything else itself, case-sensitive.
type pattern struct {
	src string
	// prefix is set for the common "literal*" shape, matched without a scan.
	prefix string
	kind   patternKind
}

type patternKind uint8

const (
	patAny    patternKind = iota // "*": every path
	patPrefix                    // "literal*"
	patExact                     // "literal"
	patGlob                      // anything else
)

func compilePattern(src string) pattern {
	p := pattern{src: src}
	body, star := strings.CutSuffix(src, "*")
	switch {
	case src == "*":
		p.kind = patAny
	case star && !strings.ContainsAny(body, "*?"):
		p.kind, p.prefix = patPrefix, body
	case !strings.ContainsAny(src, "*?"):
		p.kind = patExact
	default:
		p.kind = patGlob
	}
	return p
}

func (p *pattern) match(path string) bool {
	switch p.kind {
	case patAny:
		return true
	case patPrefix:
		return strings.HasPrefix(path, p.prefix)
	case patExact:
		return path == p.src
	}
	return globMatch(p.src, path)
}

// globMatch matches with one backtrack point per "*", which is linear in
// practice and never exponential: a later "*" supersedes an earlier one.
func globMatch(pat, s string) bool {
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(pat) && (pat[pi] == '?' || pat[pi] == s[si]):
			pi++
			si++
		case pi < len(pat) && pat[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(pat) && pat[pi] == '*' {
		pi++
	}
	return pi == len(pat)
}
