package expr_test

import (
	"encoding/json"
	"fmt"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
	"github.com/verge-edge/verge/internal/dynamodb/expr"
)

// An UpdateItem request: a condition and an update sharing placeholders,
// checked for unused ones, then applied to the stored item.
func Example() {
	var raw map[string]json.RawMessage
	_ = json.Unmarshal([]byte(`{":v":{"N":"1"},":one":{"N":"1"},":tag":{"SS":["new"]}}`), &raw)
	values, err := expr.DecodeValues(raw)
	if err != nil {
		panic(err)
	}
	p, err := expr.NewParams(map[string]string{"#s": "status"}, values)
	if err != nil {
		panic(err)
	}
	cond, err := p.ParseCondition(expr.FieldCondition, "version = :v AND attribute_exists(#s)")
	if err != nil {
		panic(err)
	}
	upd, err := p.ParseUpdate("SET version = version + :one ADD tags :tag REMOVE #s")
	if err != nil {
		panic(err)
	}
	if err := p.Unused(); err != nil {
		panic(err)
	}
	item, _ := attr.DecodeItem([]byte(`{"pk":{"S":"a"},"version":{"N":"1"},"status":{"S":"draft"}}`))
	fmt.Println(cond.Eval(item))
	next, err := upd.Apply(item)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(attr.AppendItemJSON(nil, next)))
	fmt.Println(string(attr.AppendItemJSON(nil, expr.Project(next, upd.Paths())))) // UPDATED_NEW
	// Output:
	// true
	// {"pk":{"S":"a"},"tags":{"SS":["new"]},"version":{"N":"2"}}
	// {"tags":{"SS":["new"]},"version":{"N":"2"}}
}

// A syntax error, worded as AWS words it.
func ExampleParams_ParseCondition() {
	p, _ := expr.NewParams(nil, nil)
	_, err := p.ParseCondition(expr.FieldFilter, "a x b")
	fmt.Println(err)
	// Output: ValidationException: Invalid FilterExpression: Syntax error; token: "x", near: "a x b"
}
