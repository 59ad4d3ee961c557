package awsapi

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/verge-edge/verge/internal/dynamodb"
)

// FuzzTableMembers checks that the cut body grants what the whole one
// does, for every request whose grants the whole body gives.
func FuzzTableMembers(f *testing.F) {
	for _, s := range []string{
		`{"TableName":"t","Key":{"pk":{"S":"a\"}"}},"IndexName":"i"}`, `{"tablename":"a","TableName":"b"}`, ` { "Table\u004eame" : "x" , "Item":[1,{"a":"}"}] } `,
		`{"TableName":"arn:aws:dynamodb:us-east-1:000000000000:table/t"}`, `{"TableName":5}`, `{"IndexName":null,"TableName":"t"}`, `{}`, `[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		small, ok := tableMembers(body)
		if !ok || !json.Valid(body) {
			return
		}
		want := dynamodb.Grants("GetItem", false, body)
		if want == nil {
			return // a member Grants cannot decode: the cut body may still name the table
		}
		if got := dynamodb.Grants("GetItem", false, small); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s cut to %s: grants %+v, the whole body %+v", body, small, got, want)
		}
	})
}

// TestTableMembersTaken: the body an SDK sends is cut.
func TestTableMembersTaken(t *testing.T) {
	small, ok := tableMembers([]byte(`{"Item":{"pk":{"S":"a"}},"TableName":"t","ReturnValues":"NONE"}`))
	if !ok || string(small) != `{"TableName":"t"}` {
		t.Fatalf("tableMembers = %s, %v", small, ok)
	}
}
