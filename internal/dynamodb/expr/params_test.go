package expr

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
)

func TestParamsChecks(t *testing.T) {
	s := attr.Str("x")
	tests := []struct {
		name   string
		names  map[string]string
		values map[string]attr.Value
		want   string
	}{
		{"empty names", map[string]string{}, nil, "ExpressionAttributeNames must not be empty"},
		{"empty values", nil, map[string]attr.Value{}, "ExpressionAttributeValues must not be empty"},
		{"name key", map[string]string{"n": "a"}, nil, `ExpressionAttributeNames contains invalid key: Syntax error; key: "n"`},
		{"value key", nil, map[string]attr.Value{":a-b": s}, `ExpressionAttributeValues contains invalid key: Syntax error; key: ":a-b"`},
	}
	for _, tt := range tests {
		_, err := NewParams(tt.names, tt.values)
		if !errors.Is(err, &Error{Code: CodeValidation, Message: tt.want}) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestUnused(t *testing.T) {
	s := attr.Str("x")
	tests := []struct {
		exprs []string // condition, then update
		want  string
	}{
		{[]string{"#a = :a", "SET #b = :b"}, ""},
		{[]string{"#a = :a", "SET b = :b"}, "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}"},
		{[]string{"a = :a", "SET b = :b"}, "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #b}"},
		{[]string{"#a = :a", "REMOVE #b"}, "Value provided in ExpressionAttributeValues unused in expressions: keys: {:b}"},
	}
	for _, tt := range tests {
		p, err := NewParams(map[string]string{"#a": "a", "#b": "b"}, map[string]attr.Value{":a": s, ":b": s})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.ParseCondition(FieldCondition, tt.exprs[0]); err != nil {
			t.Fatal(err)
		}
		if _, err := p.ParseUpdate(tt.exprs[1]); err != nil {
			t.Fatal(err)
		}
		err = p.Unused()
		if tt.want == "" && err != nil || tt.want != "" && !errors.Is(err, &Error{Code: CodeValidation, Message: tt.want}) {
			t.Errorf("%q: Unused() = %v, want %q", tt.exprs, err, tt.want)
		}
	}
}

func TestExpressionTooLong(t *testing.T) {
	p, _ := NewParams(nil, nil)
	long := "a = b"
	for len(long) <= maxExpressionSize {
		long += " AND a = b"
	}
	_, err := p.ParseCondition(FieldCondition, long)
	want := invalidIn(FieldCondition, msgTooLong, len(long))
	if !errors.Is(err, want) {
		t.Errorf("err = %v, want %v", err, want)
	}
}

// FuzzParse checks the parsers never panic and that what they accept
// prints to a canonical form that parses to the same tree.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"a = :s AND NOT (b < :n OR c IN (:s, :s2))", "attribute_exists(#n) OR size(a[1].b) >= :n",
		"a BETWEEN :n2 AND :n", "((a = :s))", "SET a = if_not_exists(a, :n) + :n2 REMOVE b[1] ADD c :ns DELETE d :ss",
		"a, b.c[2], #d", "pk = :s AND begins_with(sk, :s2)", "a x b", "",
	} {
		f.Add(uint8(0), s)
		f.Add(uint8(1), s)
		f.Add(uint8(2), s)
	}
	values := fixtureValues(f)
	f.Fuzz(func(t *testing.T, kind uint8, src string) {
		p, err := NewParams(fixtureNames, values)
		if err != nil {
			t.Fatal(err)
		}
		switch kind % 4 {
		case 0:
			n, err := p.ParseCondition(FieldCondition, src)
			if err != nil {
				return
			}
			m, err := p.ParseCondition(FieldCondition, n.String())
			if err != nil || !reflect.DeepEqual(n, m) {
				t.Fatalf("%q printed as %q re-parses to %v, %v", src, n, m, err)
			}
			n.Eval(attr.Item{"a": attr.Str("x")})
		case 1:
			u, err := p.ParseUpdate(src)
			if err != nil {
				return
			}
			v, err := p.ParseUpdate(u.String())
			if err != nil || !reflect.DeepEqual(u, v) {
				t.Fatalf("%q printed as %q re-parses to %v, %v", src, u, v, err)
			}
		case 2:
			paths, err := p.ParseProjection(src)
			if err != nil {
				return
			}
			again, err := p.ParseProjection(pathList(paths).String())
			if err != nil || !reflect.DeepEqual(paths, again) {
				t.Fatalf("%q re-parses to %v, %v", src, again, err)
			}
		case 3:
			_, _ = p.ParseKeyCondition(src)
		}
	})
}

func TestDecodeValues(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{":a":{"S":"x"},":b":{"NS":["1.50"]}}`, ""},
		{`{":a":{"S":"x"},":b":{"SS":[]}}`, "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :b"},
		{`{":n":{"N":"1e200"}}`, "ExpressionAttributeValues contains invalid value: Number overflow. Attempting to store a number with magnitude larger than supported range for key :n"},
	}
	for _, tt := range tests {
		var raw map[string]json.RawMessage
		if err := json.Unmarshal([]byte(tt.in), &raw); err != nil {
			t.Fatal(err)
		}
		values, err := DecodeValues(raw)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.in, err)
		case tt.want == "" && values[":b"].Set[0] != "1.5":
			t.Errorf("%s decoded to %v", tt.in, values)
		case tt.want != "" && !errors.Is(err, &Error{Code: CodeValidation, Message: tt.want}):
			t.Errorf("%s: err = %v, want %q", tt.in, err, tt.want)
		}
	}
}
