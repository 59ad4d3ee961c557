package sigv4

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go/encoding/httpbinding"
)

// TestFast: the fast path computes what the SDK's signer computed for the
// shapes of request the SDKs send, so the slow path is the exception.
func TestFast(t *testing.T) {
	at := time.Date(2026, 12, 6, 14, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name, method, url, service, body string
		hdr                              []string
	}{
		{"invoke", "POST", "/2015-03-31/functions/hello/invocations?Qualifier=%24LATEST", "lambda", `{"a":1}`, []string{"X-Amz-Invocation-Type", "Event"}},
		{"ARN in the path", "GET", "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Ahello/configuration", "lambda", "", nil},
		{"no path", "POST", "", "events", "{}", []string{"X-Amz-Target", "AWSEvents.PutEvents", "Content-Type", "application/x-amz-json-1.1"}},
		{"sorted query", "GET", "/2015-03-31/functions/?b=2&a=1&a1=x&a=0&a%20b=3&Marker=&MaxItems=1", "lambda", "", nil},
		{"spaces in values", "GET", "/x?q=a+b", "lambda", "", []string{"X-Amz-Meta", "  a   b  ", "X-Amz-Client-Context", "c"}},
		{"s3 path", "PUT", "/bucket/a%20key/%E2%82%AC", "s3", "data", []string{"X-Amz-Content-Sha256", ""}},
		{"session token", "GET", "/2015-03-31/functions/", "lambda", "", []string{"X-Amz-Security-Token", "tok/en+=="}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(c.method, "http://127.0.0.1:8081"+c.url, strings.NewReader(c.body))
			if c.url == "" {
				r = httptest.NewRequest(c.method, "http://127.0.0.1:8081", strings.NewReader(c.body))
			}
			sum := sha256.Sum256([]byte(c.body))
			hash := hex.EncodeToString(sum[:])
			for i := 0; i+1 < len(c.hdr); i += 2 {
				v := c.hdr[i+1]
				if c.hdr[i] == "X-Amz-Content-Sha256" {
					v = hash
				}
				r.Header.Set(c.hdr[i], v)
			}
			signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = c.service == "s3" })
			if err := signer.SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "s"}, r, hash, c.service, "us-east-1", at); err != nil {
				t.Fatal(err)
			}
			s, err := Parse(r)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.fast(r, hash, "s"); string(got[:]) != s.Signature {
				t.Errorf("fast %s, the SDK signed %s", got, s.Signature)
			}
			if got := s.fast(r, hash, "wrong"); string(got[:]) == s.Signature {
				t.Error("a wrong secret matched")
			}
			if err := s.Verify(r, "s", at); err != nil {
				t.Errorf("Verify: %v", err)
			}
		})
	}
}

// FuzzVerify: whatever the path, query, header value and body, what the
// SDK signs verifies with its secret and not with another, and when the
// fast path answers it agrees with the SDK.
func FuzzVerify(f *testing.F) {
	f.Add("/2015-03-31/functions/a/invocations", "Qualifier=1", "x  y", "{}")
	f.Add("/a%20b/c", "a=1&a=0&b", "", "")
	f.Fuzz(func(t *testing.T, path, query, value, body string) {
		at := time.Date(2026, 12, 6, 14, 0, 0, 0, time.UTC)
		r, err := http.NewRequest("POST", "http://127.0.0.1:8081/", strings.NewReader(body))
		if err != nil {
			return
		}
		u, err := url.Parse("http://127.0.0.1:8081" + "/" + strings.TrimPrefix(path, "/") + "?" + query)
		if err != nil || u.Host != "127.0.0.1:8081" {
			return
		}
		r.URL = u
		if !strings.ContainsFunc(value, func(c rune) bool { return c < 0x20 && c != '\t' || c == 0x7f }) {
			r.Header.Set("X-Amz-Meta", value)
		}
		sum := sha256.Sum256([]byte(body))
		hash := hex.EncodeToString(sum[:])
		if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "s"}, r, hash, "lambda", "us-east-1", at); err != nil {
			return
		}
		// As a server receives it.
		raw := r.URL.RequestURI()
		srv := httptest.NewRequest("POST", raw, strings.NewReader(body))
		srv.Host = "127.0.0.1:8081"
		srv.Header = r.Header.Clone()
		if err := Verify(srv, "s", at); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if sig, err := Parse(srv); err == nil && equal(fastSig(sig, srv, hash), sig.Signature) {
			if want, _ := sig.expected(srv, hash, "s"); want != sig.Signature {
				t.Fatalf("%s: the fast path accepted what the SDK's signer does not", raw)
			}
		}
		srv.Body = io.NopCloser(strings.NewReader(body))
		if err := Verify(srv, "t", at); !errors.Is(err, ErrSignature) {
			t.Fatalf("%s with a wrong secret: %v", raw, err)
		}
	})
}

func fastSig(s *Signature, r *http.Request, hash string) []byte {
	sig := s.fast(r, hash, "s")
	return sig[:]
}

// TestHMAC32: the stack HMAC is crypto/hmac's.
func TestHMAC32(t *testing.T) {
	var key [32]byte
	for i := range key {
		key[i] = byte(i * 7)
	}
	for _, n := range []int{0, 1, 63, 64, 65, 150, 256, 300} {
		msg := strings.Repeat("m", n)
		got := hmac32(&key, []byte(msg))
		if want := hmacSHA256(key[:], msg); !bytes.Equal(got[:], want) {
			t.Errorf("%d bytes: %x, crypto/hmac %x", n, got, want)
		}
	}
}

// TestEscapedPath: the path escaping is the SDK's.
func TestEscapedPath(t *testing.T) {
	var all []byte
	for c := range 256 {
		all = append(all, byte(c))
	}
	for _, p := range []string{"", "/", "/a b/%2F/€", string(all)} {
		if got, want := string(appendEscapedPath(nil, p)), httpbinding.EscapePath(p, false); got != want {
			t.Errorf("%q: %q, the SDK %q", p, got, want)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	body := []byte(`{"QueueUrl":"http://127.0.0.1/000000000000/b","MessageBody":"hello"}`)
	r := httptest.NewRequest("POST", "http://127.0.0.1/", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/x-amz-json-1.0")
	r.Header.Set("X-Amz-Target", "AmazonSQS.SendMessage")
	sum := sha256.Sum256(body)
	now := time.Now()
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "s"}, r, hex.EncodeToString(sum[:]), "sqs", "us-east-1", now); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		r.Body = io.NopCloser(bytes.NewReader(body))
		if err := Verify(r, "s", now); err != nil {
			b.Fatal(err)
		}
	}
}
