package expr

import (
	"errors"
	"testing"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
)

const fixtureItem = `{
	"a": {"S": "xylophone"}, "n": {"N": "10"}, "b": {"B": "AAEC"}, "t": {"BOOL": true},
	"z": {"NULL": true}, "ss": {"SS": ["x", "y"]}, "ns": {"NS": ["1", "2"]},
	"bs": {"BS": ["AAE="]}, "l": {"L": [{"S": "e"}, {"N": "1"}, {"M": {"k": {"S": "x"}}}]},
	"u": {"S": "é𝄞"},
	"m": {"M": {"k": {"S": "x"}, "status": {"S": "on"}, "deep": {"L": [{"N": "5"}]}}}
}`

func mustItem(t testing.TB, s string) attr.Item {
	t.Helper()
	item, err := attr.DecodeItem([]byte(s))
	if err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return item
}

func TestEvalCondition(t *testing.T) {
	item := mustItem(t, fixtureItem)
	tests := []struct {
		expr string
		want bool
	}{
		{"a = :s", false},
		{"m.k = :s", true},
		{"m.#n = :s", false},
		{"l[2].k = :s", true},
		{"l[9].k = :s", false},
		{"n = :n", true},
		{"n <> :n", false},
		{"absent <> :n", true},
		{"absent = :n", false},
		{"n > :n2 AND n >= :n AND n <= :n AND NOT n < :n", true},
		{"a > :s", true},     // "xylophone" > "x"
		{"n > :s", false},    // N against S: false, not an error
		{"t > :bool", false}, // BOOL has no order
		{"n BETWEEN :n2 AND :n", true},
		{"a BETWEEN :n2 AND :n", false},
		{"n IN (:s, :n2, :n)", true},
		{"n IN (:s, :n2)", false},
		{"attribute_exists(z) AND attribute_not_exists(absent)", true},
		{"attribute_exists(l[3])", false},
		{"attribute_type(ss, :t)", true},
		{"attribute_type(a, :t)", false},
		{"begins_with(a, :s)", true},
		{"begins_with(n, :s)", false},
		{"contains(a, :s2)", true},
		{"contains(ss, :s)", true},
		{"contains(ns, :n2)", true},
		{"contains(ns, :n)", false},
		{"contains(l, :n2)", true},
		{"contains(m, :s)", false},
		{"size(a) = :n", false},
		{"size(u) = :three", true}, // é𝄞: one UTF-16 unit and a surrogate pair
		{"size(ss) < :n AND size(l) > :n2 AND size(m) > :n2", true},
		{"size(n) = :n2", false},
		{"size(absent) <> :n", true},
		{"a = :s OR n = :n AND NOT t = :bool", false},
		{"(a = :s OR n = :n) AND t = :bool", true},
		{"m.k = l[2].k", true},
		{"m.k = a", false},
	}
	for _, tt := range tests {
		p, err := NewParams(fixtureNames, fixtureValues(t))
		if err != nil {
			t.Fatal(err)
		}
		n, err := p.ParseCondition(FieldCondition, tt.expr)
		if err != nil {
			t.Errorf("%s: %v", tt.expr, err)
			continue
		}
		if got := n.Eval(item); got != tt.want {
			t.Errorf("%s = %v, want %v", tt.expr, got, tt.want)
		}
	}
}

func TestApplyUpdate(t *testing.T) {
	tests := []struct {
		item, expr, want string // want: the new item, or "error: message"
	}{
		{`{}`, "SET a = :s", `{"a":{"S":"x"}}`},
		{`{"n":{"N":"1.5"}}`, "SET n = n + :n, o = :n - n", `{"n":{"N":"11.5"},"o":{"N":"8.5"}}`},
		{`{"n":{"N":"1"}}`, "SET a = if_not_exists(a, :n) + :n2, n = if_not_exists(n, :n)", `{"a":{"N":"11"},"n":{"N":"1"}}`},
		{`{"l":{"L":[{"S":"a"}]}}`, "SET l = list_append(l, :l), k = list_append(:l, l)", `{"k":{"L":[{"S":"e"},{"S":"a"}]},"l":{"L":[{"S":"a"},{"S":"e"}]}}`},
		{`{"l":{"L":[{"S":"a"},{"S":"b"}]}}`, "SET l[1] = :s, l[7] = :n", `{"l":{"L":[{"S":"a"},{"S":"x"},{"N":"10"}]}}`},
		{`{"l":{"L":[]}}`, "SET l[9] = :s, l[4] = :n", `{"l":{"L":[{"N":"10"},{"S":"x"}]}}`},
		{`{"m":{"M":{}}}`, "SET m.a = :s, m.#d = :n", `{"m":{"M":{"a":{"S":"x"},"b.c":{"N":"10"}}}}`},
		{`{"a":{"S":"1"},"b":{"S":"2"}}`, "SET a = b, b = a", `{"a":{"S":"2"},"b":{"S":"1"}}`},
		{`{"l":{"L":[{"N":"0"},{"N":"1"},{"N":"2"},{"N":"3"}]}}`, "REMOVE l[1], l[3], l[9]", `{"l":{"L":[{"N":"0"},{"N":"2"}]}}`},
		{`{"a":{"S":"x"},"m":{"M":{"k":{"S":"v"}}}}`, "REMOVE a, m.k, nothere", `{"m":{"M":{}}}`},
		{`{}`, "ADD n :n, s :ss", `{"n":{"N":"10"},"s":{"SS":["x"]}}`},
		{`{"n":{"N":"-10"},"s":{"SS":["y","x"]},"ns":{"NS":["2"]}}`, "ADD n :n, s :ss, ns :ns", `{"n":{"N":"0"},"ns":{"NS":["2","1"]},"s":{"SS":["y","x"]}}`},
		{`{"s":{"SS":["x","y"]},"t":{"SS":["x"]}}`, "DELETE s :ss, t :ss, u :ss", `{"s":{"SS":["y"]}}`},
		{`{}`, "SET a.b = :s", "error: " + msgInvalidUpdatePath},
		{`{"a":{"S":"x"}}`, "SET a.b = :s", "error: " + msgInvalidUpdatePath},
		{`{"a":{"L":[]}}`, "SET a[0].b = :s", "error: " + msgInvalidUpdatePath},
		{`{}`, "SET a = b", "error: " + msgMissingOperand},
		{`{}`, "SET a = b + :n", "error: " + msgMissingOperand},
		{`{"b":{"S":"x"}}`, "SET a = b + :n", "error: " + msgUpdateType},
		{`{"b":{"S":"x"}}`, "SET a = list_append(b, :l)", "error: " + msgUpdateType},
		{`{"a":{"S":"x"}}`, "ADD a :n", "error: " + msgUpdateType},
		{`{"a":{"NS":["1"]}}`, "ADD a :ss", "error: " + msgUpdateType},
		{`{"a":{"NS":["1"]}}`, "DELETE a :ss", "error: " + msgUpdateType},
		{`{}`, "REMOVE a.b", "error: " + msgInvalidUpdatePath},
		{`{}`, "DELETE a.b :ss", "error: " + msgInvalidUpdatePath},
		{`{"a":{"M":{}}}`, "DELETE a.b :ss", `{"a":{"M":{}}}`},
		{`{"a":{"M":{}}}`, "DELETE a[0] :ss", "error: " + msgInvalidUpdatePath},
		{`{}`, "ADD a.b :n", "error: " + msgInvalidUpdatePath},
		{`{"a":{"M":{"b":{"SS":["x"]}}}}`, "DELETE a.b :ss", `{"a":{"M":{}}}`},
		{`{"n":{"N":"99999999999999999999999999999999999999"}}`, "ADD n :n", "error: Attempting to store more than 38 significant digits in a Number"},
	}
	for _, tt := range tests {
		p, err := NewParams(fixtureNames, fixtureValues(t))
		if err != nil {
			t.Fatal(err)
		}
		u, err := p.ParseUpdate(tt.expr)
		if err != nil {
			t.Errorf("%s: %v", tt.expr, err)
			continue
		}
		before := mustItem(t, tt.item)
		got, err := u.Apply(before)
		if err != nil {
			if tt.want != "error: "+errMessage(err) {
				t.Errorf("%s on %s: error %v, want %s", tt.expr, tt.item, err, tt.want)
			}
			continue
		}
		if s := string(attr.AppendItemJSON(nil, got)); s != tt.want {
			t.Errorf("%s on %s:\n got %s\nwant %s", tt.expr, tt.item, s, tt.want)
		}
		if s := string(attr.AppendItemJSON(nil, before)); s != string(attr.AppendItemJSON(nil, mustItem(t, tt.item))) {
			t.Errorf("%s changed its input to %s", tt.expr, s)
		}
	}
}

func errMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

func TestProject(t *testing.T) {
	item := mustItem(t, fixtureItem)
	tests := []struct{ expr, want string }{
		{"a, n", `{"a":{"S":"xylophone"},"n":{"N":"10"}}`},
		{"m.k, m.#n, nothere", `{"m":{"M":{"k":{"S":"x"},"status":{"S":"on"}}}}`},
		{"l[2].k, l[0], l[7]", `{"l":{"L":[{"S":"e"},{"M":{"k":{"S":"x"}}}]}}`},
		{"m.deep[0], a.b, l.k", `{"m":{"M":{"deep":{"L":[{"N":"5"}]}}}}`},
	}
	for _, tt := range tests {
		p, _ := NewParams(fixtureNames, fixtureValues(t))
		paths, err := p.ParseProjection(tt.expr)
		if err != nil {
			t.Fatalf("%s: %v", tt.expr, err)
		}
		if got := string(attr.AppendItemJSON(nil, Project(item, paths))); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.expr, got, tt.want)
		}
	}
}

func TestUpdatedPaths(t *testing.T) {
	p, _ := NewParams(fixtureNames, fixtureValues(t))
	u, err := p.ParseUpdate("SET m.k = :s2 REMOVE a ADD n :n")
	if err != nil {
		t.Fatal(err)
	}
	old := mustItem(t, fixtureItem)
	next, err := u.Apply(old)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(attr.AppendItemJSON(nil, Project(old, u.Paths()))), `{"a":{"S":"xylophone"},"m":{"M":{"k":{"S":"x"}}},"n":{"N":"10"}}`; got != want {
		t.Errorf("UPDATED_OLD = %s, want %s", got, want)
	}
	if got, want := string(attr.AppendItemJSON(nil, Project(next, u.Paths()))), `{"m":{"M":{"k":{"S":"y"}}},"n":{"N":"20"}}`; got != want {
		t.Errorf("UPDATED_NEW = %s, want %s", got, want)
	}
}

func TestTouches(t *testing.T) {
	p, _ := NewParams(fixtureNames, fixtureValues(t))
	u, err := p.ParseUpdate("SET a.b = :s REMOVE #k ADD n :n")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"a": true, "pk": true, "n": true, "b": false, "sk": false} {
		if got := u.Touches(name); got != want {
			t.Errorf("Touches(%q) = %v, want %v", name, got, want)
		}
	}
}

// FuzzApply checks that no parsed update panics on any item.
func FuzzApply(f *testing.F) {
	f.Add("SET a = a + :n REMOVE l[1]", `{"a":{"N":"1"},"l":{"L":[{"S":"x"},{"S":"y"}]}}`)
	f.Add("SET m.k[2] = list_append(l, :l) ADD s :ss DELETE t :ns", `{"m":{"M":{"k":{"L":[]}}},"t":{"NS":["1"]}}`)
	f.Add("SET a = if_not_exists(b, :s)", `{}`)
	values := fixtureValues(f)
	f.Fuzz(func(t *testing.T, expr, item string) {
		it, err := attr.DecodeItem([]byte(item))
		if err != nil {
			return
		}
		p, _ := NewParams(fixtureNames, values)
		u, err := p.ParseUpdate(expr)
		if err != nil {
			return
		}
		if out, err := u.Apply(it); err == nil {
			_ = Project(out, u.Paths())
		}
	})
}
