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

// BenchmarkRouter is what the router adds to a warm Invoke-sized request
// (1 KB body) in front of a handler that does nothing: with the signature
// verified (admin and function credentials) and with verification off,
// side by side.
func BenchmarkRouter(b *testing.B) {
	body := bytes.Repeat([]byte("x"), 1024)
	svc := &Service{Name: "lambda", Protocol: RESTJSON, Ops: []Operation{{Name: "Invoke", Action: "lambda:InvokeFunction",
		Pattern: "POST " + pathFunction + "/invocations", Resources: functionResource,
		Handle: func(w http.ResponseWriter, r *http.Request) error { io.Copy(io.Discard, r.Body); return nil }}}}
	signed := func(c aws.Credentials) *http.Request {
		r := httptest.NewRequest("POST", "http://127.0.0.1:8081/2015-03-31/functions/echo/invocations", bytes.NewReader(body))
		sum := sha256.Sum256(body)
		if err := v4.NewSigner().SignHTTP(context.Background(), c, r, hex.EncodeToString(sum[:]), "lambda", "us-east-1", time.Now()); err != nil {
			b.Fatal(err)
		}
		return r
	}
	fn := testIdentities.Function("echo")
	for _, c := range []struct {
		name   string
		noAuth bool
		creds  aws.Credentials
	}{
		{"off", true, aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: testToken}},
		{"admin", false, aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: testToken}},
		{"function", false, aws.Credentials{AccessKeyID: fn.AccessKeyID, SecretAccessKey: fn.SecretAccessKey, SessionToken: fn.SessionToken}},
	} {
		b.Run(c.name, func(b *testing.B) {
			rt := New(Options{Identities: testIdentities, NoAuth: c.noAuth}, svc)
			tmpl := signed(c.creds)
			b.ReportAllocs()
			for b.Loop() {
				r := tmpl.Clone(context.Background())
				r.Body = io.NopCloser(bytes.NewReader(body))
				w := httptest.NewRecorder()
				rt.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("%d %s", w.Code, w.Body)
				}
			}
		})
	}
}
