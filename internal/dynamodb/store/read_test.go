package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// nOf returns the n attribute of each item.
func nOf(t *testing.T, items [][]byte) []string {
	t.Helper()
	var out []string
	for _, it := range items {
		var m struct{ N struct{ N string } }
		if err := json.Unmarshal(it, &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m.N.N)
	}
	return out
}

func n(v string) []byte { return []byte(`{"N":"` + v + `"}`) }

func TestQuery(t *testing.T) {
	e := open(t, t.TempDir(), Options{})
	ctx := context.Background()
	create(t, e.s, counters)
	nums := []string{"-10", "-2.5", "0", "0.5", "1", "2", "10", "100", "1e3"}
	for _, v := range nums {
		e.s.Put(ctx, "things", item("p", v), nil)
		e.s.Put(ctx, "things", item("o", v), nil) // another partition
	}
	e.s.Put(ctx, "things", item("pp", 5), nil) // a partition the prefix "p" must not reach
	e.s.Delete(ctx, "things", key("p", 2), nil)
	all := []string{"-10", "-2.5", "0", "0.5", "1", "10", "100", "1e3"}
	tests := []struct {
		name     string
		sort     *SortCond
		backward bool
		want     []string
	}{
		{"all", nil, false, all},
		{"all backward", nil, true, []string{"1e3", "100", "10", "1", "0.5", "0", "-2.5", "-10"}},
		{"eq", &SortCond{Op: SortEQ, Value: n("1.0")}, false, []string{"1"}},
		{"eq removed", &SortCond{Op: SortEQ, Value: n("2")}, false, nil},
		{"lt", &SortCond{Op: SortLT, Value: n("0.5")}, false, []string{"-10", "-2.5", "0"}},
		{"le", &SortCond{Op: SortLE, Value: n("0.5")}, false, []string{"-10", "-2.5", "0", "0.5"}},
		{"gt", &SortCond{Op: SortGT, Value: n("10")}, false, []string{"100", "1e3"}},
		{"ge backward", &SortCond{Op: SortGE, Value: n("10")}, true, []string{"1e3", "100", "10"}},
		{"between", &SortCond{Op: SortBetween, Value: n("-3"), Value2: n("1")}, false, []string{"-2.5", "0", "0.5", "1"}},
		{"between backward", &SortCond{Op: SortBetween, Value: n("-3"), Value2: n("1")}, true, []string{"1", "0.5", "0", "-2.5"}},
		{"lt backward", &SortCond{Op: SortLT, Value: n("0")}, true, []string{"-2.5", "-10"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := e.s.Query(QueryInput{Table: "things", Partition: []byte(`{"S":"p"}`), Sort: tt.sort, Backward: tt.backward})
			if err != nil {
				t.Fatal(err)
			}
			if got := nOf(t, p.Items); !slices.Equal(got, tt.want) || p.Last != nil {
				t.Errorf("got %v (last %s), want %v", got, p.Last, tt.want)
			}
		})
	}
	// Pages of 3, both ways, end with all items once.
	for _, backward := range []bool{false, true} {
		var got []string
		var start []byte
		for range 10 {
			p, err := e.s.Query(QueryInput{Table: "things", Partition: []byte(`{"S":"p"}`), Backward: backward, Limit: 3, Start: start})
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, nOf(t, p.Items)...)
			if start = p.Last; start == nil {
				break
			}
		}
		want := slices.Clone(all)
		if backward {
			slices.Reverse(want)
		}
		if !slices.Equal(got, want) {
			t.Errorf("backward %v: pages gave %v", backward, got)
		}
	}
	bad := []QueryInput{
		{Table: "things", Partition: []byte(`{"N":"1"}`)},
		{Table: "things", Partition: []byte(`{"S":"p"}`), Sort: &SortCond{Op: SortBeginsWith, Value: n("1")}},
		{Table: "things", Partition: []byte(`{"S":"p"}`), Sort: &SortCond{Op: SortBetween, Value: n("2"), Value2: n("1")}},
		{Table: "things", Partition: []byte(`{"S":"p"}`), Start: key("o", 1)},
	}
	for _, in := range bad {
		if _, err := e.s.Query(in); err == nil {
			t.Errorf("%+v: no error", in)
		}
	}
}

func TestQueryBeginsWith(t *testing.T) {
	e := open(t, t.TempDir(), Options{})
	ctx := context.Background()
	create(t, e.s, TableConfig{Name: "words", Key: KeySchema{Partition: Attr{"id", TypeS}, Sort: Attr{"w", TypeS}}})
	for _, w := range []string{"a", "ab", "abc", "abd", "ac", "b", "ab\x00"} {
		b, _ := json.Marshal(map[string]map[string]string{"id": {"S": "p"}, "w": {"S": w}})
		if _, err := e.s.Put(ctx, "words", b, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, backward := range []bool{false, true} {
		p, err := e.s.Query(QueryInput{Table: "words", Partition: []byte(`{"S":"p"}`), Sort: &SortCond{Op: SortBeginsWith, Value: []byte(`{"S":"ab"}`)}, Backward: backward})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range p.Items {
			var m struct{ W struct{ S string } }
			json.Unmarshal(it, &m)
			got = append(got, m.W.S)
		}
		want := []string{"ab", "ab\x00", "abc", "abd"}
		if backward {
			slices.Reverse(want)
		}
		if !slices.Equal(got, want) {
			t.Errorf("backward %v: %q", backward, got)
		}
	}
}

func TestScan(t *testing.T) {
	e := open(t, t.TempDir(), Options{})
	ctx := context.Background()
	create(t, e.s, counters)
	want := map[string]bool{}
	for p := range 20 {
		for i := range 5 {
			e.s.Put(ctx, "things", item(fmt.Sprint("p", p), i), nil)
			want[fmt.Sprint("p", p, "/", i)] = true
		}
	}
	ids := func(items [][]byte) []string {
		var out []string
		for _, it := range items {
			var m struct{ ID, N struct{ S, N string } }
			json.Unmarshal(it, &m)
			out = append(out, m.ID.S+"/"+m.N.N)
		}
		return out
	}
	// Four segments, pages of 7: every item once, a partition in one
	// segment.
	got := map[string]bool{}
	segOf := map[string]int{}
	for seg := range 4 {
		var start []byte
		for {
			p, err := e.s.Scan(ScanInput{Table: "things", Segment: seg, TotalSegments: 4, Limit: 7, Start: start})
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range ids(p.Items) {
				if got[id] {
					t.Errorf("%s twice", id)
				}
				got[id] = true
				part := id[:len(id)-2]
				if s, ok := segOf[part]; ok && s != seg {
					t.Errorf("partition %s in segments %d and %d", part, s, seg)
				}
				segOf[part] = seg
			}
			if start = p.Last; start == nil {
				break
			}
		}
	}
	if len(got) != len(want) || len(segOf) < 2 {
		t.Errorf("scanned %d items of %d in %d segments", len(got), len(want), len(segOf))
	}
	if _, err := e.s.Scan(ScanInput{Table: "things", Segment: 4, TotalSegments: 4}); err == nil {
		t.Error("segment 4 of 4 accepted")
	}
}

// TestPageBytes: a page ends at 1 MiB.
func TestPageBytes(t *testing.T) {
	e := open(t, t.TempDir(), Options{})
	ctx := context.Background()
	create(t, e.s, counters)
	big := strings.Repeat("x", 100<<10)
	for i := range 15 {
		b, _ := json.Marshal(map[string]map[string]string{"id": {"S": "p"}, "n": {"N": fmt.Sprint(i)}, "v": {"S": big}})
		if _, err := e.s.Put(ctx, "things", b, nil); err != nil {
			t.Fatal(err)
		}
	}
	p, err := e.s.Query(QueryInput{Table: "things", Partition: []byte(`{"S":"p"}`)})
	if err != nil {
		t.Fatal(err)
	}
	// 10 items of 100 KiB and a few bytes stay under 1 MiB; the 11th crosses it.
	if len(p.Items) != 11 || p.Last == nil {
		t.Errorf("%d items in the first page, last %s", len(p.Items), p.Last)
	}
}

// TestSize: the caller's size function cuts pages and sizes tables.
func TestSize(t *testing.T) {
	e := open(t, t.TempDir(), Options{Size: func([]byte) int { return 300 << 10 }})
	ctx := context.Background()
	create(t, e.s, counters)
	for i := range 5 {
		e.s.Put(ctx, "things", item("p", i), nil)
	}
	p, err := e.s.Query(QueryInput{Table: "things", Partition: []byte(`{"S":"p"}`)})
	if err != nil || len(p.Items) != 4 || p.Last == nil {
		t.Errorf("%d items, last %s, %v", len(p.Items), p.Last, err)
	}
	if d, _ := e.s.Describe("things"); d.Bytes != 5*300<<10 {
		t.Errorf("%d bytes", d.Bytes)
	}
}
