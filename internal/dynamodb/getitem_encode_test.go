package dynamodb

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestGetItemEncode checks the hand-written GetItem response against
// json.Marshal: the same bytes, but for <, > and & in strings, which
// json.Marshal escapes and the store does not (the same JSON).
func TestGetItemEncode(t *testing.T) {
	item := json.RawMessage(`{"a":{"S":"x"},"n":{"N":"1"}}`)
	odd := json.RawMessage(`{"a":{"S":"<&>"}}`)
	cc := &ConsumedCapacity{TableName: "t", CapacityUnits: 0.5, ReadCapacityUnits: 0.5}
	for _, o := range []getItemOutput{{}, {Item: item}, {ConsumedCapacity: cc}, {Item: item, ConsumedCapacity: cc}, {Item: odd, ConsumedCapacity: cc}} {
		want, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		got := o.encode()
		if o.Item != nil && string(o.Item) == string(odd) {
			var g, w any
			if json.Unmarshal(got, &g) != nil || json.Unmarshal(want, &w) != nil || !reflect.DeepEqual(g, w) {
				t.Errorf("encode = %s, json.Marshal %s", got, want)
			}
			continue
		}
		if string(got) != string(want) {
			t.Errorf("encode = %s, json.Marshal %s", got, want)
		}
	}
}
