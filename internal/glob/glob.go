// Package glob matches wildcard patterns: '*' for any run of characters,
// optionally '?' for exactly one. It is the one engine behind the three
// dialects Verge speaks, which differ only in Options:
//
//   - CloudFront path patterns (edge): '*' and '?', where '?' is one byte;
//     case-sensitive; no escapes.
//   - ALB condition values (triggers/alb): '*' and '?', where '?' is one
//     character; case-insensitive for hosts, headers and query strings;
//     "\*" and "\?" are literal in query strings.
//   - EventBridge's wildcard operator (triggers/pattern): '*' only; "\*"
//     and "\\" are escapes, and Parse refuses "**" and any other escape.
//
// A pattern is the segments between its stars. A string matches when it
// starts with the first segment, ends with the last, and holds the middle
// ones in order between them; each middle segment is taken at its leftmost
// place, which is exact since a segment has a fixed number of characters.
// Matching never backtracks: it is O(len(s)·len(pattern)) at worst and
// allocates nothing.
package glob

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Question says what '?' matches.
type Question uint8

// The meanings of '?'.
const (
	QuestionLiteral Question = iota // '?' is itself
	QuestionChar                    // one UTF-8 encoded character (a byte of invalid UTF-8)
	QuestionByte                    // one byte
)

// Options choose a dialect.
type Options struct {
	// Question is what '?' matches.
	Question Question
	// Fold compares letters under Unicode simple case folding, as
	// strings.EqualFold does.
	Fold bool
	// Escapes are the characters that a backslash before them makes
	// literal (ASCII only), e.g. "*?" or `*\`. Compile keeps any other
	// backslash as itself; Parse refuses it.
	Escapes string
}

// A Pattern is a compiled wildcard pattern. Its zero value matches only "".
type Pattern struct {
	src   string
	segs  []segment // the segments between stars: stars+1 of them
	fold  bool
	byteQ bool // '?' is one byte
	plain bool // every segment is one literal run and fold is off
}

// A segment is literal runs with one '?' between each two: "a?b" is
// {"a", "b"}, "??" is {"", "", ""}, and a segment without '?' is one run.
type segment []string

// Compile compiles s leniently: "**" is "*", and a backslash not before one
// of o.Escapes (or at the end) is a literal backslash.
func Compile(s string, o Options) Pattern {
	p, _ := compile(s, o, false)
	return p
}

// Parse compiles s strictly: it refuses consecutive stars, a trailing
// backslash and a backslash before a character not in o.Escapes.
func Parse(s string, o Options) (Pattern, error) {
	return compile(s, o, true)
}

func compile(s string, o Options, strict bool) (Pattern, error) {
	p := Pattern{src: s, fold: o.Fold, byteQ: o.Question == QuestionByte}
	var (
		seg      segment
		run      strings.Builder
		prevStar bool
	)
	for i := 0; i < len(s); i++ {
		c := s[i]
		star := false
		switch {
		case c == '\\' && i+1 < len(s) && strings.IndexByte(o.Escapes, s[i+1]) >= 0:
			i++
			run.WriteByte(s[i])
		case c == '\\' && strict && i+1 == len(s):
			return Pattern{}, errors.New("trailing backslash")
		case c == '\\' && strict:
			r, _ := utf8.DecodeRuneInString(s[i+1:])
			return Pattern{}, fmt.Errorf(`invalid escape \%c (only %s)`, r, escapeList(o.Escapes))
		case c == '*':
			star = true
			if prevStar {
				if strict {
					return Pattern{}, errors.New("consecutive '*' are not allowed")
				}
				break // "**" is "*"
			}
			p.segs = append(p.segs, append(seg, run.String()))
			seg = nil
			run.Reset()
		case c == '?' && o.Question != QuestionLiteral:
			seg = append(seg, run.String())
			run.Reset()
		default:
			run.WriteByte(c)
		}
		prevStar = star
	}
	p.segs = append(p.segs, append(seg, run.String()))
	p.plain = !p.fold
	for _, seg := range p.segs {
		p.plain = p.plain && len(seg) == 1
	}
	return p, nil
}

// escapeList names the escapes for a message: `\* and \\`.
func escapeList(escapes string) string {
	var names []string
	for _, c := range []byte(escapes) {
		names = append(names, `\`+string(c))
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// String returns the source of the pattern.
func (p Pattern) String() string { return p.src }

// Match reports whether the whole of s matches p.
func (p Pattern) Match(s string) bool {
	segs := p.segs
	if len(segs) == 0 {
		return s == ""
	}
	if p.plain {
		return matchPlain(segs, s)
	}
	last := len(segs) - 1
	n, ok := p.prefix(segs[0], s)
	if !ok {
		return false
	}
	if last == 0 {
		return n == len(s)
	}
	s = s[n:]
	if n, ok = p.suffix(segs[last], s); !ok {
		return false
	}
	s = s[:len(s)-n]
	for _, seg := range segs[1:last] {
		i, n, ok := p.index(seg, s)
		if !ok {
			return false
		}
		s = s[i+n:]
	}
	return true
}

// matchPlain is Match for a case-sensitive pattern without '?': string
// functions on the literal parts.
func matchPlain(segs []segment, s string) bool {
	first, last := segs[0][0], segs[len(segs)-1][0]
	if len(segs) == 1 {
		return s == first
	}
	if len(s) < len(first)+len(last) || !strings.HasPrefix(s, first) || !strings.HasSuffix(s, last) {
		return false
	}
	s = s[len(first) : len(s)-len(last)]
	for _, seg := range segs[1 : len(segs)-1] {
		i := strings.Index(s, seg[0])
		if i < 0 {
			return false
		}
		s = s[i+len(seg[0]):]
	}
	return true
}

// prefix matches seg at the start of s and returns the bytes it took.
func (p *Pattern) prefix(seg segment, s string) (int, bool) {
	n := 0
	for i, run := range seg {
		if i > 0 { // a '?'
			w := p.first(s[n:])
			if w == 0 {
				return 0, false
			}
			n += w
		}
		w, ok := p.literalPrefix(s[n:], run)
		if !ok {
			return 0, false
		}
		n += w
	}
	return n, true
}

// suffix matches seg at the end of s and returns the bytes it took.
func (p *Pattern) suffix(seg segment, s string) (int, bool) {
	n := 0
	for i := len(seg) - 1; i >= 0; i-- {
		w, ok := p.literalSuffix(s[:len(s)-n], seg[i])
		if !ok {
			return 0, false
		}
		n += w
		if i > 0 { // a '?'
			w := p.last(s[:len(s)-n])
			if w == 0 {
				return 0, false
			}
			n += w
		}
	}
	return n, true
}

// index finds the leftmost match of seg in s: its start and length.
func (p *Pattern) index(seg segment, s string) (int, int, bool) {
	if len(seg) == 1 && !p.fold {
		i := strings.Index(s, seg[0])
		return i, len(seg[0]), i >= 0
	}
	for i := 0; ; i += p.first(s[i:]) {
		if n, ok := p.prefix(seg, s[i:]); ok {
			return i, n, true
		}
		if i == len(s) {
			return 0, 0, false
		}
	}
}

// first returns the length of the character '?' takes at the start of s:
// 0 when s is empty.
func (p *Pattern) first(s string) int {
	if s == "" || p.byteQ {
		return min(len(s), 1)
	}
	_, n := utf8.DecodeRuneInString(s)
	return n
}

// last is first at the end of s.
func (p *Pattern) last(s string) int {
	if s == "" || p.byteQ {
		return min(len(s), 1)
	}
	_, n := utf8.DecodeLastRuneInString(s)
	return n
}

func (p *Pattern) literalPrefix(s, lit string) (int, bool) {
	if !p.fold {
		return len(lit), strings.HasPrefix(s, lit)
	}
	return prefixFold(s, lit)
}

func (p *Pattern) literalSuffix(s, lit string) (int, bool) {
	if !p.fold {
		return len(lit), strings.HasSuffix(s, lit)
	}
	return suffixFold(s, lit)
}

// Case-insensitive comparison uses Unicode simple case folding, the folding
// strings.EqualFold uses; a rune and its folded forms may differ in UTF-8
// length (K and the Kelvin sign), so these walk runes, not bytes.

// HasPrefixFold is strings.HasPrefix under simple case folding.
func HasPrefixFold(s, prefix string) bool {
	_, ok := prefixFold(s, prefix)
	return ok
}

// HasSuffixFold is strings.HasSuffix under simple case folding.
func HasSuffixFold(s, suffix string) bool {
	_, ok := suffixFold(s, suffix)
	return ok
}

// prefixFold is HasPrefixFold, also returning the bytes of s the prefix
// took.
func prefixFold(s, prefix string) (int, bool) {
	n := 0
	for prefix != "" {
		if n == len(s) {
			return 0, false
		}
		pr, pn := utf8.DecodeRuneInString(prefix)
		sr, sn := utf8.DecodeRuneInString(s[n:])
		if !foldEqual(pr, sr) {
			return 0, false
		}
		prefix, n = prefix[pn:], n+sn
	}
	return n, true
}

// suffixFold is HasSuffixFold, also returning the bytes of s the suffix
// took.
func suffixFold(s, suffix string) (int, bool) {
	n := 0
	for suffix != "" {
		if n == len(s) {
			return 0, false
		}
		pr, pn := utf8.DecodeLastRuneInString(suffix)
		sr, sn := utf8.DecodeLastRuneInString(s[:len(s)-n])
		if !foldEqual(pr, sr) {
			return 0, false
		}
		suffix, n = suffix[:len(suffix)-pn], n+sn
	}
	return n, true
}

// foldEqual reports whether a and b are equal under simple case folding.
func foldEqual(a, b rune) bool {
	if a == b {
		return true
	}
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}
