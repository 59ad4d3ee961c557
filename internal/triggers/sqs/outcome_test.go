package sqs

import (
	"slices"
	"strings"
	"testing"

	"github.com/verge-edge/verge/internal/sqs"
)

// testBatch makes messages with ids "a1", "b1", …: the letter is the FIFO
// group.
func testBatch(ids ...string) []sqs.Message {
	out := make([]sqs.Message, len(ids))
	for i, id := range ids {
		out[i] = sqs.Message{MessageID: id, ReceiptHandle: "rh-" + id, Attributes: map[string]string{"MessageGroupId": id[:1]}}
	}
	return out
}

func TestSettle(t *testing.T) {
	batch := []string{"a1", "b1", "a2", "b2", "a3"}
	tests := []struct {
		name    string
		res     Result
		report  bool
		fifo    bool
		deleted string // ids, space-separated
		failed  bool   // reports a reason
	}{
		{name: "success", deleted: "a1 b1 a2 b2 a3"},
		{name: "success ignores the response without reporting", res: Result{Payload: []byte(`{"batchItemFailures":[{"itemIdentifier":"a1"}]}`)}, deleted: "a1 b1 a2 b2 a3"},
		{name: "invalid response without reporting", res: Result{Payload: []byte(`{`)}, deleted: "a1 b1 a2 b2 a3"},
		{name: "function error", res: Result{FunctionError: "Unhandled"}, failed: true},
		{name: "function error with reporting", res: Result{FunctionError: "Unhandled", Payload: []byte(`{"batchItemFailures":[]}`)}, report: true, failed: true},
		{name: "function error FIFO", res: Result{FunctionError: "Unhandled"}, report: true, fifo: true, failed: true},
		{name: "empty response", report: true, deleted: "a1 b1 a2 b2 a3"},
		{name: "null response", res: Result{Payload: []byte(`null`)}, report: true, deleted: "a1 b1 a2 b2 a3"},
		{name: "empty object", res: Result{Payload: []byte(`{}`)}, report: true, deleted: "a1 b1 a2 b2 a3"},
		{name: "empty list", res: Result{Payload: []byte(`{"batchItemFailures":[]}`)}, report: true, deleted: "a1 b1 a2 b2 a3"},
		{name: "null list", res: Result{Payload: []byte(`{"batchItemFailures":null}`)}, report: true, deleted: "a1 b1 a2 b2 a3"},
		{name: "partial", res: Result{Payload: []byte(`{"batchItemFailures":[{"itemIdentifier":"a2"},{"itemIdentifier":"b1"}]}`)}, report: true, deleted: "a1 b2 a3", failed: true},
		{name: "partial repeated id", res: Result{Payload: []byte(`{"batchItemFailures":[{"itemIdentifier":"a2"},{"itemIdentifier":"a2"}]}`)}, report: true, deleted: "a1 b1 b2 a3", failed: true},
		{name: "all reported", res: Result{Payload: []byte(`{"batchItemFailures":[{"itemIdentifier":"a1"},{"itemIdentifier":"b1"},{"itemIdentifier":"a2"},{"itemIdentifier":"b2"},{"itemIdentifier":"a3"}]}`)}, report: true, failed: true},
		{name: "partial FIFO stops the group", res: Result{Payload: []byte(`{"batchItemFailures":[{"itemIdentifier":"a2"}]}`)}, report: true, fifo: true, deleted: "a1 b1 b2", failed: true},
		{name: "partial FIFO first of group", res: Result{Payload: []byte(`{"batchItemFailures":[{"itemIdentifier":"b1"}]}`)}, report: true, fifo: true, deleted: "a1 a2 a3", failed: true},
		{name: "unknown id", res: Result{Payload: []byte(`{"batchItemFailures":[{"itemIdentifier":"a1"},{"itemIdentifier":"zz"}]}`)}, report: true, failed: true},
		{name: "empty id", res: Result{Payload: []byte(`{"batchItemFailures":[{"itemIdentifier":""}]}`)}, report: true, failed: true},
		{name: "null id", res: Result{Payload: []byte(`{"batchItemFailures":[{"itemIdentifier":null}]}`)}, report: true, failed: true},
		{name: "bad key", res: Result{Payload: []byte(`{"batchItemFailures":[{"id":"a1"}]}`)}, report: true, failed: true},
		{name: "invalid JSON", res: Result{Payload: []byte(`{"batchItemFailures":`)}, report: true, failed: true},
		{name: "a string", res: Result{Payload: []byte(`"done"`)}, report: true, failed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs := testBatch(batch...)
			del, err := settle(msgs, tt.res, tt.report, tt.fifo)
			var got []string
			for i, d := range del {
				if d {
					got = append(got, msgs[i].MessageID)
				}
			}
			if want := strings.Fields(tt.deleted); !slices.Equal(got, want) {
				t.Errorf("deleted %q, want %q", got, want)
			}
			if (err != nil) != tt.failed {
				t.Errorf("reason %v, want one: %v", err, tt.failed)
			}
		})
	}
}
