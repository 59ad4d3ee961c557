package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
)

func TestTransact(t *testing.T) {
	e := open(t, t.TempDir(), Options{})
	ctx := context.Background()
	create(t, e.s, counters)
	create(t, e.s, TableConfig{Name: "other", Key: KeySchema{Partition: Attr{"id", TypeS}}, StreamView: ViewKeysOnly})
	e.s.Put(ctx, "things", item("a", 1, "v", "old"), nil)
	e.s.Put(ctx, "things", item("b", 1), nil)

	exists := func(old []byte, ok bool) error {
		if !ok {
			return ErrConditionFailed
		}
		return nil
	}
	// Across two tables: a put, a delete, an update, a check.
	res, err := e.s.Transact(ctx, []Op{
		{Table: "things", Put: item("a", 1, "v", "new"), Cond: exists},
		{Table: "things", Key: key("b", 1), Delete: true},
		{Table: "other", Key: []byte(`{"id":{"S":"x"}}`), Update: func(old []byte, ok bool) ([]byte, error) { return []byte(`{"id":{"S":"x"},"k":{"N":"1"}}`), nil }},
		{Table: "things", Key: key("z", 1), Cond: mustAbsent},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 4 || res[1].Version != res[0].Version+1 || res[3].Version != res[2].Version+1 {
		t.Errorf("results %+v", res)
	}
	if it, _, _ := e.s.Get(ctx, "things", key("a", 1)); string(it) != string(item("a", 1, "v", "new")) {
		t.Errorf("a: %s", it)
	}
	if it, _, _ := e.s.Get(ctx, "things", key("b", 1)); it != nil {
		t.Errorf("b: %s", it)
	}
	if it, _, _ := e.s.Get(ctx, "other", []byte(`{"id":{"S":"x"}}`)); it == nil {
		t.Error("x not written")
	}

	// A failed condition cancels all, with a reason per op.
	_, err = e.s.Transact(ctx, []Op{
		{Table: "things", Put: item("c", 1)},
		{Table: "things", Key: key("a", 1), Cond: mustAbsent},
		{Table: "things", Key: key("q", 1), Update: func([]byte, bool) ([]byte, error) { return nil, fmt.Errorf("bad update") }},
	})
	var te *Error
	if !errors.As(err, &te) || te.Code != CodeTransactionCanceled || len(te.Reasons) != 3 {
		t.Fatalf("%v", err)
	}
	var codes []string
	for _, r := range te.Reasons {
		codes = append(codes, r.Code)
	}
	if !slices.Equal(codes, []string{"None", "ConditionalCheckFailed", "ValidationError"}) || string(te.Reasons[1].Item) != string(item("a", 1, "v", "new")) {
		t.Errorf("reasons %+v", te.Reasons)
	}
	if it, _, _ := e.s.Get(ctx, "things", key("c", 1)); it != nil {
		t.Error("a cancelled transaction wrote")
	}

	// Refused outright: two ops on one item, none, too many.
	if _, err := e.s.Transact(ctx, []Op{{Table: "things", Put: item("a", 1)}, {Table: "things", Key: key("a", "1.0"), Delete: true}}); !errors.Is(err, &Error{Code: CodeValidation}) {
		t.Errorf("two ops on one item: %v", err)
	}
	if _, err := e.s.Transact(ctx, nil); !errors.Is(err, &Error{Code: CodeValidation}) {
		t.Errorf("no ops: %v", err)
	}
	var many []Op
	for i := range MaxTransactItems + 1 {
		many = append(many, Op{Table: "things", Put: item("m", i)})
	}
	if _, err := e.s.Transact(ctx, many); !errors.Is(err, &Error{Code: CodeValidation}) {
		t.Errorf("101 ops: %v", err)
	}
	if _, err := e.s.Transact(ctx, many[:MaxTransactItems]); err != nil {
		t.Errorf("100 ops: %v", err)
	}
	if d, _ := e.s.Describe("things"); d.Items != 1+MaxTransactItems {
		t.Errorf("%d items", d.Items)
	}
}

// TestTransactTwoNodes: transactions of two nodes moving units between
// two items keep their sum, whatever compare-and-sets they lose.
func TestTransactTwoNodes(t *testing.T) {
	e := open(t, t.TempDir(), Options{})
	ctx := context.Background()
	create(t, e.s, counters)
	other, err := Open(ctx, Options{JetStream: e.b.JetStream(), TTLInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	e.s.Put(ctx, "things", []byte(`{"id":{"S":"c"},"n":{"N":"0"},"C":{"N":"0"}}`), nil)
	e.s.Put(ctx, "things", []byte(`{"id":{"S":"d"},"n":{"N":"0"},"C":{"N":"0"}}`), nil)
	add := func(id string, d int) UpdateFunc {
		return func(old []byte, ok bool) ([]byte, error) {
			v := 0
			if !ok {
				return nil, ErrConditionFailed // a stale view: the compare-and-set would fail too
			}
			fmt.Sscanf(string(old[len(`{"id":{"S":"c"},"n":{"N":"0"},"C":{"N":"`):]), "%d", &v)
			return []byte(fmt.Sprintf(`{"id":{"S":%q},"n":{"N":"0"},"C":{"N":"%d"}}`, id, v+d)), nil
		}
	}
	done := make(chan error, 2)
	for _, s := range []*Store{e.s, other} {
		go func() {
			for range 200 {
				if _, err := s.Transact(ctx, []Op{{Table: "things", Key: key("c", 0), Update: add("c", 1)}, {Table: "things", Key: key("d", 0), Update: add("d", -1)}}); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	// Catch up with the other's last writes, then check.
	for _, k := range []string{"c", "d"} {
		kk, _ := e.s.tables["things"].meta.Key.keyOf(key(k, 0))
		e.s.refresh(ctx, e.s.tables["things"], kk, e.s.tables["things"].subject(kk))
	}
	t.Logf("lost races: %d", e.s.races.Load()+other.races.Load())
	c, _, _ := e.s.Get(ctx, "things", key("c", 0))
	d, _, _ := e.s.Get(ctx, "things", key("d", 0))
	if string(c) != `{"id":{"S":"c"},"n":{"N":"0"},"C":{"N":"400"}}` || string(d) != `{"id":{"S":"d"},"n":{"N":"0"},"C":{"N":"-400"}}` {
		t.Errorf("c %s d %s", c, d)
	}
	if e.s.races.Load()+other.races.Load() == 0 {
		t.Error("no compare-and-set was lost: the test did not race")
	}
}
