package expr

import (
	"fmt"
	"testing"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
)

// BenchmarkCondition parses and evaluates a typical optimistic-locking
// condition, as a conditional PutItem does per request.
func BenchmarkCondition(b *testing.B) {
	item := mustItem(b, fixtureItem)
	values := fixtureValues(b)
	b.ReportAllocs()
	for b.Loop() {
		p, err := NewParams(fixtureNames, values)
		if err != nil {
			b.Fatal(err)
		}
		n, err := p.ParseCondition(FieldCondition, "attribute_exists(a) AND n = :n AND (#n <> :s OR begins_with(a, :s))")
		if err != nil || !n.Eval(item) {
			b.Fatal(err)
		}
	}
}

// BenchmarkUpdate parses and applies a typical counter-and-field update.
func BenchmarkUpdate(b *testing.B) {
	item := mustItem(b, fixtureItem)
	values := fixtureValues(b)
	b.ReportAllocs()
	for b.Loop() {
		p, err := NewParams(fixtureNames, values)
		if err != nil {
			b.Fatal(err)
		}
		u, err := p.ParseUpdate("SET n = n + :n2, #n = :s, l = list_append(l, :l) REMOVE z ADD ss :ss")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := u.Apply(item); err != nil {
			b.Fatal(err)
		}
	}
}

// TestEvalAllocs pins evaluation of typical conditions to no allocation:
// evaluation reads the item in place.
func TestEvalAllocs(t *testing.T) {
	item := mustItem(t, fixtureItem)
	p, _ := NewParams(fixtureNames, fixtureValues(t))
	n, err := p.ParseCondition(FieldCondition, "attribute_exists(a) AND n >= :n2 AND m.k = :s AND begins_with(a, :s) AND contains(ss, :s)")
	if err != nil {
		t.Fatal(err)
	}
	if allocs := testing.AllocsPerRun(100, func() { n.Eval(item) }); allocs != 0 {
		t.Errorf("Eval allocates %v times, want 0", allocs)
	}
}

// BenchmarkApplyLargeItem applies a one-attribute update to an item of
// 200 map attributes: the cost copy-on-write keeps from growing with the
// item.
func BenchmarkApplyLargeItem(b *testing.B) {
	item := attr.Item{}
	for i := range 200 {
		m := map[string]attr.Value{}
		for j := range 10 {
			m[fmt.Sprint("k", j)] = attr.Str("value")
		}
		item[fmt.Sprint("a", i)] = attr.Map(m)
	}
	p, _ := NewParams(nil, map[string]attr.Value{":v": attr.Str("x")})
	u, err := p.ParseUpdate("SET a7.k3 = :v")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := u.Apply(item); err != nil {
			b.Fatal(err)
		}
	}
}
