package schedule

import (
	"testing"
	"time"
)

// FuzzParse checks that Parse never panics and that a parsed schedule's
// Next is a whole UTC minute strictly after its input, within the supported
// years, and never goes backwards when chained.
func FuzzParse(f *testing.F) {
	for _, c := range loadCorpus(f) {
		from, _ := time.Parse(time.RFC3339, c.From)
		f.Add(c.Expr, from.Unix())
	}
	for _, c := range invalidCases {
		f.Add(c.expr, int64(0))
	}
	f.Fuzz(func(t *testing.T, expr string, unix int64) {
		s, err := Parse(expr)
		if err != nil {
			return
		}
		if s.String() != expr {
			t.Fatalf("String() = %q, want %q", s.String(), expr)
		}
		// Any instant from 1900 to 2250.
		const lo, span = -2208988800, 11044857600
		from := time.Unix(lo+(unix%span+span)%span, 0)
		at := from
		for range 3 {
			next := s.Next(at)
			if next.IsZero() {
				return
			}
			if !next.After(at) || next.Location() != time.UTC || next.Second() != 0 || next.Nanosecond() != 0 || next.Year() > maxYear {
				t.Fatalf("%s: Next(%s) = %s", expr, at, next)
			}
			at = next
		}
	})
}
