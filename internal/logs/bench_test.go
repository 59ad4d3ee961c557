package logs

import (
	"testing"
	"time"
)

var benchEvent = Event{Time: time.Now(), Stream: "2026/11/22/[$LATEST]0123456789abcdef0123456789abcdef", Message: "2026-11-22T10:00:00.000Z\t6f1c7e2a\tINFO\tprocessed order 42 in 12 ms"}

// BenchmarkAppend is one sandbox logging as fast as it can; dropped/op is
// the share of lines the writer could not keep up with.
func BenchmarkAppend(b *testing.B) {
	s, err := OpenOptions(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	g := s.Group(testGroup, 0)
	b.ReportAllocs()
	for b.Loop() {
		if err := g.Append(benchEvent); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(s.Dropped())/float64(b.N), "dropped/op")
}

// BenchmarkAppendParallel is every core logging into one group.
func BenchmarkAppendParallel(b *testing.B) {
	s, err := OpenOptions(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	g := s.Group(testGroup, 0)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := g.Append(benchEvent); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(s.Dropped())/float64(b.N), "dropped/op")
}

// BenchmarkFlush is the writer: encoding and writing a batch, per event.
func BenchmarkFlush(b *testing.B) {
	s, err := OpenOptions(b.TempDir(), Options{FlushInterval: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	g := s.Group(testGroup, 0)
	b.ReportAllocs()
	for b.Loop() {
		g.Append(benchEvent)
		if err := g.flush(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkQuery(b *testing.B) {
	s, err := OpenOptions(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	g := s.Group(testGroup, 0)
	for i := range 10000 {
		g.Append(ev(time.Duration(i)*time.Millisecond, "s", "INFO processed order in 12 ms"))
	}
	s.flushAll()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Query(testGroup, Query{Filter: "order", Limit: 100}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteBatch is the writer's sustained rate: batches of 1000
// events appended then written, per event.
func BenchmarkWriteBatch(b *testing.B) {
	s, err := OpenOptions(b.TempDir(), Options{FlushInterval: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	g := s.Group(testGroup, 0)
	b.ReportAllocs()
	for b.Loop() {
		for range 1000 {
			g.Append(benchEvent)
		}
		if err := g.flush(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*1000), "ns/event")
}
