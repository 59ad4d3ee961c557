package store

import (
	"context"
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
