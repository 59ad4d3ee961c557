package awsapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/verge-edge/verge/internal/kinesis"
)

// kinesisCall sends one signed Kinesis request of body (already encoded)
// in content type ct and returns the response.
func kinesisCall(t *testing.T, e *kinesisEnv, op, ct string, body []byte) (*http.Response, []byte) {
	t.Helper()
	r, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/", bytes.NewReader(body))
	r.Header.Set("Content-Type", ct)
	r.Header.Set(HeaderTarget, kinesisTarget+op)
	sign(t, r, testIdentities.Admin(), "kinesis", string(body))
	resp, err := e.srv.Client().Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// differing are the members whose values differ between two equal calls
// that write or make iterators.
var differing = map[string]bool{"SequenceNumber": true, "ShardIterator": true, "NextShardIterator": true}

// iterators are the members that differ between two equal reads.
var iterators = map[string]bool{"ShardIterator": true, "NextShardIterator": true}

// fromJSON is a JSON answer as plain values, its timestamps (keys ending
// in Timestamp) as times.
func fromJSON(t *testing.T, b []byte, mask map[string]bool) any {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("JSON answer %s: %v", b, err)
	}
	return plain(v, "", mask, func(key string, x any) any {
		if f, ok := x.(float64); ok && isTimestampKey(key) {
			sec, frac := math.Modf(f)
			return time.Unix(int64(sec), int64(math.Round(frac*1e3))*1e6).UTC()
		}
		return x
	})
}

// fromCBOR is a CBOR answer as fromJSON makes a JSON one: byte strings as
// base64, tag 1 (epoch milliseconds) as times, integers as float64.
func fromCBOR(t *testing.T, b []byte, mask map[string]bool) any {
	var v any
	dm, _ := cbor.DecOptions{DefaultMapType: reflect.TypeOf(map[string]any{})}.DecMode()
	if err := dm.Unmarshal(b, &v); err != nil {
		t.Fatalf("CBOR answer % x: %v", b, err)
	}
	return plain(v, "", mask, func(key string, x any) any {
		switch y := x.(type) {
		case []byte:
			return base64.StdEncoding.EncodeToString(y)
		case time.Time:
			// The decoder reads tag 1 as RFC 8949 seconds; AWS's CBOR
			// counts milliseconds.
			return time.UnixMilli(y.Unix()).UTC()
		case uint64:
			return float64(y)
		case int64:
			return float64(y)
		}
		return x
	})
}

func isTimestampKey(k string) bool { return len(k) > 9 && k[len(k)-9:] == "Timestamp" }

// plain walks v, converting leaves with leaf and masking the members of mask.
func plain(v any, key string, mask map[string]bool, leaf func(string, any) any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, y := range x {
			if mask[k] {
				out[k] = "<differs>"
				continue
			}
			out[k] = plain(y, k, mask, leaf)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, y := range x {
			out[i] = plain(y, key, mask, leaf)
		}
		return out
	}
	return leaf(key, v)
}

// TestKinesisCBOR: the same requests in JSON and in CBOR (encoded by
// fxamacker/cbor, as the Java SDKs' Jackson would: byte strings, tag 1
// milliseconds) get the same answers, each in its request's protocol;
// errors too.
func TestKinesisCBOR(t *testing.T) {
	e := newKinesis(t, kinesis.Options{})
	if r, b := kinesisCall(t, e, "CreateStream", contentJSON11, []byte(`{"StreamName":"s","ShardCount":1}`)); r.StatusCode != 200 {
		t.Fatalf("create: %d %s", r.StatusCode, b)
	}
	at := time.Now().Add(-time.Minute)
	for _, c := range []struct {
		op     string
		in     map[string]any
		status int
	}{
		{"PutRecords", map[string]any{"StreamName": "s", "Records": []any{
			map[string]any{"Data": []byte{0, 1, 2, 0xff}, "PartitionKey": "a"},
			map[string]any{"Data": []byte("{\"json\":true}"), "PartitionKey": "b"}}}, 200},
		{"PutRecord", map[string]any{"StreamName": "s", "Data": []byte{}, "PartitionKey": "c"}, 200},
		{"DescribeStreamSummary", map[string]any{"StreamName": "s"}, 200},
		{"DescribeStream", map[string]any{"StreamName": "s"}, 200},
		{"ListShards", map[string]any{"StreamName": "s"}, 200},
		{"ListStreams", map[string]any{}, 200},
		{"GetShardIterator", map[string]any{"StreamName": "s", "ShardId": "shardId-000000000000", "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": at}, 200},
		{"DescribeStream", map[string]any{"StreamName": "nope"}, 400},
		{"PutRecords", map[string]any{"StreamName": "s"}, 400},
		{"CreateStream", map[string]any{"StreamName": "s", "ShardCount": "2"}, 400},
		{"GetRecords", map[string]any{"ShardIterator": "bogus"}, 400},
	} {
		jin, cin := map[string]any{}, map[string]any{}
		for k, v := range c.in {
			jin[k], cin[k] = v, v
			if tm, ok := v.(time.Time); ok {
				jin[k] = float64(tm.UnixMilli()) / 1e3                // JSON's epoch seconds
				cin[k] = cbor.Tag{Number: 1, Content: tm.UnixMilli()} // as the Java SDKs write a timestamp
			}
		}
		jb, _ := json.Marshal(jin)
		jr, jbody := kinesisCall(t, e, c.op, contentJSON11, jb)
		cb, _ := cbor.Marshal(cin)
		cr, cbody := kinesisCall(t, e, c.op, contentCBOR, cb)
		if jr.StatusCode != c.status || cr.StatusCode != c.status {
			t.Errorf("%s %v: status JSON %d %s, CBOR %d %x; want %d", c.op, c.in, jr.StatusCode, jbody, cr.StatusCode, cbody, c.status)
			continue
		}
		if got := cr.Header.Get("Content-Type"); got != contentCBOR {
			t.Errorf("%s: CBOR answered in %s", c.op, got)
		}
		if got := jr.Header.Get("Content-Type"); got != contentJSON11 {
			t.Errorf("%s: JSON answered in %s", c.op, got)
		}
		if jr.Header.Get(HeaderErrorType) != cr.Header.Get(HeaderErrorType) {
			t.Errorf("%s: error types %q and %q", c.op, jr.Header.Get(HeaderErrorType), cr.Header.Get(HeaderErrorType))
		}
		jv, cv := fromJSON(t, jbody, differing), fromCBOR(t, cbody, differing)
		if c.op == "CreateStream" { // the decoders' wordings differ
			jm, cm := jv.(map[string]any), cv.(map[string]any)
			if jm["__type"] != "SerializationException" || cm["__type"] != "SerializationException" {
				t.Errorf("ill-typed member: %v / %v", jm, cm)
			}
			continue
		}
		if !reflect.DeepEqual(jv, cv) {
			t.Errorf("%s: answers differ:\nJSON %v\nCBOR %v", c.op, jv, cv)
		}
	}

	// GetRecords from the same iterator position: the same records, blobs
	// as byte strings, arrival times as tag 1 milliseconds.
	var its [2]string
	for i, ct := range []string{contentJSON11, contentCBOR} {
		in := map[string]any{"StreamName": "s", "ShardId": "shardId-000000000000", "ShardIteratorType": "TRIM_HORIZON"}
		var out struct {
			ShardIterator string `json:"ShardIterator"`
		}
		if ct == contentCBOR {
			b, _ := cbor.Marshal(in)
			_, rb := kinesisCall(t, e, "GetShardIterator", ct, b)
			cbor.Unmarshal(rb, &out)
		} else {
			b, _ := json.Marshal(in)
			_, rb := kinesisCall(t, e, "GetShardIterator", ct, b)
			json.Unmarshal(rb, &out)
		}
		its[i] = out.ShardIterator
	}
	jb, _ := json.Marshal(map[string]any{"ShardIterator": its[0]})
	_, jbody := kinesisCall(t, e, "GetRecords", contentJSON11, jb)
	cb, _ := cbor.Marshal(map[string]any{"ShardIterator": its[1]})
	_, cbody := kinesisCall(t, e, "GetRecords", contentCBOR, cb)
	jv, cv := fromJSON(t, jbody, iterators), fromCBOR(t, cbody, iterators)
	if !reflect.DeepEqual(jv, cv) {
		t.Errorf("GetRecords answers differ:\nJSON %v\nCBOR %v", jv, cv)
	}
	var raw struct {
		Records []struct {
			Data                        []byte   `cbor:"Data"`
			ApproximateArrivalTimestamp cbor.Tag `cbor:"ApproximateArrivalTimestamp"`
		} `cbor:"Records"`
	}
	if err := cbor.Unmarshal(cbody, &raw); err != nil || len(raw.Records) != 6 || !bytes.Equal(raw.Records[0].Data, []byte{0, 1, 2, 0xff}) ||
		raw.Records[0].ApproximateArrivalTimestamp.Number != 1 {
		t.Errorf("CBOR records: %+v %v", raw, err)
	}
}

// TestKinesisCBORRouterErrors: the router's own refusals of a CBOR
// request (no such operation, access denied, a bad signature) are CBOR.
func TestKinesisCBORRouterErrors(t *testing.T) {
	e := newKinesis(t, kinesis.Options{})
	body, _ := cbor.Marshal(map[string]any{"StreamName": "s"})
	e.authMu.Lock()
	e.deny = "DescribeStreamSummary"
	e.authMu.Unlock()
	for _, c := range []struct {
		op, code string
		mangle   func(*http.Request)
	}{
		{"PutResourcePolicy", "UnknownOperationException", nil},
		{"DescribeStreamSummary", "AccessDeniedException", nil},
		{"ListStreams", "InvalidSignatureException", func(r *http.Request) { r.Header.Set("X-Amz-Date", "20200101T000000Z") }},
	} {
		r, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/", bytes.NewReader(body))
		r.Header.Set("Content-Type", contentCBOR)
		r.Header.Set(HeaderTarget, kinesisTarget+c.op)
		sign(t, r, testIdentities.Admin(), "kinesis", string(body))
		if c.mangle != nil {
			c.mangle(r)
		}
		resp, err := e.srv.Client().Do(r)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var doc struct {
			Type    string `cbor:"__type"`
			Message string `cbor:"message"`
		}
		if err := cbor.Unmarshal(b, &doc); err != nil || resp.StatusCode != 400 || doc.Type != c.code || doc.Message == "" ||
			resp.Header.Get(HeaderErrorType) != c.code || resp.Header.Get("Content-Type") != contentCBOR {
			t.Errorf("%s: %d %s %+v %v", c.op, resp.StatusCode, resp.Header, doc, err)
		}
	}
}
