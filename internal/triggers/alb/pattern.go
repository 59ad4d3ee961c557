package alb

import "github.com/verge-edge/verge/internal/glob"

// compilePattern compiles an ALB condition value: '*' matches any run of
// characters, '?' exactly one; fold makes it case-insensitive (hosts,
// headers, query strings); with escapes, "\*" and "\?" are literal (as in
// query-string conditions).
func compilePattern(s string, fold, escapes bool) glob.Pattern {
	o := glob.Options{Question: glob.QuestionChar, Fold: fold}
	if escapes {
		o.Escapes = "*?"
	}
	return glob.Compile(s, o)
}

// matchAny reports whether s matches any of ps.
func matchAny(ps []glob.Pattern, s string) bool {
	for i := range ps {
		if ps[i].Match(s) {
			return true
		}
	}
	return false
}
