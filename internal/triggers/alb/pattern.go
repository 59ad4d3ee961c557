package alb

import "unicode"

// elemKind is the kind of one element of a wildcard pattern.
type elemKind uint8

const (
	litElem  elemKind = iota // one literal character
	anyElem                  // '?': exactly one character
	starElem                 // '*': any run of characters, possibly empty
)

type elem struct {
	kind elemKind
	r    rune
}

// pattern is an ALB condition value with '*' and '?' wildcards.
type pattern struct {
	elems []elem
	fold  bool // case-insensitive (hosts, headers, query strings)
}

// compilePattern parses s; with escapes, "\*" and "\?" are literal (as in
// ALB query-string conditions).
func compilePattern(s string, fold, escapes bool) pattern {
	p := pattern{fold: fold}
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case escapes && r == '\\' && i+1 < len(rs) && (rs[i+1] == '*' || rs[i+1] == '?'):
			i++
			p.elems = append(p.elems, elem{litElem, rs[i]})
		case r == '*':
			if n := len(p.elems); n > 0 && p.elems[n-1].kind == starElem {
				continue // "**" is "*"
			}
			p.elems = append(p.elems, elem{kind: starElem})
		case r == '?':
			p.elems = append(p.elems, elem{kind: anyElem})
		default:
			p.elems = append(p.elems, elem{litElem, r})
		}
	}
	return p
}

// match reports whether the whole of s matches; it backtracks only to the
// last star, so it runs in O(len(p)·len(s)) at worst.
func (p pattern) match(s string) bool {
	rs := []rune(s)
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(rs) {
		switch {
		case pi < len(p.elems) && p.elems[pi].kind == starElem:
			star, mark = pi, si
			pi++
		case pi < len(p.elems) && p.one(p.elems[pi], rs[si]):
			pi++
			si++
		case star >= 0:
			mark++
			pi, si = star+1, mark
		default:
			return false
		}
	}
	for pi < len(p.elems) && p.elems[pi].kind == starElem {
		pi++
	}
	return pi == len(p.elems)
}

// one reports whether e matches the single character r.
func (p pattern) one(e elem, r rune) bool {
	switch e.kind {
	case anyElem:
		return true
	case litElem:
		return e.r == r || p.fold && foldEqual(e.r, r)
	}
	return false
}

// foldEqual reports whether a and b are equal under Unicode simple folding.
func foldEqual(a, b rune) bool {
	for f := unicode.SimpleFold(a); f != a; f = unicode.SimpleFold(f) {
		if f == b {
			return true
		}
	}
	return false
}

// matchAny reports whether s matches any of ps.
func matchAny(ps []pattern, s string) bool {
	for _, p := range ps {
		if p.match(s) {
			return true
		}
	}
	return false
}
