package dynamodb

import (
	"reflect"
	"testing"
)

var fastRequestSeeds = []string{
	`{"TableName":"t","Item":{"pk":{"S":"a"},"n":{"N":"1"}},"ConditionExpression":"attribute_not_exists(#p)","ExpressionAttributeNames":{"#p":"pk"},"ReturnValues":"ALL_OLD","ReturnConsumedCapacity":"TOTAL","ReturnItemCollectionMetrics":"SIZE","ReturnValuesOnConditionCheckFailure":"NONE","ConditionalOperator":"AND"}`,
	`{"TableName":"t","Key":{"pk":{"S":"a"}},"ProjectionExpression":"#a, b","ExpressionAttributeNames":{"#a":"a"},"AttributesToGet":["a"],"ConsistentRead":true,"ReturnConsumedCapacity":"INDEXES"}`,
	`{"TableName":"t","TableName":"u"}`, `{"tablename":"t"}`, `{"TableName":null}`, `{"Item":{"a":{"S":"x"}},"Item":{"b":{"S":"y"}}}`,
	`{"TableName":5}`, `{"Key":{"a":{"N":"x"}}}`, `{"ExpressionAttributeNames":{"#a":"a","#a":"b"}}`, ``, `{} {}`,
	`{"ConsistentRead":"true"}`, `{"Expected":{"a":{"Exists":false}}}`, `{"AttributesToGet":[]}`,
}

// FuzzFastRequests checks the hand readers of PutItem and GetItem against
// decode: what they accept reads the same.
func FuzzFastRequests(f *testing.F) {
	for _, s := range fastRequestSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if in, ok := fastPutItem(b); ok {
			var want putItemInput
			if err := decode(b, &want); err != nil || !reflect.DeepEqual(in, want) {
				t.Fatalf("%s: PutItem reads %#v; decode %#v, %v", b, in, want, err)
			}
		}
		if in, ok := fastGetItem(b); ok {
			var want getItemInput
			if err := decode(b, &want); err != nil || !reflect.DeepEqual(in, want) {
				t.Fatalf("%s: GetItem reads %#v; decode %#v, %v", b, in, want, err)
			}
		}
	})
}

// TestFastRequestsTaken checks that the requests the SDKs send take the
// fast readers, and that what encoding/json reads otherwise does not.
func TestFastRequestsTaken(t *testing.T) {
	if _, ok := fastPutItem([]byte(fastRequestSeeds[0])); !ok {
		t.Error("a full PutItem falls back")
	}
	if _, ok := fastGetItem([]byte(fastRequestSeeds[1])); !ok {
		t.Error("a full GetItem falls back")
	}
	for _, s := range fastRequestSeeds[2 : len(fastRequestSeeds)-1] {
		_, put := fastPutItem([]byte(s))
		_, get := fastGetItem([]byte(s))
		if put || get {
			t.Errorf("%s: taken by the fast readers (PutItem %v, GetItem %v)", s, put, get)
		}
	}
}
