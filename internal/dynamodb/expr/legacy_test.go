package expr

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
)

func TestExpected(t *testing.T) {
	item := mustItem(t, fixtureItem)
	tests := []struct {
		expected, op string
		want         string // "true", "false" or the error message
	}{
		{`{"a":{"Value":{"S":"xylophone"}}}`, "", "true"},
		{`{"a":{"Value":{"S":"x"},"Exists":true}}`, "", "false"},
		{`{"absent":{"Exists":false}}`, "", "true"},
		{`{"a":{"Exists":false}}`, "", "false"},
		{`{"a":{"Exists":false},"n":{"Value":{"N":"10"}}}`, "OR", "true"},
		{`{"a":{"Exists":false},"n":{"Value":{"N":"10"}}}`, "AND", "false"},
		{`{"n":{"ComparisonOperator":"GT","AttributeValueList":[{"N":"9.5"}]}}`, "", "true"},
		{`{"n":{"ComparisonOperator":"BETWEEN","AttributeValueList":[{"N":"1"},{"N":"10"}]}}`, "", "true"},
		{`{"n":{"ComparisonOperator":"IN","AttributeValueList":[{"N":"1"},{"N":"10"}]}}`, "", "true"},
		{`{"n":{"ComparisonOperator":"NE","AttributeValueList":[{"N":"10"}]}}`, "", "false"},
		{`{"absent":{"ComparisonOperator":"NE","AttributeValueList":[{"N":"10"}]}}`, "", "true"},
		{`{"a":{"ComparisonOperator":"NOT_NULL"},"absent":{"ComparisonOperator":"NULL"}}`, "", "true"},
		{`{"ss":{"ComparisonOperator":"CONTAINS","AttributeValueList":[{"S":"y"}]}}`, "", "true"},
		{`{"ss":{"ComparisonOperator":"NOT_CONTAINS","AttributeValueList":[{"S":"y"}]}}`, "", "false"},
		{`{"absent":{"ComparisonOperator":"NOT_CONTAINS","AttributeValueList":[{"S":"y"}]}}`, "", "false"},
		{`{"a":{"ComparisonOperator":"BEGINS_WITH","AttributeValueList":[{"S":"xy"}]}}`, "", "true"},
		{`{"a":{"Value":{"S":"x"},"Exists":false}}`, "", msgLegacyPrefix + "Value cannot be used when Exists is false for Attribute: a"},
		{`{"a":{"Exists":true}}`, "", msgLegacyPrefix + "Value must be provided when Exists is true for Attribute: a"},
		{`{"a":{}}`, "", msgLegacyPrefix + "Value must be provided when Exists is null for Attribute: a"},
		{`{"a":{"Exists":true,"ComparisonOperator":"NULL"}}`, "", msgLegacyPrefix + "Exists and ComparisonOperator cannot be used together for Attribute: a"},
		{`{"a":{"Value":{"S":"x"},"ComparisonOperator":"EQ","AttributeValueList":[{"S":"x"}]}}`, "", msgLegacyPrefix + "Value and AttributeValueList cannot be used together for Attribute: a"},
		{`{"a":{"Value":{"S":"xylophone"},"ComparisonOperator":"EQ"}}`, "", "true"},
		{`{"a":{"Value":{"S":"x"},"ComparisonOperator":"NULL"}}`, "", msgLegacyPrefix + "Invalid number of argument(s) for the NULL ComparisonOperator"},
		{`{"a":{"ComparisonOperator":"EQ"}}`, "", msgLegacyPrefix + "Invalid number of argument(s) for the EQ ComparisonOperator"},
		{`{"a":{"ComparisonOperator":"NULL","AttributeValueList":[{"S":"x"}]}}`, "", msgLegacyPrefix + "Invalid number of argument(s) for the NULL ComparisonOperator"},
		{`{"a":{"ComparisonOperator":"GT","AttributeValueList":[{"SS":["x"]}]}}`, "", msgLegacyPrefix + "ComparisonOperator GT is not valid for SS AttributeValue type"},
		{`{"a":{"ComparisonOperator":"EQ","AttributeValueList":[{"L":[]}]}}`, "", msgLegacyPrefix + "ComparisonOperator EQ is not valid for L AttributeValue type"},
		{`{"a":{"ComparisonOperator":"IN","AttributeValueList":[{"S":"x"},{"SS":["x"]}]}}`, "", msgLegacyPrefix + "ComparisonOperator IN is not valid for SS AttributeValue type"},
		{`{"ss":{"ComparisonOperator":"EQ","AttributeValueList":[{"SS":["y","x"]}]}}`, "", "true"},
		{`{"a":{"ComparisonOperator":"BEGINS_WITH","AttributeValueList":[{"N":"1"}]}}`, "", msgLegacyPrefix + "ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type"},
		{`{"a":{"Value":{"S":"x"}}}`, "XOR", "1 validation error detected: Value 'XOR' at 'conditionalOperator' failed to satisfy constraint: Member must satisfy enum value set: [AND, OR]"},
	}
	for _, tt := range tests {
		var expected map[string]ExpectedAttribute
		if err := json.Unmarshal([]byte(tt.expected), &expected); err != nil {
			t.Fatalf("%s: %v", tt.expected, err)
		}
		n, err := Expected(expected, tt.op)
		got := ""
		if err != nil {
			got = errMessage(err)
		} else if n.Eval(item) {
			got = "true"
		} else {
			got = "false"
		}
		if got != tt.want {
			t.Errorf("Expected %s %s = %s, want %s", tt.expected, tt.op, got, tt.want)
		}
	}
}

func TestFilter(t *testing.T) {
	item := mustItem(t, fixtureItem)
	var f map[string]Condition
	if err := json.Unmarshal([]byte(`{"n":{"ComparisonOperator":"LE","AttributeValueList":[{"N":"10"}]},"a":{"ComparisonOperator":"LT","AttributeValueList":[{"S":"a"}]}}`), &f); err != nil {
		t.Fatal(err)
	}
	for op, want := range map[string]bool{"AND": false, "OR": true} {
		n, err := Filter(f, op)
		if err != nil {
			t.Fatal(err)
		}
		if got := n.Eval(item); got != want {
			t.Errorf("%s: %v, want %v", op, got, want)
		}
	}
	if n, err := Filter(nil, ""); n != nil || err != nil {
		t.Errorf("empty filter = %v, %v; want no condition", n, err)
	}
}

func TestKeyConditions(t *testing.T) {
	tests := []struct{ conds, want string }{
		{`{"pk":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"x"}]}}`, `pk = {"S":"x"}`},
		{`{"pk":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"x"}]},"sk":{"ComparisonOperator":"BEGINS_WITH","AttributeValueList":[{"S":"p"}]}}`, `pk = {"S":"x"}; sk begins_with {"S":"p"}`},
		{`{"pk":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"x"}]},"sk":{"ComparisonOperator":"BETWEEN","AttributeValueList":[{"N":"1"},{"N":"2"}]}}`, `pk = {"S":"x"}; sk BETWEEN {"N":"1"} {"N":"2"}`},
		{`{"pk":{"ComparisonOperator":"NE","AttributeValueList":[{"S":"x"}]}}`, "error: " + msgNotIndexable},
		{`{"pk":{"ComparisonOperator":"CONTAINS","AttributeValueList":[{"S":"x"}]}}`, "error: " + msgNotIndexable},
		{`{"pk":{"ComparisonOperator":"EQ"}}`, "error: " + msgKeyArgCount},
		{`{"pk":{"ComparisonOperator":"BETWEEN","AttributeValueList":[{"S":"x"}]}}`, "error: " + msgKeyArgCount},
		{`{}`, "error: " + msgKeyConditionsCount},
		{`{"a":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"x"}]},"b":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"x"}]},"c":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"x"}]}}`, "error: " + msgKeyConditionsCount},
	}
	for _, tt := range tests {
		var conds map[string]Condition
		if err := json.Unmarshal([]byte(tt.conds), &conds); err != nil {
			t.Fatal(err)
		}
		kc, err := KeyConditions(conds)
		got := ""
		if err != nil {
			got = "error: " + errMessage(err)
		} else {
			got = kc.String()
		}
		if got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.conds, got, tt.want)
		}
	}
}

func TestKeyResolve(t *testing.T) {
	p, _ := NewParams(fixtureNames, fixtureValues(t))
	tests := []struct{ expr, hash, rng, want string }{
		{"pk = :s AND sk > :n", "pk", "sk", `{"S":"x"} sk >`},
		{"pk = :s", "pk", "sk", `{"S":"x"}`},
		{"pk = :s", "pk", "", `{"S":"x"}`},
		{"sk > :n", "pk", "sk", "Query condition missed key schema element: pk"},
		{"pk > :n", "pk", "sk", "Query key condition not supported"},
		{"pk = :s AND x = :n", "pk", "sk", "Query condition missed key schema element: sk"},
		{"pk = :s AND x = :n", "pk", "", "Query key condition not supported"},
		{"x = :n", "pk", "", "Query condition missed key schema element: pk"},
	}
	for _, tt := range tests {
		kc, err := p.ParseKeyCondition(tt.expr)
		if err != nil {
			t.Fatal(err)
		}
		hash, sort, err := kc.Resolve(tt.hash, tt.rng)
		got := ""
		if err != nil {
			got = errMessage(err)
		} else {
			got = string(hash.AppendJSON(nil))
			if sort != nil {
				got += " " + sort.Name + " " + sort.Op
			}
		}
		if got != tt.want {
			t.Errorf("%s: %s, want %s", tt.expr, got, tt.want)
		}
	}
	kc, _ := p.ParseKeyCondition("pk = :s AND sk BETWEEN :n2 AND :n")
	for item, want := range map[string]bool{
		`{"pk":{"S":"x"},"sk":{"N":"5"}}`:  true,
		`{"pk":{"S":"x"},"sk":{"N":"11"}}`: false,
		`{"pk":{"S":"y"},"sk":{"N":"5"}}`:  false,
		`{"pk":{"S":"x"},"sk":{"S":"5"}}`:  false,
	} {
		if got := kc.Match(mustItem(t, item)); got != want {
			t.Errorf("Match(%s) = %v, want %v", item, got, want)
		}
	}
}

func TestAttributesToGet(t *testing.T) {
	item := mustItem(t, fixtureItem)
	paths, err := AttributesToGet([]string{"a", "n", "absent"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(attr.AppendItemJSON(nil, Project(item, paths))), `{"a":{"S":"xylophone"},"n":{"N":"10"}}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	_, err = AttributesToGet([]string{"a", "b", "a"})
	if !errors.Is(err, &Error{Code: CodeValidation, Message: msgLegacyPrefix + "Duplicate value in attribute name: a"}) {
		t.Errorf("duplicate: %v", err)
	}
}

func TestAttributeUpdates(t *testing.T) {
	tests := []struct{ item, updates, want string }{
		{`{"a":{"S":"x"},"n":{"N":"1"},"s":{"SS":["x","y"]},"r":{"S":"gone"}}`,
			`{"a":{"Value":{"S":"y"}},"n":{"Action":"ADD","Value":{"N":"2"}},"s":{"Action":"DELETE","Value":{"SS":["x"]}},"r":{"Action":"DELETE"}}`,
			`{"a":{"S":"y"},"n":{"N":"3"},"s":{"SS":["y"]}}`},
		{`{"l":{"L":[{"S":"a"}]}}`, `{"l":{"Action":"ADD","Value":{"L":[{"S":"b"}]}},"k":{"Action":"ADD","Value":{"L":[{"S":"c"}]}}}`,
			`{"k":{"L":[{"S":"c"}]},"l":{"L":[{"S":"a"},{"S":"b"}]}}`},
		{`{}`, `{"a":{"Action":"PUT"}}`, "error: " + msgNoValueAction},
		{`{}`, `{"a":{"Action":"ADD","Value":{"S":"x"}}}`, "error: " + msgLegacyPrefix + "ADD action is not supported for the type S"},
		{`{}`, `{"a":{"Action":"DELETE","Value":{"N":"1"}}}`, "error: " + msgLegacyPrefix + "DELETE action is not supported for the type N"},
		{`{}`, `{"a":{"Action":"MERGE","Value":{"N":"1"}}}`, "error: 1 validation error detected: Value 'MERGE' at 'attributeUpdates.a.member.action' failed to satisfy constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]"},
		{`{"a":{"S":"x"}}`, `{"a":{"Action":"ADD","Value":{"N":"1"}}}`, "error: " + msgTypeMismatch},
		{`{"a":{"S":"x"}}`, `{"a":{"Action":"ADD","Value":{"L":[]}}}`, "error: " + msgTypeMismatch},
		{`{"a":{"NS":["1"]}}`, `{"a":{"Action":"DELETE","Value":{"SS":["1"]}}}`, "error: " + msgTypeMismatch},
	}
	for _, tt := range tests {
		var updates map[string]AttributeUpdate
		if err := json.Unmarshal([]byte(tt.updates), &updates); err != nil {
			t.Fatal(err)
		}
		u, err := AttributeUpdates(updates)
		var out attr.Item
		if err == nil {
			out, err = u.Apply(mustItem(t, tt.item))
		}
		got := ""
		if err != nil {
			got = "error: " + errMessage(err)
		} else {
			got = string(attr.AppendItemJSON(nil, out))
		}
		if got != tt.want {
			t.Errorf("%s on %s:\n got %s\nwant %s", tt.updates, tt.item, got, strings.TrimSpace(tt.want))
		}
	}
}
