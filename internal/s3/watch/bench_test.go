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

// BenchmarkBurst writes 1,000 files into 10 new folders as fast as it can
// (a build's output) and measures the time from the last close to the
// last change.
func BenchmarkBurst(b *testing.B) {
	const files, folders = 1000, 10
	body := make([]byte, 4096)
	var tail []time.Duration
	for i := range b.N {
		dir := b.TempDir()
		got := make(chan time.Time, files)
		w, err := Watch(dir, Options{}, func(Change) { got <- time.Now() })
		if err != nil {
			b.Fatal(err)
		}
		for j := range files {
			p := filepath.Join(dir, fmt.Sprintf("run%d/d%d/f%d", i, j%folders, j))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(p, body, 0o644); err != nil {
				b.Fatal(err)
			}
		}
		closed := time.Now()
		var last time.Time
		for range files {
			select {
			case last = <-got:
			case <-time.After(10 * time.Second):
				b.Fatal("changes missing")
			}
		}
		tail = append(tail, last.Sub(closed))
		w.Close()
	}
	slices.Sort(tail)
	b.ReportMetric(float64(tail[len(tail)/2])/float64(time.Millisecond), "last-change-ms")
}
