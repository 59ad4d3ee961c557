package awsapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// BenchmarkSQSSend is the server's side of a signed SendMessage (JSON
// 1.0), router to JetStream acknowledgement, without a network.
func BenchmarkSQSSend(b *testing.B) { benchSQSSend(b, 1) }

// BenchmarkSQSSend8 is BenchmarkSQSSend with eight callers per CPU, as
// the load has eight callers: concurrent publishes share the
// broker connection's round trips.
func BenchmarkSQSSend8(b *testing.B) { benchSQSSend(b, 8) }

func benchSQSSend(b *testing.B, parallelism int) {
	_, q := newSQS(b)
	q.CreateQueue(context.Background(), "b", nil, nil)
	rt := New(Options{Identities: testIdentities}, SQS(Fixed(q)))
	body := []byte(`{"QueueUrl":"http://127.0.0.1/000000000000/b","MessageBody":"hello"}`)
	r := httptest.NewRequest("POST", "http://127.0.0.1/", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/x-amz-json-1.0")
	r.Header.Set(HeaderTarget, "AmazonSQS.SendMessage")
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: testToken}, r, hex.EncodeToString(sum[:]), "sqs", "us-east-1", time.Now()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetParallelism(parallelism)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := r.Clone(context.Background())
			req.Body = io.NopCloser(bytes.NewReader(body))
			w := httptest.NewRecorder()
			rt.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Fatalf("%d %s", w.Code, w.Body)
			}
		}
	})
}
