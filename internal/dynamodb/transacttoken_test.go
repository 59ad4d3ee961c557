package dynamodb

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// TestFingerprint: requests that differ only in member order, spacing or
// token are one request; any other difference is another.
func TestFingerprint(t *testing.T) {
	base := `{"ClientRequestToken":"a","TransactItems":[{"Put":{"TableName":"tbl","Item":{"id":{"S":"x"},"v":{"N":"1"}}}}]}`
	cases := []struct {
		body string
		same bool
	}{
		{`{"TransactItems":[{"Put":{"Item":{"v":{"N":"1"},"id":{"S":"x"}},"TableName":"tbl"}}],"ClientRequestToken":"b"}`, true},
		{"{ \"TransactItems\" : [ {\"Put\":{\"TableName\":\"tbl\",\"Item\":{\"id\":{\"S\":\"x\"},\"v\":{\"N\":\"1\"}}}} ] }", true},
		{`{"ClientRequestToken":"a","TransactItems":[{"Put":{"TableName":"tbl","Item":{"id":{"S":"x"},"v":{"N":"2"}}}}]}`, false},
		{`{"ClientRequestToken":"a","ReturnConsumedCapacity":"TOTAL","TransactItems":[{"Put":{"TableName":"tbl","Item":{"id":{"S":"x"},"v":{"N":"1"}}}}]}`, false},
	}
	for _, c := range cases {
		if got := fingerprint([]byte(c.body)) == fingerprint([]byte(base)); got != c.same {
			t.Errorf("%s: same %v, want %v", c.body, got, c.same)
		}
	}
}

// TestTokens: a token is claimed by its first request, replayed once it
// succeeds, refused for another request, freed when the request fails,
// and forgotten ten minutes after.
func TestTokens(t *testing.T) {
	var ts tokens
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a, b := fingerprint([]byte(`{"x":1}`)), fingerprint([]byte(`{"x":2}`))
	step := func(name string, sum [32]byte, wantReplay bool, wantCode string) {
		t.Helper()
		e, err := ts.begin("tok", sum, now)
		code := ""
		if err != nil {
			code = err.(*Error).Code
		}
		if (e != nil) != wantReplay || code != wantCode {
			t.Fatalf("%s: replay %v, error %q; want %v, %q", name, e != nil, code, wantReplay, wantCode)
		}
	}
	step("first", a, false, "")
	step("while running", a, false, CodeTransactionInProgress)
	ts.end("tok", false, nil, now)
	step("after a failure", a, false, "")
	ts.end("tok", true, map[string]float64{"tbl": 2}, now)
	step("retry", a, true, "")
	step("other request", b, false, CodeIdempotentParameterMismatch)
	now = now.Add(tokenLife)
	step("ten minutes on", b, false, "")
}

// FuzzFingerprint: a request document and its re-encoding with another
// token are one request, whatever the document.
func FuzzFingerprint(f *testing.F) {
	f.Add([]byte(`{"ClientRequestToken":"a","TransactItems":[{"Put":{"TableName":"tbl","Item":{"id":{"S":"x"}}}}]}`))
	f.Add([]byte(`{"a":1.50,"b":[1e3,{"c":null}],"a":true}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, body []byte) {
		sum := fingerprint(body)
		var doc map[string]any
		d := json.NewDecoder(bytes.NewReader(body))
		d.UseNumber()
		if d.Decode(&doc) != nil || doc == nil {
			return
		}
		doc["ClientRequestToken"] = "another"
		again, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		if fingerprint(again) != sum {
			t.Fatalf("%q and its re-encoding %q differ", body, again)
		}
	})
}
