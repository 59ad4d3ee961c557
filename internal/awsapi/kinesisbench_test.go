package awsapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/verge-edge/verge/internal/kinesis"
)

// getRecordsAnswer is a GetRecords answer of n records of size bytes.
func getRecordsAnswer(n, size int) getRecordsOut {
	recs := make([]kinesis.Record, n)
	for i := range recs {
		recs[i] = kinesis.Record{Sequence: "49885998947900000000000000000000000000010001796603040467" + strconv.Itoa(i), Arrival: time.Now(),
			Data: make([]byte, size), PartitionKey: "key-" + strconv.Itoa(i)}
	}
	return getRecordsOut{Records: wireRecords(recs, ""), NextShardIterator: "AAAA", MillisBehindLatest: 0}
}

// BenchmarkGetRecordsAnswer encodes a 10,000-record GetRecords answer in
// each protocol, and decodes it as a client would.
func BenchmarkGetRecordsAnswer(b *testing.B) {
	out := getRecordsAnswer(10000, 1024)
	for _, ct := range []string{contentCBOR, contentJSON11} {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		r.Header.Set("Content-Type", ct)
		b.Run("encode "+ct, func(b *testing.B) {
			for b.Loop() {
				w := httptest.NewRecorder()
				if err := writeOutput(w, r, out); err != nil {
					b.Fatal(err)
				}
			}
		})
		w := httptest.NewRecorder()
		writeOutput(w, r, out)
		body := w.Body.Bytes()
		b.Run("decode "+ct, func(b *testing.B) {
			for b.Loop() {
				var got struct {
					Records []struct {
						Data []byte `json:"Data"`
					} `json:"Records"`
				}
				var err error
				if ct == contentCBOR {
					err = cbor.Unmarshal(body, &got)
				} else {
					err = json.Unmarshal(body, &got)
				}
				if err != nil || len(got.Records) != 10000 {
					b.Fatal(err)
				}
			}
		})
	}
}
