package esm

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestReadResponse(t *testing.T) {
	tests := []struct {
		name    string
		payload string
		window  bool
		failed  []string
		state   string
		wantErr bool
	}{
		{name: "empty", payload: ""},
		{name: "null", payload: "null"},
		{name: "empty object", payload: "{}"},
		{name: "empty list", payload: `{"batchItemFailures":[]}`},
		{name: "null list", payload: `{"batchItemFailures":null}`},
		{name: "one", payload: `{"batchItemFailures":[{"itemIdentifier":"12"}]}`, failed: []string{"12"}},
		{name: "two and other keys", payload: `{"statusCode":200,"batchItemFailures":[{"itemIdentifier":"3","x":1},{"itemIdentifier":"2"}]}`, failed: []string{"3", "2"}},
		{name: "empty identifier", payload: `{"batchItemFailures":[{"itemIdentifier":""}]}`, wantErr: true},
		{name: "null identifier", payload: `{"batchItemFailures":[{"itemIdentifier":null}]}`, wantErr: true},
		{name: "bad key name", payload: `{"batchItemFailures":[{"itemidentifier":"1"}]}`, wantErr: true},
		{name: "number identifier", payload: `{"batchItemFailures":[{"itemIdentifier":1}]}`, wantErr: true},
		{name: "item not an object", payload: `{"batchItemFailures":["1"]}`, wantErr: true},
		{name: "list not a list", payload: `{"batchItemFailures":{"itemIdentifier":"1"}}`, wantErr: true},
		{name: "not JSON", payload: `{"batchItemFailures":[`, wantErr: true},
		{name: "a string", payload: `"ok"`, wantErr: true},
		{name: "an array", payload: `[]`, wantErr: true},
		{name: "window state", payload: `{"state":{"n":"2"}}`, window: true, state: `{"n":"2"}`},
		{name: "window state and failures", payload: `{"state":{},"batchItemFailures":[{"itemIdentifier":"9"}]}`, window: true, state: `{}`, failed: []string{"9"}},
		{name: "window null state", payload: `{"state":null}`, window: true, state: `{}`},
		{name: "window without state", payload: `{}`, window: true, wantErr: true},
		{name: "window null response", payload: `null`, window: true, wantErr: true},
		{name: "window state not an object", payload: `{"state":"x"}`, window: true, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := readResponse([]byte(tt.payload), true, tt.window)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err %v, want error %v", err, tt.wantErr)
			}
			if !cmp.Equal(r.failed, tt.failed, cmpopts.EquateEmpty()) || string(r.state) != tt.state {
				t.Errorf("failed %q state %s, want %q %s", r.failed, r.state, tt.failed, tt.state)
			}
		})
	}
}

// TestResponseIgnoredWithoutReport checks that batchItemFailures mean
// nothing when the mapping does not report them, as on AWS.
func TestResponseIgnoredWithoutReport(t *testing.T) {
	r, err := readResponse([]byte(`{"batchItemFailures":[{"itemIdentifier":""}]}`), false, false)
	if err != nil || r.failed != nil {
		t.Errorf("got %v, %v", r, err)
	}
}

func FuzzReadResponse(f *testing.F) {
	for _, s := range []string{"", "null", "{}", `{"batchItemFailures":[{"itemIdentifier":"1"}]}`,
		`{"state":{"a":"b"},"batchItemFailures":null}`, `[`, `{"batchItemFailures":[{"itemIdentifier":"\u00e9"}]}`} {
		f.Add([]byte(s), true)
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, payload []byte, window bool) {
		r, err := readResponse(payload, true, window)
		if err != nil {
			if r.failed != nil || r.state != nil {
				t.Fatalf("an error with a result: %+v", r)
			}
			return
		}
		for _, id := range r.failed {
			if id == "" {
				t.Fatalf("an empty itemIdentifier accepted from %q", payload)
			}
		}
		if window && !json.Valid(r.state) {
			t.Fatalf("state %q is not JSON", r.state)
		}
		if !window && r.state != nil {
			t.Fatalf("a state without a window")
		}
	})
}
