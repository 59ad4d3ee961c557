package pattern

import (
	"unicode"
	"unicode/utf8"
)

// Case-insensitive comparison uses Unicode simple case folding, the same
// folding strings.EqualFold uses; a rune and its folded forms may differ in
// UTF-8 length (K and the Kelvin sign), so these walk runes, not bytes.

// foldEq reports whether a and b are equal under simple case folding.
func foldEq(a, b rune) bool {
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

// hasPrefixFold is strings.HasPrefix under simple case folding.
func hasPrefixFold(s, prefix string) bool {
	for prefix != "" {
		if s == "" {
			return false
		}
		pr, pn := utf8.DecodeRuneInString(prefix)
		sr, sn := utf8.DecodeRuneInString(s)
		if !foldEq(pr, sr) {
			return false
		}
		prefix, s = prefix[pn:], s[sn:]
	}
	return true
}

// hasSuffixFold is strings.HasSuffix under simple case folding.
func hasSuffixFold(s, suffix string) bool {
	for suffix != "" {
		if s == "" {
			return false
		}
		pr, pn := utf8.DecodeLastRuneInString(suffix)
		sr, sn := utf8.DecodeLastRuneInString(s)
		if !foldEq(pr, sr) {
			return false
		}
		suffix, s = suffix[:len(suffix)-pn], s[:len(s)-sn]
	}
	return true
}
