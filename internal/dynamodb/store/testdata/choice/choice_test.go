// Package choice measures the candidates for the local ordered store of
// DynamoDB tables: point get, put, and an ordered scan of 100 items in one
// partition, with 1 KiB values. It is a module of its own, under testdata,
// so that the candidates not chosen are no dependency of Verge:
//
//	cd internal/dynamodb/store/testdata/choice && go test -bench . -benchmem
package choice

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/cockroachdb/pebble/v2"
	"github.com/google/btree"
	tbtree "github.com/tidwall/btree"
	bolt "go.etcd.io/bbolt"
)

const (
	partitions = 200
	perPart    = 100
	valueSize  = 1024
)

var value = bytes.Repeat([]byte{'v'}, valueSize)

func key(p, s int) []byte {
	k := fmt.Appendf(nil, "part-%05d\x00", p)
	return binary.BigEndian.AppendUint64(k, uint64(s))
}

func prefix(p int) []byte { return fmt.Appendf(nil, "part-%05d\x00", p) }

// kv is what each candidate offers.
type kv interface {
	get(k []byte) bool
	put(k, v []byte)
	scan(prefix []byte, n int) int
	close()
}

// memTree: tidwall/btree with a lock (copy-on-write not needed here).
type memTree struct {
	mu sync.RWMutex
	t  *tbtree.BTreeG[item]
}
type item struct{ k, v []byte }

func newMem() *memTree {
	return &memTree{t: tbtree.NewBTreeG(func(a, b item) bool { return bytes.Compare(a.k, b.k) < 0 })}
}
func (m *memTree) get(k []byte) bool {
	m.mu.RLock()
	defer m.mu.RUnlock()
	_, ok := m.t.Get(item{k: k})
	return ok
}
func (m *memTree) put(k, v []byte) {
	m.mu.Lock()
	m.t.Set(item{k: bytes.Clone(k), v: bytes.Clone(v)})
	m.mu.Unlock()
}
func (m *memTree) scan(p []byte, n int) int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	c := 0
	m.t.Ascend(item{k: p}, func(it item) bool {
		if !bytes.HasPrefix(it.k, p) || c == n {
			return false
		}
		c++
		return true
	})
	return c
}
func (m *memTree) close() {}

// gTree: google/btree.
type gTree struct {
	mu sync.RWMutex
	t  *btree.BTreeG[item]
}

func newG() *gTree {
	return &gTree{t: btree.NewG(32, func(a, b item) bool { return bytes.Compare(a.k, b.k) < 0 })}
}
func (m *gTree) get(k []byte) bool {
	m.mu.RLock()
	defer m.mu.RUnlock()
	_, ok := m.t.Get(item{k: k})
	return ok
}
func (m *gTree) put(k, v []byte) {
	m.mu.Lock()
	m.t.ReplaceOrInsert(item{k: bytes.Clone(k), v: bytes.Clone(v)})
	m.mu.Unlock()
}
func (m *gTree) scan(p []byte, n int) int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	c := 0
	m.t.AscendGreaterOrEqual(item{k: p}, func(it item) bool {
		if !bytes.HasPrefix(it.k, p) || c == n {
			return false
		}
		c++
		return true
	})
	return c
}
func (m *gTree) close() {}

// peb: pebble without fsync per write (the log is the durable copy).
type peb struct{ db *pebble.DB }

func newPebble(b *testing.B) *peb {
	db, err := pebble.Open(b.TempDir(), &pebble.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return &peb{db}
}
func (p *peb) get(k []byte) bool {
	_, c, err := p.db.Get(k)
	if err != nil {
		return false
	}
	c.Close()
	return true
}
func (p *peb) put(k, v []byte) { p.db.Set(k, v, pebble.NoSync) }
func (p *peb) scan(pre []byte, n int) int {
	it, _ := p.db.NewIter(&pebble.IterOptions{LowerBound: pre, UpperBound: append(bytes.Clone(pre[:len(pre)-1]), 1)})
	c := 0
	for it.First(); it.Valid() && c < n; it.Next() {
		_ = it.Value()
		c++
	}
	it.Close()
	return c
}
func (p *peb) close() { p.db.Close() }

// bbolt without fsync (NoSync), one bucket.
type bb struct{ db *bolt.DB }

var bucket = []byte("t")

func newBolt(b *testing.B) *bb {
	db, err := bolt.Open(b.TempDir()+"/db", 0o600, &bolt.Options{NoSync: true, NoFreelistSync: true})
	if err != nil {
		b.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket(bucket); return err })
	return &bb{db}
}
func (d *bb) get(k []byte) bool {
	ok := false
	d.db.View(func(tx *bolt.Tx) error { ok = tx.Bucket(bucket).Get(k) != nil; return nil })
	return ok
}
func (d *bb) put(k, v []byte) {
	d.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucket).Put(k, v) })
}
func (d *bb) scan(pre []byte, n int) int {
	c := 0
	d.db.View(func(tx *bolt.Tx) error {
		cur := tx.Bucket(bucket).Cursor()
		for k, _ := cur.Seek(pre); k != nil && bytes.HasPrefix(k, pre) && c < n; k, _ = cur.Next() {
			c++
		}
		return nil
	})
	return c
}
func (d *bb) close() { d.db.Close() }

func candidates(b *testing.B) map[string]func() kv {
	return map[string]func() kv{
		"tidwall": func() kv { return newMem() },
		"google":  func() kv { return newG() },
		"pebble":  func() kv { return newPebble(b) },
		"bbolt":   func() kv { return newBolt(b) },
	}
}

func load(s kv) {
	for p := range partitions {
		for i := range perPart {
			s.put(key(p, i), value)
		}
	}
}

func BenchmarkGet(b *testing.B) {
	for name, mk := range candidates(b) {
		b.Run(name, func(b *testing.B) {
			s := mk()
			defer s.close()
			load(s)
			b.SetParallelism(4) // 8 goroutines on 2 cores
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					if !s.get(key(i%partitions, i%perPart)) {
						b.Error("missing")
					}
					i += 7
				}
			})
		})
	}
}

func BenchmarkPut(b *testing.B) {
	for name, mk := range candidates(b) {
		b.Run(name, func(b *testing.B) {
			s := mk()
			defer s.close()
			b.SetParallelism(4)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					s.put(key(i%partitions, i%(perPart*10)), value)
					i += 7
				}
			})
		})
	}
}

func BenchmarkScan100(b *testing.B) {
	for name, mk := range candidates(b) {
		b.Run(name, func(b *testing.B) {
			s := mk()
			defer s.close()
			load(s)
			b.ResetTimer()
			for i := range b.N {
				if n := s.scan(prefix(i%partitions), perPart); n != perPart {
					b.Fatal(n)
				}
			}
		})
	}
}

// TestHeap reports the Go heap one in-memory tree of 100 MiB of items
// takes: the figure to scale for a 1 GB table.
func TestHeap(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m := newMem()
	for i := range 100 * 1024 {
		m.put(key(i/perPart, i%perPart), value)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	t.Logf("100 MiB of 1 KiB items: %d MiB of heap", (after.HeapAlloc-before.HeapAlloc)>>20)
	runtime.KeepAlive(m)
}
