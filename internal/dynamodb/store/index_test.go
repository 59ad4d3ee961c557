package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// indexed is the table of the index tests: id/n keys, a global index by
// status and at (ALL), one by owner (KEYS_ONLY), and a local one by at
// projecting note (INCLUDE).
var indexed = TableConfig{
	Name: "things",
	Key:  KeySchema{Partition: Attr{"id", TypeS}, Sort: Attr{"n", TypeN}},
	Indexes: []IndexConfig{
		{Name: "byStatus", Key: KeySchema{Partition: Attr{"status", TypeS}, Sort: Attr{"at", TypeN}}, Projection: ProjectionAll},
		{Name: "byOwner", Key: KeySchema{Partition: Attr{"owner", TypeS}}, Projection: ProjectionKeysOnly},
		{Name: "byAt", Local: true, Key: KeySchema{Sort: Attr{"at", TypeN}}, Projection: ProjectionInclude, NonKey: []string{"note"}},
	},
}

// doc is an item of the indexed table: id, n, then name/value pairs, a
// value "#5" a number.
func doc(id string, n int, kv ...string) []byte {
	m := map[string]map[string]string{"id": {"S": id}, "n": {"N": fmt.Sprint(n)}}
	for i := 0; i+1 < len(kv); i += 2 {
		if v, ok := strings.CutPrefix(kv[i+1], "#"); ok {
			m[kv[i]] = map[string]string{"N": v}
		} else {
			m[kv[i]] = map[string]string{"S": kv[i+1]}
		}
	}
	b, _ := json.Marshal(m)
	return b
}

// ids are the id/n of items.
func ids(t *testing.T, items [][]byte) []string {
	t.Helper()
	var out []string
	for _, it := range items {
		var m struct{ ID, N struct{ S, N string } }
		if err := json.Unmarshal(it, &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m.ID.S+"/"+m.N.N)
	}
	return out
}

// queryIndex returns the id/n of every item of an index's partition, in
// order.
func queryIndex(t *testing.T, s *Store, index, partition string) []string {
	t.Helper()
	p, err := s.Query(QueryInput{Table: "things", Index: index, Partition: []byte(partition)})
	if err != nil {
		t.Fatal(err)
	}
	return ids(t, p.Items)
}

func equal(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s: %q, want %q", what, got, want)
	}
}

// TestIndexMaintenance: every kind of write moves an item in, within and
// out of the indexes.
func TestIndexMaintenance(t *testing.T) {
	e := open(t, t.TempDir(), Options{})
	ctx := context.Background()
	create(t, e.s, indexed)
	s := e.s
	s.Put(ctx, "things", doc("a", 1, "status", "open", "at", "#3", "owner", "ann"), nil)
	s.Put(ctx, "things", doc("b", 1, "status", "open", "at", "#1", "owner", "bob"), nil)
	s.Put(ctx, "things", doc("c", 1, "status", "done", "at", "#2"), nil)
	equal(t, "open", queryIndex(t, s, "byStatus", `{"S":"open"}`), []string{"b/1", "a/1"})
	equal(t, "done", queryIndex(t, s, "byStatus", `{"S":"done"}`), []string{"c/1"})

	// An update moves b to done; a put replaces a without an owner.
	s.Update(ctx, "things", key("b", 1), func(old []byte, _ bool) ([]byte, error) {
		return doc("b", 1, "status", "done", "at", "#1", "owner", "bob"), nil
	})
	s.Put(ctx, "things", doc("a", 1, "status", "open", "at", "#3"), nil)
	equal(t, "open after update", queryIndex(t, s, "byStatus", `{"S":"open"}`), []string{"a/1"})
	equal(t, "done after update", queryIndex(t, s, "byStatus", `{"S":"done"}`), []string{"b/1", "c/1"})
	equal(t, "ann", queryIndex(t, s, "byOwner", `{"S":"ann"}`), nil)

	// A delete and a transaction.
	s.Delete(ctx, "things", key("c", 1), nil)
	if _, err := s.Transact(ctx, []Op{
		{Table: "things", Put: doc("d", 1, "status", "done", "at", "#0", "owner", "bob")},
		{Table: "things", Key: key("a", 1), Delete: true},
	}); err != nil {
		t.Fatal(err)
	}
	equal(t, "done after transaction", queryIndex(t, s, "byStatus", `{"S":"done"}`), []string{"d/1", "b/1"})
	equal(t, "open after transaction", queryIndex(t, s, "byStatus", `{"S":"open"}`), nil)
	equal(t, "bob", queryIndex(t, s, "byOwner", `{"S":"bob"}`), []string{"b/1", "d/1"})

	d, _ := s.Describe("things")
	if d.IndexItems["byStatus"] != 2 || d.IndexItems["byOwner"] != 2 || d.IndexItems["byAt"] != 2 || d.IndexBytes["byOwner"] == 0 {
		t.Errorf("index items %v bytes %v", d.IndexItems, d.IndexBytes)
	}
}

// TestIndexTTL: an item removed by TTL leaves its indexes.
func TestIndexTTL(t *testing.T) {
	var now atomicTime
	now.set(fixedNow)
	e := open(t, t.TempDir(), Options{Now: now.get})
	ctx := context.Background()
	c := indexed
	c.TTLAttribute = "exp"
	create(t, e.s, c)
	exp := fmt.Sprint("#", fixedNow.Unix()+60)
	e.s.Put(ctx, "things", doc("a", 1, "status", "open", "at", "#1", "exp", exp), nil)
	e.s.Put(ctx, "things", doc("b", 1, "status", "open", "at", "#2"), nil)
	now.set(fixedNow.Add(time.Hour))
	tb, _ := e.s.table("things")
	if err := e.s.expire(ctx, tb); err != nil {
		t.Fatal(err)
	}
	equal(t, "open", queryIndex(t, e.s, "byStatus", `{"S":"open"}`), []string{"b/1"})
}

// TestIndexFollow: a following node's indexes take another node's writes.
func TestIndexFollow(t *testing.T) {
	e := open(t, t.TempDir(), Options{})
	ctx := context.Background()
	create(t, e.s, indexed)
	follower, err := Open(ctx, Options{JetStream: e.b.JetStream(), TTLInterval: -1, Follow: true})
	if err != nil {
		t.Fatal(err)
	}
	defer follower.Close()
	e.s.Put(ctx, "things", doc("a", 1, "status", "open", "at", "#1"), nil)
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		p, _ := follower.Query(QueryInput{Table: "things", Index: "byStatus", Partition: []byte(`{"S":"open"}`)})
		if len(p.Items) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the follower's index never got the item")
		}
	}
}

// TestIndexSparse: an item without an index key attribute, or with one of
// another type, is not in the index.
func TestIndexSparse(t *testing.T) {
	e := open(t, t.TempDir(), Options{})
	ctx := context.Background()
	create(t, e.s, indexed)
	e.s.Put(ctx, "things", doc("a", 1, "status", "open", "at", "#1"), nil)
	e.s.Put(ctx, "things", doc("b", 1, "status", "open"), nil)              // no at
	e.s.Put(ctx, "things", doc("c", 1, "status", "open", "at", "one"), nil) // at not a number
	e.s.Put(ctx, "things", doc("d", 1, "at", "#1"), nil)                    // no status
	equal(t, "open", queryIndex(t, e.s, "byStatus", `{"S":"open"}`), []string{"a/1"})
	p, _ := e.s.Scan(ScanInput{Table: "things", Index: "byAt"})
	equal(t, "byAt", ids(t, p.Items), []string{"a/1", "d/1"})
	d, _ := e.s.Describe("things")
	if d.IndexItems["byStatus"] != 1 || d.IndexItems["byOwner"] != 0 || d.Items != 4 {
		t.Errorf("items %d, index items %v", d.Items, d.IndexItems)
	}
}

// TestIndexProjection: KEYS_ONLY keeps the keys, INCLUDE the keys and
// NonKey, ALL the item.
func TestIndexProjection(t *testing.T) {
	e := open(t, t.TempDir(), Options{})
	ctx := context.Background()
	create(t, e.s, indexed)
	full := doc("a", 1, "status", "open", "at", "#5", "owner", "ann", "note", "hi", "other", "x")
	e.s.Put(ctx, "things", full, nil)
	attrs := func(index, partition string) string {
		p, err := e.s.Query(QueryInput{Table: "things", Index: index, Partition: []byte(partition)})
		if err != nil || len(p.Items) != 1 {
			t.Fatalf("%s: %d items, %v", index, len(p.Items), err)
		}
		var m map[string]json.RawMessage
		json.Unmarshal(p.Items[0], &m)
		var names []string
		for n := range m {
			names = append(names, n)
		}
		slices.Sort(names)
		return strings.Join(names, ",")
	}
	tests := []struct{ index, partition, want string }{
		{"byStatus", `{"S":"open"}`, "at,id,n,note,other,owner,status"},
		{"byOwner", `{"S":"ann"}`, "id,n,owner"},
		{"byAt", `{"S":"a"}`, "at,id,n,note"},
	}
	for _, tt := range tests {
		if got := attrs(tt.index, tt.partition); got != tt.want {
			t.Errorf("%s projects %s, want %s", tt.index, got, tt.want)
		}
	}
}

// TestIndexOrder: items with equal index keys are in table key order, and
// pages of any size through them, either way, see each once.
func TestIndexOrder(t *testing.T) {
	e := open(t, t.TempDir(), Options{})
	ctx := context.Background()
	create(t, e.s, indexed)
	var want []string
	for i := range 12 {
		id := fmt.Sprint("i", i%3)
		e.s.Put(ctx, "things", doc(id, i, "status", "s", "at", "#7"), nil)
	}
	for _, id := range []string{"i0", "i1", "i2"} {
		for i := range 12 {
			if fmt.Sprint("i", i%3) == id {
				want = append(want, fmt.Sprint(id, "/", i))
			}
		}
	}
	equal(t, "order", queryIndex(t, e.s, "byStatus", `{"S":"s"}`), want)
	for _, backward := range []bool{false, true} {
		for _, limit := range []int{1, 5} {
			var got []string
			var start []byte
			for {
				p, err := e.s.Query(QueryInput{Table: "things", Index: "byStatus", Partition: []byte(`{"S":"s"}`),
					Sort: &SortCond{Op: SortEQ, Value: []byte(`{"N":"7"}`)}, Backward: backward, Limit: limit, Start: start})
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, ids(t, p.Items)...)
				if p.Last == nil {
					break
				}
				var last map[string]json.RawMessage
				json.Unmarshal(p.Last, &last)
				if len(last) != 4 {
					t.Fatalf("LastEvaluatedKey %s: want the index's and the table's keys", p.Last)
				}
				start = p.Last
			}
			w := slices.Clone(want)
			if backward {
				slices.Reverse(w)
			}
			equal(t, fmt.Sprint("pages of ", limit, " backward ", backward), got, w)
		}
	}
	// A starting key of the wrong shape is refused.
	if _, err := e.s.Query(QueryInput{Table: "things", Index: "byStatus", Partition: []byte(`{"S":"s"}`), Start: key("i0", 0)}); err == nil ||
		!strings.HasPrefix(err.Error(), CodeValidation+": The provided starting key is invalid") {
		t.Errorf("a table key as an index's starting key: %v", err)
	}
}

// TestIndexScanSegments: a parallel scan of an index sees every item once.
func TestIndexScanSegments(t *testing.T) {
	e := open(t, t.TempDir(), Options{})
	ctx := context.Background()
	create(t, e.s, indexed)
	for i := range 60 {
		e.s.Put(ctx, "things", doc(fmt.Sprint("p", i%7), i, "status", fmt.Sprint("s", i%5), "at", fmt.Sprint("#", i%4)), nil)
	}
	seen := map[string]int{}
	for seg := range 3 {
		var start []byte
		for {
			p, err := e.s.Scan(ScanInput{Table: "things", Index: "byStatus", Segment: seg, TotalSegments: 3, Limit: 4, Start: start})
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range ids(t, p.Items) {
				seen[id]++
			}
			if start = p.Last; start == nil {
				break
			}
		}
	}
	if len(seen) != 60 {
		t.Errorf("%d items seen", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s seen %d times", id, n)
		}
	}
}

// TestIndexRestart: a store opened again on the log rebuilds its indexes.
func TestIndexRestart(t *testing.T) {
	dir := t.TempDir()
	e := open(t, dir, Options{})
	ctx := context.Background()
	create(t, e.s, indexed)
	for i := range 20 {
		e.s.Put(ctx, "things", doc("p", i, "status", fmt.Sprint("s", i%2), "at", fmt.Sprint("#", 20-i), "owner", "o"), nil)
	}
	for i := range 5 {
		e.s.Delete(ctx, "things", key("p", i), nil)
	}
	before := queryIndex(t, e.s, "byStatus", `{"S":"s1"}`)
	d1, _ := e.s.Describe("things")
	e.close()
	e = open(t, dir, Options{})
	equal(t, "after restart", queryIndex(t, e.s, "byStatus", `{"S":"s1"}`), before)
	d2, _ := e.s.Describe("things")
	for _, name := range []string{"byStatus", "byOwner", "byAt"} {
		if d1.IndexItems[name] != 15 || d2.IndexItems[name] != 15 || d1.IndexBytes[name] != d2.IndexBytes[name] {
			t.Errorf("%s: %d/%d items, %d/%d bytes", name, d1.IndexItems[name], d2.IndexItems[name], d1.IndexBytes[name], d2.IndexBytes[name])
		}
	}
}

// TestAddDeleteIndex: an index added later holds the items already there
// and those written after, survives a restart, and goes when deleted.
func TestAddDeleteIndex(t *testing.T) {
	dir := t.TempDir()
	e := open(t, dir, Options{})
	ctx := context.Background()
	create(t, e.s, counters)
	for i := range 10 {
		e.s.Put(ctx, "things", doc("p", i, "color", []string{"red", "blue"}[i%2]), nil)
	}
	add := &IndexConfig{Name: "byColor", Key: KeySchema{Partition: Attr{"color", TypeS}, Sort: Attr{"n", TypeN}}, Projection: ProjectionKeysOnly}
	d, err := e.s.UpdateTable(ctx, "things", TableUpdate{AddIndex: add})
	if err != nil || d.IndexItems["byColor"] != 10 || len(d.Indexes) != 1 {
		t.Fatalf("%+v %v", d, err)
	}
	if _, err := e.s.UpdateTable(ctx, "things", TableUpdate{AddIndex: add}); err == nil {
		t.Error("the index was added twice")
	}
	e.s.Put(ctx, "things", doc("p", 10, "color", "red"), nil)
	equal(t, "red", queryIndex(t, e.s, "byColor", `{"S":"red"}`), []string{"p/0", "p/2", "p/4", "p/6", "p/8", "p/10"})
	e.close()

	e = open(t, dir, Options{})
	equal(t, "red after restart", queryIndex(t, e.s, "byColor", `{"S":"red"}`), []string{"p/0", "p/2", "p/4", "p/6", "p/8", "p/10"})
	d, err = e.s.UpdateTable(ctx, "things", TableUpdate{DeleteIndex: "byColor"})
	if err != nil || len(d.Indexes) != 0 || d.IndexItems != nil {
		t.Fatalf("%+v %v", d, err)
	}
	if _, err := e.s.Query(QueryInput{Table: "things", Index: "byColor", Partition: []byte(`{"S":"red"}`)}); err == nil ||
		err.Error() != CodeValidation+": The table does not have the specified index: byColor" {
		t.Errorf("query of a deleted index: %v", err)
	}
	if _, err := e.s.UpdateTable(ctx, "things", TableUpdate{DeleteIndex: "byColor"}); err == nil {
		t.Error("a deleted index was deleted again")
	}
}

// FuzzIndexEntry: any item is either not in an index or has a row whose
// key decodes (LastEvaluatedKey) to a starting key that encodes back to
// it, and whose projection is a JSON object holding the keys.
func FuzzIndexEntry(f *testing.F) {
	f.Add([]byte(`{"id":{"S":"a"},"n":{"N":"1"},"status":{"S":"open"},"at":{"N":"-1.5e3"},"note":{"S":"x"}}`))
	f.Add([]byte(`{"id":{"S":"\u0000"},"n":{"N":"0"},"status":{"S":"\u00ff"},"at":{"N":"1E-130"}}`))
	f.Add([]byte(`{"id":{"S":"a"},"n":{"N":"1"},"status":{"N":"1"}}`))
	tk := indexed.Key
	var ixs []*index
	for _, c := range indexed.Indexes {
		ixs = append(ixs, newIndex(c, tk))
	}
	f.Fuzz(func(t *testing.T, item []byte) {
		key, err := tk.itemKey(item)
		if err != nil || !json.Valid(item) {
			return // the API writes only valid JSON
		}
		for _, ix := range ixs {
			r := ix.entry(key, newImage(item, len(item), ix.names), func(b []byte) int { return len(b) })
			if r == nil {
				continue
			}
			last, ok := ix.decode(r.key)
			if !ok {
				t.Fatalf("%s: %s's key %x does not decode", item, ix.cfg.Name, r.key)
			}
			start, err := ix.startOf(last)
			if err != nil || !bytes.Equal(start, r.key) {
				t.Fatalf("%s: %s's key %x decodes to %s, which encodes to %x, %v", item, ix.cfg.Name, r.key, last, start, err)
			}
			var m map[string]json.RawMessage
			if err := json.Unmarshal(r.item, &m); err != nil {
				t.Fatalf("%s: %s's projection %s: %v", item, ix.cfg.Name, r.item, err)
			}
			for _, n := range append(ix.cfg.Key.names(), tk.names()...) {
				if _, ok := m[n]; !ok {
					t.Fatalf("%s: %s's projection %s lacks %s", item, ix.cfg.Name, r.item, n)
				}
			}
		}
	})
}

// indexView is what an index should hold of the table's items now: the
// table key and index key of every item that has the index key
// attributes, of their types, in index order.
func indexView(t *testing.T, s *Store, name string) []string {
	t.Helper()
	tb, _ := s.table("things")
	tb.mu.RLock()
	defer tb.mu.RUnlock()
	ix, err := tb.index(name)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	ix.rows.Scan(func(r *row) bool {
		out = append(out, fmt.Sprintf("%x", r.key))
		return true
	})
	return out
}

// expectedView computes indexView from the table's items with a fresh
// index of the same definition.
func expectedView(t *testing.T, s *Store, name string) []string {
	t.Helper()
	tb, _ := s.table("things")
	tb.mu.RLock()
	defer tb.mu.RUnlock()
	old, err := tb.index(name)
	if err != nil {
		t.Fatal(err)
	}
	ix := newIndex(old.cfg, tb.meta.Key)
	ix.fill(tb.rows, tb.sizeOf)
	if ix.items != old.items || ix.size != old.size {
		t.Errorf("%s: %d items of %d bytes, want %d of %d", name, old.items, old.size, ix.items, ix.size)
	}
	var out []string
	ix.rows.Scan(func(r *row) bool {
		out = append(out, fmt.Sprintf("%x", r.key))
		return true
	})
	return out
}

// TestIndexConcurrent: writers of random items race an AddIndex; every
// index then holds exactly what the table's items put in it.
func TestIndexConcurrent(t *testing.T) {
	e := open(t, t.TempDir(), Options{})
	ctx := context.Background()
	create(t, e.s, indexed)
	statuses := []string{"", "open", "done", "#1"} // "" absent, "#1" the wrong type
	write := func(w, i int) error {
		id, n := fmt.Sprint("k", (w*7+i)%13), i%3
		switch i % 5 {
		case 0:
			_, err := e.s.Delete(ctx, "things", key(id, n), nil)
			return err
		case 1:
			_, err := e.s.Transact(ctx, []Op{
				{Table: "things", Put: doc(id, n, "status", "open", "at", fmt.Sprint("#", i), "color", "red")},
				{Table: "things", Key: key(fmt.Sprint("k", i%13), 3), Delete: true},
			})
			return err
		}
		kv := []string{"at", fmt.Sprint("#", i%4), "owner", fmt.Sprint("o", w), "color", []string{"red", "blue"}[i%2]}
		if st := statuses[i%len(statuses)]; st != "" {
			kv = append(kv, "status", st)
		}
		_, err := e.s.Put(ctx, "things", doc(id, n, kv...), nil)
		return err
	}
	done := make(chan error, 4)
	for w := range 4 {
		go func() {
			for i := range 150 {
				if err := write(w, i); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	time.Sleep(10 * time.Millisecond)
	add := &IndexConfig{Name: "byColor", Key: KeySchema{Partition: Attr{"color", TypeS}, Sort: Attr{"at", TypeN}}, Projection: ProjectionInclude, NonKey: []string{"owner"}}
	if _, err := e.s.UpdateTable(ctx, "things", TableUpdate{AddIndex: add}); err != nil {
		t.Fatal(err)
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"byStatus", "byOwner", "byAt", "byColor"} {
		equal(t, name, indexView(t, e.s, name), expectedView(t, e.s, name))
		if len(indexView(t, e.s, name)) == 0 {
			t.Errorf("%s is empty", name)
		}
	}
}

// TestIndexSortConditions: an index's sort key conditions take or leave
// every item of an equal sort key, however many there are.
func TestIndexSortConditions(t *testing.T) {
	e := open(t, t.TempDir(), Options{})
	ctx := context.Background()
	create(t, e.s, indexed)
	// Two items at each of 1, 2 and 3, one at 10.
	for i, at := range []int{1, 1, 2, 2, 3, 3, 10} {
		e.s.Put(ctx, "things", doc(fmt.Sprint("k", i), 0, "status", "s", "at", fmt.Sprint("#", at)), nil)
	}
	num := func(v string) []byte { return []byte(`{"N":"` + v + `"}`) }
	tests := []struct {
		name     string
		sort     *SortCond
		backward bool
		want     []string
	}{
		{"eq", &SortCond{Op: SortEQ, Value: num("2")}, false, []string{"k2/0", "k3/0"}},
		{"lt", &SortCond{Op: SortLT, Value: num("2")}, false, []string{"k0/0", "k1/0"}},
		{"le", &SortCond{Op: SortLE, Value: num("2")}, false, []string{"k0/0", "k1/0", "k2/0", "k3/0"}},
		{"le backward", &SortCond{Op: SortLE, Value: num("2")}, true, []string{"k3/0", "k2/0", "k1/0", "k0/0"}},
		{"gt", &SortCond{Op: SortGT, Value: num("2")}, false, []string{"k4/0", "k5/0", "k6/0"}},
		{"gt backward", &SortCond{Op: SortGT, Value: num("2")}, true, []string{"k6/0", "k5/0", "k4/0"}},
		{"ge", &SortCond{Op: SortGE, Value: num("3")}, false, []string{"k4/0", "k5/0", "k6/0"}},
		{"between", &SortCond{Op: SortBetween, Value: num("2"), Value2: num("3")}, false, []string{"k2/0", "k3/0", "k4/0", "k5/0"}},
		{"between backward", &SortCond{Op: SortBetween, Value: num("1"), Value2: num("2")}, true, []string{"k3/0", "k2/0", "k1/0", "k0/0"}},
		{"eq absent", &SortCond{Op: SortEQ, Value: num("5")}, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := e.s.Query(QueryInput{Table: "things", Index: "byStatus", Partition: []byte(`{"S":"s"}`), Sort: tt.sort, Backward: tt.backward})
			if err != nil {
				t.Fatal(err)
			}
			equal(t, tt.name, ids(t, p.Items), tt.want)
		})
	}
}

// TestIndexFollowDefinition: a following node takes the indexes another
// node adds and deletes, the added one filled from its own items.
func TestIndexFollowDefinition(t *testing.T) {
	e := open(t, t.TempDir(), Options{})
	ctx := context.Background()
	create(t, e.s, counters)
	follower, err := Open(ctx, Options{JetStream: e.b.JetStream(), TTLInterval: -1, Follow: true})
	if err != nil {
		t.Fatal(err)
	}
	defer follower.Close()
	for i := range 4 {
		e.s.Put(ctx, "things", doc("p", i, "color", "red"), nil)
	}
	add := &IndexConfig{Name: "byColor", Key: KeySchema{Partition: Attr{"color", TypeS}}, Projection: ProjectionKeysOnly}
	if _, err := e.s.UpdateTable(ctx, "things", TableUpdate{AddIndex: add}); err != nil {
		t.Fatal(err)
	}
	eventually := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); !ok(); time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the follower never %s", what)
			}
		}
	}
	eventually("filled the added index", func() bool {
		p, err := follower.Query(QueryInput{Table: "things", Index: "byColor", Partition: []byte(`{"S":"red"}`)})
		return err == nil && len(p.Items) == 4
	})
	if d, _ := follower.Describe("things"); len(d.Indexes) != 1 || d.IndexItems["byColor"] != 4 {
		t.Errorf("the follower describes %+v", d)
	}
	if _, err := e.s.UpdateTable(ctx, "things", TableUpdate{DeleteIndex: "byColor"}); err != nil {
		t.Fatal(err)
	}
	eventually("dropped the deleted index", func() bool {
		_, err := follower.Query(QueryInput{Table: "things", Index: "byColor", Partition: []byte(`{"S":"red"}`)})
		return err != nil
	})
}

// TestIndexWrites: the index entries a write puts or deletes, by index,
// as DynamoDB counts index writes; an ALL entry is the item's size.
func TestIndexWrites(t *testing.T) {
	e := open(t, t.TempDir(), Options{})
	create(t, e.s, indexed)
	full := doc("a", 1, "status", "open", "at", "#5", "owner", "ann", "note", "n1", "other", "o1")
	big := doc("a", 1, "status", "open", "at", "#5", "owner", "ann", "other", strings.Repeat("o", 3000))
	tests := []struct {
		name     string
		old, new []byte
		want     map[string]int // entries written by index
	}{
		{"put into every index", nil, full, map[string]int{"byStatus": 1, "byOwner": 1, "byAt": 1}},
		{"put into no sparse index", nil, doc("a", 1, "other", "o1"), map[string]int{}},
		{"delete from every index", full, nil, map[string]int{"byStatus": 1, "byOwner": 1, "byAt": 1}},
		{"unchanged", full, full, map[string]int{}},
		{"global key changed", full, doc("a", 1, "status", "done", "at", "#5", "owner", "ann", "note", "n1", "other", "o1"),
			map[string]int{"byStatus": 2}},
		{"key shared by a global and a local index changed", full, doc("a", 1, "status", "open", "at", "#6", "owner", "ann", "note", "n1", "other", "o1"),
			map[string]int{"byStatus": 2, "byAt": 2}},
		{"attribute no index but ALL projects", full, doc("a", 1, "status", "open", "at", "#5", "owner", "ann", "note", "n1", "other", "o2"),
			map[string]int{"byStatus": 1}},
		{"attribute INCLUDE projects", full, doc("a", 1, "status", "open", "at", "#5", "owner", "ann", "note", "n2", "other", "o1"),
			map[string]int{"byStatus": 1, "byAt": 1}},
		{"left a sparse index", full, doc("a", 1, "status", "open", "at", "#5", "note", "n1", "other", "o1"),
			map[string]int{"byStatus": 1, "byOwner": 1}},
		{"entered a sparse index", doc("a", 1, "other", "o1"), doc("a", 1, "owner", "ann", "other", "o1"), map[string]int{"byOwner": 1}},
		{"index key of another type", nil, doc("a", 1, "owner", "#3"), map[string]int{}},
		{"large item", nil, big, map[string]int{"byStatus": 1, "byOwner": 1, "byAt": 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ws, err := e.s.IndexWrites("things", Result{Old: tc.old, New: tc.new})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, w := range ws {
				got[w.Index] = len(w.Sizes)
				if w.Local != (w.Index == "byAt") {
					t.Errorf("%s: local %v", w.Index, w.Local)
				}
				item := tc.new
				if item == nil {
					item = tc.old
				}
				if w.Index == "byStatus" && w.Sizes[len(w.Sizes)-1] != len(item) {
					t.Errorf("ALL entry of %d bytes, want the item's %d", w.Sizes[len(w.Sizes)-1], len(item))
				}
				if w.Index != "byStatus" && slices.Max(w.Sizes) >= 200 {
					t.Errorf("%s: entries %v: not projections", w.Index, w.Sizes)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("entries %v, want %v", got, tc.want)
			}
		})
	}
	if _, err := e.s.IndexWrites("nope", Result{New: full}); err == nil {
		t.Error("no error for an unknown table")
	}
}
