package store

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
)

// pad makes items of about 1 KiB.
var pad = strings.Repeat("x", 1000)

func benchItem(id string, n int) []byte {
	return []byte(fmt.Sprintf(`{"id":{"S":%q},"n":{"N":"%d"},"v":{"S":%q}}`, id, n, pad))
}

// BenchmarkPut: 1 KiB items, 8 goroutines, each item its own key.
func BenchmarkPut(b *testing.B) {
	e := open(b, b.TempDir(), Options{})
	create(b, e.s, counters)
	var next atomic.Int64
	b.SetParallelism(4) // 8 goroutines on 2 cores
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(next.Add(1))
			if _, err := e.s.Put(context.Background(), "things", benchItem(fmt.Sprint("p", i%100), i), nil); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkGet: 1 KiB items, 8 goroutines.
func BenchmarkGet(b *testing.B) {
	e := open(b, b.TempDir(), Options{})
	create(b, e.s, counters)
	for i := range 10000 {
		e.s.Put(context.Background(), "things", benchItem(fmt.Sprint("p", i%100), i), nil)
	}
	var next atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(next.Add(1)) % 10000
			it, _, err := e.s.Get(context.Background(), "things", key(fmt.Sprint("p", i%100), i))
			if err != nil || it == nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkQuery100: 100 items of one partition per Query.
func BenchmarkQuery100(b *testing.B) {
	e := open(b, b.TempDir(), Options{})
	create(b, e.s, counters)
	for i := range 10000 {
		e.s.Put(context.Background(), "things", benchItem(fmt.Sprint("p", i%100), i), nil)
	}
	b.ResetTimer()
	for i := range b.N {
		p, err := e.s.Query(QueryInput{Table: "things", Partition: []byte(fmt.Sprintf(`{"S":"p%d"}`, i%100))})
		if err != nil || len(p.Items) != 100 {
			b.Fatal(len(p.Items), err)
		}
	}
}

// BenchmarkHotCounter: 8 goroutines incrementing one counter.
func BenchmarkHotCounter(b *testing.B) {
	e := open(b, b.TempDir(), Options{})
	create(b, e.s, counters)
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := e.s.Update(context.Background(), "things", key("c", 0), increment); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkTransact10: transactions of 10 puts, 8 goroutines.
func BenchmarkTransact10(b *testing.B) {
	e := open(b, b.TempDir(), Options{})
	create(b, e.s, counters)
	var next atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(next.Add(1))
			ops := make([]Op, 10)
			for j := range ops {
				ops[j] = Op{Table: "things", Put: benchItem(fmt.Sprint("t", i), j)}
			}
			if _, err := e.s.Transact(context.Background(), ops); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkPutIndexed: BenchmarkPut on a table with two global indexes,
// one projecting ALL and one KEYS_ONLY, that every item is in.
func BenchmarkPutIndexed(b *testing.B) {
	e := open(b, b.TempDir(), Options{})
	c := counters
	c.Indexes = []IndexConfig{
		{Name: "byN", Key: KeySchema{Partition: Attr{"n", TypeN}}, Projection: ProjectionAll},
		{Name: "byV", Key: KeySchema{Partition: Attr{"v", TypeS}, Sort: Attr{"n", TypeN}}, Projection: ProjectionKeysOnly},
	}
	create(b, e.s, c)
	var next atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(next.Add(1))
			if _, err := e.s.Put(context.Background(), "things", benchItem(fmt.Sprint("p", i%100), i), nil); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
