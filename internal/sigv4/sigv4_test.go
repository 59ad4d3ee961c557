package sigv4

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const body = `{"name":"Ada"}`

// signed is a request as the SDK sends it: signed over its body's hash
// with secret, at at.
func signed(t *testing.T, secret string, at time.Time) *http.Request {
	t.Helper()
	r := httptest.NewRequest("POST", "http://127.0.0.1:8081/2015-03-31/functions/hello/invocations?Qualifier=%24LATEST", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Amz-Invocation-Type", "RequestResponse")
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: secret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), "lambda", "us-east-1", at); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestVerify(t *testing.T) {
	now := time.Date(2026, 12, 6, 14, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name   string
		req    func() *http.Request
		secret string
		want   error
	}{
		{"valid", func() *http.Request { return signed(t, "tok", now) }, "tok", nil},
		{"headers added after signing", func() *http.Request {
			r := signed(t, "tok", now)
			r.Header.Set("Accept-Encoding", "gzip")
			r.Header.Set("User-Agent", "x")
			return r
		}, "tok", nil},
		{"content hash header", func() *http.Request {
			r := signed(t, "tok", now)
			sum := sha256.Sum256([]byte(body))
			r.Header.Set(headerContentSHA256, hex.EncodeToString(sum[:]))
			return r
		}, "tok", nil},
		{"wrong secret", func() *http.Request { return signed(t, "nope", now) }, "tok", ErrSignature},
		{"tampered body", func() *http.Request {
			r := signed(t, "tok", now)
			r.Body = io.NopCloser(strings.NewReader(`{"name":"Eve"}`))
			return r
		}, "tok", ErrSignature},
		{"tampered body with the old hash header", func() *http.Request {
			r := signed(t, "tok", now)
			sum := sha256.Sum256([]byte(body))
			r.Header.Set(headerContentSHA256, hex.EncodeToString(sum[:]))
			r.Body = io.NopCloser(strings.NewReader(`{"name":"Eve"}`))
			return r
		}, "tok", ErrBody},
		{"tampered signed header", func() *http.Request {
			r := signed(t, "tok", now)
			r.Header.Set("X-Amz-Invocation-Type", "Event")
			return r
		}, "tok", ErrSignature},
		{"tampered query", func() *http.Request {
			r := signed(t, "tok", now)
			r.URL.RawQuery = "Qualifier=1"
			return r
		}, "tok", ErrSignature},
		{"expired", func() *http.Request { return signed(t, "tok", now.Add(-20*time.Minute)) }, "tok", ErrExpired},
		{"missing header", func() *http.Request {
			r := signed(t, "tok", now)
			r.Header.Del("Authorization")
			return r
		}, "tok", ErrMissing},
		{"bearer", func() *http.Request {
			r := signed(t, "tok", now)
			r.Header.Set("Authorization", "Bearer tok")
			return r
		}, "tok", ErrMissing},
		{"no credential scope", func() *http.Request {
			r := signed(t, "tok", now)
			r.Header.Set("Authorization", Algorithm+" SignedHeaders=host, Signature=00")
			return r
		}, "tok", ErrMalformed},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := c.req()
			err := Verify(r, c.secret, now)
			if !errors.Is(err, c.want) {
				t.Fatalf("Verify: %v, want %v", err, c.want)
			}
			if b, _ := io.ReadAll(r.Body); c.want == nil && string(b) != body {
				t.Errorf("body not restored: %q", b)
			}
		})
	}
}
