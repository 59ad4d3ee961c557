package sigv4

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// presigned is a URL as the SDK's presigner makes it, for GET at at,
// valid for expires, with creds; it is requested as a server receives it.
func presigned(t *testing.T, creds aws.Credentials, service, hash string, at time.Time, expires time.Duration) *http.Request {
	t.Helper()
	u := "http://127.0.0.1:8081/2015-03-31/functions/?MaxItems=10&X-Amz-Expires=" + strconv.Itoa(int(expires/time.Second))
	r, _ := http.NewRequest("GET", u, nil)
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = service == "s3" })
	signedURL, _, err := signer.PresignHTTP(context.Background(), creds, r, hash, service, "us-east-1", at)
	if err != nil {
		t.Fatal(err)
	}
	return httptest.NewRequest("GET", signedURL, nil)
}

// TestPresigned: query-signed URLs from the SDK's own presigner verify,
// with or without a session token and with either payload hash; changes,
// wrong secrets and expiry do not.
func TestPresigned(t *testing.T) {
	now := time.Date(2026, 12, 6, 14, 0, 0, 0, time.UTC)
	admin := aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "tok"}
	fn := aws.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "fnsecret", SessionToken: "session/token+=="}
	emptyHash := "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	for _, c := range []struct {
		name   string
		req    func() *http.Request
		secret string
		want   error
	}{
		{"valid", func() *http.Request { return presigned(t, admin, "lambda", emptyHash, now, time.Hour) }, "tok", nil},
		{"unsigned payload", func() *http.Request { return presigned(t, admin, "lambda", UnsignedPayload, now, time.Hour) }, "tok", nil},
		{"session token", func() *http.Request { return presigned(t, fn, "lambda", emptyHash, now, time.Hour) }, "fnsecret", nil},
		{"s3 path signing", func() *http.Request { return presigned(t, admin, "s3", UnsignedPayload, now, time.Hour) }, "tok", nil},
		{"signed a while ago, still valid", func() *http.Request {
			return presigned(t, admin, "lambda", emptyHash, now.Add(-50*time.Minute), time.Hour)
		}, "tok", nil},
		{"expired", func() *http.Request {
			return presigned(t, admin, "lambda", emptyHash, now.Add(-2*time.Hour), time.Hour)
		}, "tok", ErrURLExpired},
		{"from the future", func() *http.Request { return presigned(t, admin, "lambda", emptyHash, now.Add(time.Hour), time.Hour) }, "tok", ErrExpired},
		{"wrong secret", func() *http.Request { return presigned(t, admin, "lambda", emptyHash, now, time.Hour) }, "nope", ErrSignature},
		{"tampered parameter", func() *http.Request {
			r := presigned(t, admin, "lambda", emptyHash, now, time.Hour)
			r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "MaxItems=10", "MaxItems=11", 1)
			return r
		}, "tok", ErrSignature},
		{"tampered session token", func() *http.Request {
			r := presigned(t, fn, "lambda", emptyHash, now, time.Hour)
			q := r.URL.Query()
			q.Set("X-Amz-Security-Token", "other")
			r.URL.RawQuery = q.Encode()
			return r
		}, "fnsecret", ErrSignature},
		{"longer validity than signed", func() *http.Request {
			r := presigned(t, admin, "lambda", emptyHash, now.Add(-2*time.Hour), time.Hour)
			q := r.URL.Query()
			q.Set("X-Amz-Expires", "86400")
			r.URL.RawQuery = q.Encode()
			return r
		}, "tok", ErrSignature},
		{"over seven days", func() *http.Request { return presigned(t, admin, "lambda", emptyHash, now, 8*24*time.Hour) }, "tok", ErrMalformed},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := Verify(c.req(), c.secret, now); !errors.Is(err, c.want) {
				t.Fatalf("Verify: %v, want %v", err, c.want)
			}
		})
	}
}

// TestUnsignedPayloadHeader: X-Amz-Content-Sha256: UNSIGNED-PAYLOAD (S3's
// uploads) verifies without hashing the body.
func TestUnsignedPayloadHeader(t *testing.T) {
	now := time.Date(2026, 12, 6, 14, 0, 0, 0, time.UTC)
	r := httptest.NewRequest("PUT", "http://127.0.0.1:8081/bucket/a%20key", strings.NewReader("data"))
	r.Header.Set(headerContentSHA256, UnsignedPayload)
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	creds := aws.Credentials{AccessKeyID: "ASIAX", SecretAccessKey: "s", SessionToken: "tok"}
	if err := signer.SignHTTP(context.Background(), creds, r, UnsignedPayload, "s3", "us-east-1", now); err != nil {
		t.Fatal(err)
	}
	s, err := Parse(r)
	if err != nil || s.Token != "tok" || s.Service != "s3" || s.AccessKey != "ASIAX" {
		t.Fatalf("Parse: %+v %v", s, err)
	}
	if err := s.Verify(r, "s", now); err != nil {
		t.Errorf("Verify: %v", err)
	}
}

// TestParseScope: the credential scope's five parts.
func TestParseScope(t *testing.T) {
	s, err := ParseScope("AKID/20261206/eu-west-1/events/aws4_request")
	if err != nil || s != (Scope{"AKID", "20261206", "eu-west-1", "events"}) {
		t.Errorf("ParseScope: %+v %v", s, err)
	}
	for _, bad := range []string{"", "AKID/20261206/us-east-1/lambda", "AKID/20261206/us-east-1/lambda/aws4", "/20261206/us-east-1/lambda/aws4_request",
		"AKID/2026/us-east-1/lambda/aws4_request", "AKID/20261206//lambda/aws4_request", "A/20261206/r/s/aws4_request/x"} {
		if _, err := ParseScope(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func FuzzParseScope(f *testing.F) {
	f.Add("AKID/20261206/us-east-1/lambda/aws4_request")
	f.Add("a/b/c/d/e")
	f.Fuzz(func(t *testing.T, s string) {
		sc, err := ParseScope(s)
		if err == nil && sc.AccessKey+"/"+sc.Date+"/"+sc.Region+"/"+sc.Service+"/"+scopeTerminator != s {
			t.Errorf("%q parsed to %+v", s, sc)
		}
	})
}

func FuzzParseAuthorization(f *testing.F) {
	f.Add(Algorithm + " Credential=AKID/20261206/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + strings.Repeat("ab", 32))
	f.Add(Algorithm + " Credential=,SignedHeaders=,Signature=")
	f.Fuzz(func(t *testing.T, h string) {
		s, err := ParseAuthorization(h)
		if err == nil && (len(s.Signature) != 64 || len(s.SignedHeaders) == 0 || s.Service == "") {
			t.Errorf("%q parsed to %+v", h, s)
		}
	})
}

func FuzzParseQuery(f *testing.F) {
	f.Add("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20261206%2Fus-east-1%2Flambda%2Faws4_request&X-Amz-Date=20261206T140000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=" + strings.Repeat("0", 64))
	f.Add("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=-1")
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		s, err := ParseQuery(q)
		if err != nil {
			return
		}
		if !s.Presigned || s.Expires <= 0 || s.Expires > MaxExpires || s.At.Format("20060102") != s.Date {
			t.Errorf("%q parsed to %+v", raw, s)
		}
	})
}
