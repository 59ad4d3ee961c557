package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/verge-edge/verge/internal/broker"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var fixedNow = time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)

// env is a store on an embedded broker in dir.
type env struct {
	b *broker.Broker
	s *Store
}

func open(t testing.TB, dir string, o Options) *env {
	t.Helper()
	ctx := context.Background()
	b, err := broker.Open(ctx, broker.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	o.JetStream = b.JetStream()
	if o.TTLInterval == 0 {
		o.TTLInterval = -1
	}
	s, err := Open(ctx, o)
	if err != nil {
		b.Close()
		t.Fatal(err)
	}
	e := &env{b: b, s: s}
	t.Cleanup(e.close)
	return e
}

func (e *env) close() {
	if e.s != nil {
		e.s.Close()
		e.s = nil
	}
	if e.b != nil {
		e.b.Close()
		e.b = nil
	}
}

// counters is a table keyed by id (S) with a sort key n (N).
var counters = TableConfig{Name: "things", Key: KeySchema{Partition: Attr{"id", TypeS}, Sort: Attr{"n", TypeN}}, StreamView: ViewNewAndOldImages}

func create(t testing.TB, s *Store, c TableConfig) {
	t.Helper()
	if _, err := s.CreateTable(context.Background(), c); err != nil {
		t.Fatal(err)
	}
}

func item(id string, n any, extra ...string) []byte {
	s := fmt.Sprintf(`{"id":{"S":%q},"n":{"N":"%v"}`, id, n)
	for i := 0; i+1 < len(extra); i += 2 {
		s += fmt.Sprintf(`,%q:{"S":%q}`, extra[i], extra[i+1])
	}
	return []byte(s + "}")
}

func key(id string, n any) []byte {
	return []byte(fmt.Sprintf(`{"id":{"S":%q},"n":{"N":"%v"}}`, id, n))
}

func mustAbsent(old []byte, exists bool) error {
	if exists {
		return ErrConditionFailed
	}
	return nil
}

func TestTables(t *testing.T) {
	e := open(t, t.TempDir(), Options{})
	ctx := context.Background()
	create(t, e.s, counters)
	if _, err := e.s.CreateTable(ctx, counters); !errors.Is(err, &Error{Code: CodeResourceInUse}) {
		t.Errorf("second create: %v", err)
	}
	for _, c := range []TableConfig{
		{Name: "x", Key: counters.Key},
		{Name: "bad name", Key: counters.Key},
		{Name: "ok1", Key: KeySchema{Partition: Attr{"a", "SS"}}},
		{Name: "ok2", Key: KeySchema{Partition: Attr{"a", TypeS}, Sort: Attr{"a", TypeS}}},
		{Name: "ok3", Key: counters.Key, StreamView: "ALL"},
	} {
		if _, err := e.s.CreateTable(ctx, c); !errors.Is(err, &Error{Code: CodeValidation}) {
			t.Errorf("%+v: %v", c, err)
		}
	}
	if _, err := e.s.Put(ctx, "things", item("a", 1), nil); err != nil {
		t.Fatal(err)
	}
	d, err := e.s.Describe("things")
	if err != nil || d.Items != 1 || d.Bytes != int64(len(item("a", 1))) || d.Key != counters.Key {
		t.Errorf("%+v %v", d, err)
	}
	if got := e.s.Tables(); len(got) != 1 || got[0] != "things" {
		t.Errorf("%v", got)
	}
	if _, err := e.s.DeleteTable(ctx, "things"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.Describe("things"); !errors.Is(err, &Error{Code: CodeResourceNotFound}) {
		t.Errorf("after delete: %v", err)
	}
	// A table created again under the name is empty.
	create(t, e.s, counters)
	if it, _, _ := e.s.Get(ctx, "things", key("a", 1)); it != nil {
		t.Errorf("the old item is back: %s", it)
	}
}

func TestPutGetDelete(t *testing.T) {
	e := open(t, t.TempDir(), Options{})
	ctx := context.Background()
	create(t, e.s, counters)
	r, err := e.s.Put(ctx, "things", item("a", 1, "v", "x"), mustAbsent)
	if err != nil || r.Old != nil || r.Version == 0 {
		t.Fatalf("%+v %v", r, err)
	}
	if _, err := e.s.Put(ctx, "things", item("a", 1, "v", "y"), mustAbsent); !errors.Is(err, ErrConditionFailed) {
		t.Errorf("put over an item with attribute_not_exists: %v", err)
	}
	// 1 and 1.0 are the same number, so the same key.
	got, v, err := e.s.Get(ctx, "things", key("a", "1.0"))
	if err != nil || string(got) != string(item("a", 1, "v", "x")) || v != r.Version {
		t.Errorf("get: %s %d %v", got, v, err)
	}
	r2, err := e.s.Put(ctx, "things", item("a", 1, "v", "z"), nil)
	if err != nil || string(r2.Old) != string(item("a", 1, "v", "x")) || r2.Version <= r.Version {
		t.Errorf("replace: %+v %v", r2, err)
	}
	// A write that changes nothing writes nothing.
	r3, err := e.s.Put(ctx, "things", []byte(`{"v":{"S":"z"},"n":{"N":"1"},"id":{"S":"a"}}`), nil)
	if err != nil || r3.Version != r2.Version {
		t.Errorf("same item: %+v %v", r3, err)
	}
	if _, err := e.s.Put(ctx, "things", []byte(`{"id":{"S":"a"}}`), nil); !errors.Is(err, &Error{Code: CodeValidation}) {
		t.Errorf("no sort key: %v", err)
	}
	if _, err := e.s.Update(ctx, "things", key("a", 1), func(old []byte, _ bool) ([]byte, error) { return item("b", 1), nil }); !errors.Is(err, &Error{Code: CodeValidation}) {
		t.Errorf("update changing the key: %v", err)
	}
	d, err := e.s.Delete(ctx, "things", key("a", 1), nil)
	if err != nil || string(d.Old) != string(item("a", 1, "v", "z")) {
		t.Errorf("delete: %+v %v", d, err)
	}
	got, v, _ = e.s.Get(ctx, "things", key("a", 1))
	if got != nil || v != d.Version {
		t.Errorf("after delete: %s %d", got, v)
	}
	// Created again after its removal: the compare-and-set expects the
	// removal's version.
	if _, err := e.s.Put(ctx, "things", item("a", 1), mustAbsent); err != nil {
		t.Errorf("put after delete: %v", err)
	}
	if _, _, err := e.s.Get(ctx, "nope", key("a", 1)); !errors.Is(err, &Error{Code: CodeResourceNotFound}) {
		t.Errorf("unknown table: %v", err)
	}
}

// increment adds 1 to attribute c of the counter item.
func increment(old []byte, exists bool) ([]byte, error) {
	n := 0
	if exists {
		var m struct{ C struct{ N string } }
		if err := json.Unmarshal(old, &m); err != nil {
			return nil, err
		}
		n, _ = strconv.Atoi(m.C.N)
	}
	return []byte(fmt.Sprintf(`{"id":{"S":"c"},"n":{"N":"0"},"C":{"N":"%d"}}`, n+1)), nil
}

func counterValue(t *testing.T, s *Store) int {
	t.Helper()
	it, _, err := s.Get(context.Background(), "things", key("c", 0))
	if err != nil {
		t.Fatal(err)
	}
	var m struct{ C struct{ N string } }
	json.Unmarshal(it, &m)
	n, _ := strconv.Atoi(m.C.N)
	return n
}

// TestCounter: 8 writers doing read-modify-write on one counter end at
// exactly the sum of their increments.
func TestCounter(t *testing.T) {
	e := open(t, t.TempDir(), Options{})
	create(t, e.s, counters)
	writers, each := 8, counterWrites
	if testing.Short() {
		each = 500
	}
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for range each {
				if _, err := e.s.Update(context.Background(), "things", key("c", 0), increment); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if got := counterValue(t, e.s); got != writers*each {
		t.Errorf("counter at %d, want %d", got, writers*each)
	}
}

// TestTwoNodes: two stores on one JetStream, as two nodes: each writes
// with a stale view of the other's writes, loses the compare-and-set,
// reads the item again from the log and retries; no increment is lost.
func TestTwoNodes(t *testing.T) {
	e := open(t, t.TempDir(), Options{})
	create(t, e.s, counters)
	other, err := Open(context.Background(), Options{JetStream: e.b.JetStream(), TTLInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	each := 300
	var wg sync.WaitGroup
	for _, s := range []*Store{e.s, other, e.s, other} {
		wg.Go(func() {
			for range each {
				if _, err := s.Update(context.Background(), "things", key("c", 0), increment); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	// The last write of either is the counter's final value.
	a, b := counterValue(t, e.s), counterValue(t, other)
	if max(a, b) != 4*each {
		t.Errorf("counters at %d and %d, want %d", a, b, 4*each)
	}
	if e.s.races.Load()+other.races.Load() == 0 {
		t.Error("no compare-and-set was lost: the test did not race")
	}
}

func TestRestart(t *testing.T) {
	dir := t.TempDir()
	e := open(t, dir, Options{})
	ctx := context.Background()
	create(t, e.s, counters)
	for i := range 50 {
		if _, err := e.s.Put(ctx, "things", item("p", i, "v", "first"), nil); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 10 {
		e.s.Put(ctx, "things", item("p", i, "v", "second"), nil)
		e.s.Delete(ctx, "things", key("p", 40+i), nil)
	}
	before, _ := e.s.Describe("things")
	e.close()

	e = open(t, dir, Options{})
	after, err := e.s.Describe("things")
	if err != nil || after.Items != 40 || after.Bytes != before.Bytes || after.ID != before.ID {
		t.Fatalf("after restart %+v (before %+v) %v", after, before, err)
	}
	for i := range 50 {
		it, _, _ := e.s.Get(ctx, "things", key("p", i))
		want := "first"
		switch {
		case i < 10:
			want = "second"
		case i >= 40:
			want = ""
		}
		if want == "" && it != nil || want != "" && string(it) != string(item("p", i, "v", want)) {
			t.Errorf("item %d: %s, want %s", i, it, want)
		}
	}
	// A removed item is created again with a must-not-exist condition:
	// the removal's version was rebuilt too.
	if _, err := e.s.Put(ctx, "things", item("p", 45), mustAbsent); err != nil {
		t.Errorf("%v", err)
	}
}

// atomicTime is a clock tests move.
type atomicTime struct {
	mu sync.Mutex
	t  time.Time
}

func (a *atomicTime) set(t time.Time) { a.mu.Lock(); a.t = t; a.mu.Unlock() }
func (a *atomicTime) get() time.Time  { a.mu.Lock(); defer a.mu.Unlock(); return a.t }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestFollow: a node following the log sees another node's writes, and
// its stream readers wake for them.
func TestFollow(t *testing.T) {
	e := open(t, t.TempDir(), Options{})
	ctx := context.Background()
	create(t, e.s, counters)
	e.s.Put(ctx, "things", item("before", 1), nil)
	follower, err := Open(ctx, Options{JetStream: e.b.JetStream(), TTLInterval: -1, Follow: true})
	if err != nil {
		t.Fatal(err)
	}
	defer follower.Close()
	woke := make(chan StreamRead, 1)
	go func() {
		tip, _ := follower.StreamTip("things")
		r, _ := follower.ReadStream(ctx, "things", tip, 10, 5*time.Second)
		woke <- r
	}()
	time.Sleep(50 * time.Millisecond)
	e.s.Put(ctx, "things", item("after", 1), nil)
	e.s.Delete(ctx, "things", key("before", 1), nil)
	deadline := time.Now().Add(5 * time.Second)
	for {
		a, _, _ := follower.Get(ctx, "things", key("after", 1))
		b, _, _ := follower.Get(ctx, "things", key("before", 1))
		if a != nil && b == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the follower has after=%s before=%s", a, b)
		}
		time.Sleep(5 * time.Millisecond)
	}
	select {
	case r := <-woke:
		if len(r.Records) == 0 || r.Records[0].Event != EventInsert {
			t.Errorf("the follower's reader got %+v", r)
		}
	case <-time.After(5 * time.Second):
		t.Error("the follower's reader did not wake")
	}
	// Without Follow, the first node does not see the follower's write
	// until it writes the item itself.
	follower.Put(ctx, "things", item("x", 1, "v", "f"), nil)
	if it, _, _ := e.s.Get(ctx, "things", key("x", 1)); it != nil {
		t.Errorf("a node not following saw %s", it)
	}
}
