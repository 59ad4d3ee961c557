package pattern

import "strings"

// glob is a compiled wildcard: the literal parts between '*'s. A value
// matches when it starts with the first part, ends with the last, and holds
// the middle parts in order between them. Matching takes the leftmost
// occurrence of each middle part, which is exact for '*'-only globs and runs
// in O(len(value) × parts): no backtracking, hence no performance cliff and
// no cap on the number of '*'s beyond the pattern size limit.
type glob struct {
	parts []string // len(parts) == number of '*' + 1
}

// parseGlob compiles a wildcard value: '*' matches any run of characters,
// "\*" is a literal star and "\\" a literal backslash; any other escape,
// a trailing backslash and "**" are errors (event-ruler README).
func parseGlob(s string) (glob, string) {
	var g glob
	var cur strings.Builder
	prevStar := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '*':
			if prevStar {
				return glob{}, "consecutive '*' are not allowed"
			}
			g.parts = append(g.parts, cur.String())
			cur.Reset()
			prevStar = true
			continue
		case '\\':
			if i+1 >= len(s) {
				return glob{}, "trailing backslash"
			}
			i++
			if s[i] != '*' && s[i] != '\\' {
				return glob{}, "invalid escape \\" + string(s[i]) + ` (only \* and \\)`
			}
			cur.WriteByte(s[i])
		default:
			cur.WriteByte(c)
		}
		prevStar = false
	}
	g.parts = append(g.parts, cur.String())
	return g, ""
}

func (g *glob) match(s string) bool {
	n := len(g.parts)
	if n == 1 {
		return s == g.parts[0]
	}
	first, last := g.parts[0], g.parts[n-1]
	if len(s) < len(first)+len(last) || !strings.HasPrefix(s, first) || !strings.HasSuffix(s, last) {
		return false
	}
	s = s[len(first) : len(s)-len(last)]
	for _, p := range g.parts[1 : n-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return true
}
