package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// TestCollectionSize: a collection is its partition's items and their
// local index rows, not another partition's nor a global index's; a table
// without a local index has no collection size.
func TestCollectionSize(t *testing.T) {
	e := open(t, t.TempDir(), Options{})
	ctx := context.Background()
	s := e.s
	create(t, s, indexed)
	plain := indexed
	plain.Name, plain.Indexes = "plain", nil
	create(t, s, plain)

	s.Put(ctx, "things", doc("a", 1, "status", "open", "at", "#3", "note", "x"), nil)
	s.Put(ctx, "things", doc("a", 2, "note", "no local row without at"), nil)
	one, _ := s.Describe("things")
	s.Put(ctx, "things", doc("ab", 1, "status", "open", "at", "#1", "note", "another partition"), nil)
	s.Put(ctx, "plain", doc("a", 1), nil)

	tests := []struct {
		table, pk string
		want      int64
		ok        bool
	}{
		{"things", `{"S":"a"}`, one.Bytes + one.IndexBytes["byAt"], true},
		{"things", `{"S":"none"}`, 0, true},
		{"plain", `{"S":"a"}`, 0, false},
	}
	for _, tc := range tests {
		got, ok, err := s.CollectionSize(tc.table, []byte(tc.pk))
		if err != nil || got != tc.want || ok != tc.ok {
			t.Errorf("CollectionSize(%s, %s) = %d, %v, %v; want %d, %v", tc.table, tc.pk, got, ok, err, tc.want, tc.ok)
		}
	}
	if one.Bytes == 0 || one.IndexBytes["byAt"] == 0 {
		t.Fatalf("sizes %d %v: the test needs both", one.Bytes, one.IndexBytes)
	}
	if _, _, err := s.CollectionSize("missing", []byte(`{"S":"a"}`)); err == nil {
		t.Error("no error for a missing table")
	}
}

// TestCollectionLimit: a collection may reach the limit exactly, not
// pass it, whether the partition key is a string or a number; a
// transaction counts its writes to one collection together, and a
// delete frees room for the transaction's other writes.
func TestCollectionLimit(t *testing.T) {
	ctx := context.Background()
	nums := indexed
	nums.Name, nums.Key.Partition = "nums", Attr{"id", TypeN}
	item := func(table, pk string, n int) []byte {
		if table == "nums" {
			return fmt.Appendf(nil, `{"id":{"N":%q},"n":{"N":"%d"},"at":{"N":"3"},"note":{"S":"x"}}`, pk, n)
		}
		return doc(pk, n, "at", "#3", "note", "x")
	}
	// f is one item's share of its collection: its row and its local
	// index row, the same for each table and sort key 1 to 9.
	probe := open(t, t.TempDir(), Options{}).s
	create(t, probe, indexed)
	probe.Put(ctx, "things", item("things", "7", 1), nil)
	d, _ := probe.Describe("things")
	f := d.Bytes + d.IndexBytes["byAt"]
	if d.IndexBytes["byAt"] == 0 {
		t.Fatal("the item is not in the local index")
	}
	tooBig := func(err error) bool { return errors.Is(err, &Error{Code: CodeItemCollectionSizeLimitExceeded}) }
	for _, tc := range []struct {
		name  string
		limit int64
		fits  bool
	}{
		{"at the limit", 2 * f, true},
		{"a byte over", 2*f - 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t, t.TempDir(), Options{CollectionLimit: tc.limit}).s
			create(t, s, indexed)
			create(t, s, nums)
			for _, table := range []string{"things", "nums"} {
				if _, err := s.Put(ctx, table, item(table, "7", 1), nil); err != nil {
					t.Fatal(err)
				}
				_, err := s.Put(ctx, table, item(table, "7", 2), nil)
				if tooBig(err) == tc.fits || (tc.fits && err != nil) {
					t.Errorf("%s: second item: %v", table, err)
				}
				_, err = s.Transact(ctx, []Op{{Table: table, Put: item(table, "8", 1)}, {Table: table, Put: item(table, "8", 2)}})
				var e *Error
				switch {
				case tc.fits && err != nil:
					t.Errorf("%s: transaction: %v", table, err)
				case !tc.fits && (!errors.As(err, &e) || len(e.Reasons) != 2 || e.Reasons[1].Code != "ItemCollectionSizeLimitExceeded" || e.Reasons[0].Code != "None"):
					t.Errorf("%s: transaction: %v (%+v)", table, err, e)
				}
				// Replacing item 1 by item 3 keeps the collection's size.
				_, err = s.Transact(ctx, []Op{{Table: table, Key: []byte(`{"id":` + keyValue(table, "7") + `,"n":{"N":"1"}}`), Delete: true}, {Table: table, Put: item(table, "7", 3)}})
				if err != nil {
					t.Errorf("%s: replacing: %v", table, err)
				}
			}
		})
	}
}

// keyValue is the wire value of partition key pk of table things (S) or
// nums (N).
func keyValue(table, pk string) string {
	if table == "nums" {
		return `{"N":"` + pk + `"}`
	}
	return `{"S":"` + pk + `"}`
}
