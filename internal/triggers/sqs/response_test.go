package sqs

import (
	"encoding/json"
	"slices"
	"testing"
)

// The cases of AWS's "Success and failure conditions" table for SQS, and
// the shapes it does not name.
var failuresTests = []struct {
	name    string
	payload string
	ids     []string
	bad     bool // the whole batch failed
}{
	{name: "empty response", payload: ""},
	{name: "blank response", payload: " \n"},
	{name: "null response", payload: "null"},
	{name: "empty object", payload: "{}"},
	{name: "empty list", payload: `{"batchItemFailures":[]}`},
	{name: "null list", payload: `{"batchItemFailures":null}`},
	{name: "other keys only", payload: `{"statusCode":200}`},
	{name: "one failure", payload: `{"batchItemFailures":[{"itemIdentifier":"a"}]}`, ids: []string{"a"}},
	{name: "two failures and other keys", payload: `{"statusCode":500,"batchItemFailures":[{"itemIdentifier":"a","x":1},{"itemIdentifier":"b"}],"body":"x"}`, ids: []string{"a", "b"}},
	{name: "escaped id", payload: `{"batchItemFailures":[{"itemIdentifier":"\u0061"}]}`, ids: []string{"a"}},
	{name: "invalid JSON", payload: `{"batchItemFailures":[`, bad: true},
	{name: "not JSON", payload: `OK`, bad: true},
	{name: "a string", payload: `"OK"`, bad: true},
	{name: "a number", payload: `1`, bad: true},
	{name: "an array", payload: `[{"itemIdentifier":"a"}]`, bad: true},
	{name: "list not a list", payload: `{"batchItemFailures":{"itemIdentifier":"a"}}`, bad: true},
	{name: "list a string", payload: `{"batchItemFailures":"a"}`, bad: true},
	{name: "empty identifier", payload: `{"batchItemFailures":[{"itemIdentifier":""}]}`, bad: true},
	{name: "null identifier", payload: `{"batchItemFailures":[{"itemIdentifier":null}]}`, bad: true},
	{name: "bad key name", payload: `{"batchItemFailures":[{"itemId":"a"}]}`, bad: true},
	{name: "key in another case", payload: `{"batchItemFailures":[{"ItemIdentifier":"a"}]}`, bad: true},
	{name: "numeric identifier", payload: `{"batchItemFailures":[{"itemIdentifier":1}]}`, bad: true},
	{name: "null item", payload: `{"batchItemFailures":[null]}`, bad: true},
	{name: "string item", payload: `{"batchItemFailures":["a"]}`, bad: true},
	{name: "one bad among good", payload: `{"batchItemFailures":[{"itemIdentifier":"a"},{}]}`, bad: true},
}

func TestFailures(t *testing.T) {
	for _, tt := range failuresTests {
		t.Run(tt.name, func(t *testing.T) {
			ids, err := Failures([]byte(tt.payload))
			if (err != nil) != tt.bad {
				t.Fatalf("Failures(%s) error %v, want failure %v", tt.payload, err, tt.bad)
			}
			if !slices.Equal(ids, tt.ids) {
				t.Errorf("Failures(%s) = %q, want %q", tt.payload, ids, tt.ids)
			}
		})
	}
}

// FuzzBatchResponse checks that Failures never panics, that the ids it
// returns are never empty, and that they read back the same once written
// as a well-formed response.
func FuzzBatchResponse(f *testing.F) {
	for _, tt := range failuresTests {
		f.Add([]byte(tt.payload))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		ids, err := Failures(payload)
		if err != nil {
			if ids != nil {
				t.Fatalf("ids %q with error %v", ids, err)
			}
			return
		}
		type item struct {
			ItemIdentifier string `json:"itemIdentifier"`
		}
		var resp struct {
			BatchItemFailures []item `json:"batchItemFailures"`
		}
		for _, id := range ids {
			if id == "" {
				t.Fatalf("empty id from %q", payload)
			}
			resp.BatchItemFailures = append(resp.BatchItemFailures, item{id})
		}
		again, err := json.Marshal(resp)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Failures(again)
		if err != nil || len(back) != len(ids) || !slices.Equal(back, ids) {
			t.Fatalf("%s read back as %q (%v), want %q", again, back, err, ids)
		}
	})
}
