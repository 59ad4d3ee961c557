package schedule

import (
	"testing"
	"time"
)

// BenchmarkNext measures Next for a common schedule and for ones that scan
// many months (rare matches, or none until 2200).
func BenchmarkNext(b *testing.B) {
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, expr := range []string{
		"cron(0/5 8-17 ? * MON-FRI *)",
		"cron(0 0 ? 2 5#5 *)",
		"cron(0 0 30 2 ? *)",
	} {
		s, err := Parse(expr)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(expr, func(b *testing.B) {
			for b.Loop() {
				s.Next(from)
			}
		})
	}
}
