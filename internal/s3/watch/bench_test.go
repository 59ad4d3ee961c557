package watch

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// BenchmarkWriteToEvent measures the time from a write's close to its
// change, one file at a time, over 200 files per iteration.
func BenchmarkWriteToEvent(b *testing.B) {
	for _, portable := range []bool{false, true} {
		name := "inotify"
		if portable {
			name = "fsnotify"
		}
		b.Run(name, func(b *testing.B) { benchWriteToEvent(b, portable) })
	}
}

func benchWriteToEvent(b *testing.B, portable bool) {
	const files = 200
	dir := b.TempDir()
	got := make(chan time.Time, 1)
	w, err := Watch(dir, Options{portable: portable}, func(Change) { got <- time.Now() })
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	var lat []time.Duration
	body := make([]byte, 4096)
	b.ResetTimer()
	for i := range b.N {
		for j := range files {
			p := filepath.Join(dir, fmt.Sprintf("f%d-%d", i, j))
			if err := os.WriteFile(p, body, 0o644); err != nil {
				b.Fatal(err)
			}
			closed := time.Now()
			select {
			case at := <-got:
				lat = append(lat, at.Sub(closed))
			case <-time.After(5 * time.Second):
				b.Fatalf("no change for %s", p)
			}
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	ms := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
}
