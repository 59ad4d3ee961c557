// Package sigv4 verifies AWS Signature Version 4 (AWS4-HMAC-SHA256) on
// received requests, so the AWS SDKs and CLI can call Verge's AWS APIs with
// a secret access key Verge knows. It recomputes the signature with the
// AWS SDK's own signer over the headers the client signed.
package sigv4

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Algorithm is the Authorization scheme Verify checks.
const Algorithm = "AWS4-HMAC-SHA256"

const (
	headerDate          = "X-Amz-Date"
	headerContentSHA256 = "X-Amz-Content-Sha256"
	dateFormat          = "20060102T150405Z"
	// MaxSkew is how far the request's X-Amz-Date may be from the clock,
	// as AWS allows: it bounds replays of a captured request.
	MaxSkew = 15 * time.Minute
	// MaxBody is the largest body Verify reads to hash it.
	MaxBody = 16 << 20
)

// Errors of Verify. ErrMissing means the request is not signed with
// Algorithm; the others that it is, wrongly.
var (
	ErrMissing   = errors.New("the request is not signed with " + Algorithm)
	ErrMalformed = errors.New("the Authorization header is not a valid " + Algorithm + " signature")
	ErrExpired   = errors.New("the request's X-Amz-Date is more than 15 minutes from the server's time")
	ErrBody      = errors.New("the request body does not match its X-Amz-Content-Sha256")
	ErrSignature = errors.New("the request signature we calculated does not match the signature you provided; check the secret access key and signing method")
)

// authorization is a parsed Authorization header.
type authorization struct {
	accessKey, date, region, service string
	signedHeaders                    []string
	signature                        string
}

// Verify checks r's SigV4 signature against secret (the access key id is
// not checked) at now. It reads and restores r.Body to hash it.
func Verify(r *http.Request, secret string, now time.Time) error {
	a, err := parseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		return err
	}
	at, err := time.Parse(dateFormat, r.Header.Get(headerDate))
	if err != nil || at.Format("20060102") != a.date {
		return ErrMalformed
	}
	if d := now.Sub(at); d > MaxSkew || d < -MaxSkew {
		return ErrExpired
	}
	hash, err := payloadHash(r)
	if err != nil {
		return err
	}
	want, err := expected(r, a, hash, secret, at)
	if err != nil {
		return ErrMalformed
	}
	if subtle.ConstantTimeCompare([]byte(want), []byte(a.signature)) != 1 {
		return ErrSignature
	}
	return nil
}

// parseAuthorization reads "AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/
// SERVICE/aws4_request, SignedHeaders=a;b, Signature=HEX".
func parseAuthorization(h string) (authorization, error) {
	var a authorization
	rest, ok := strings.CutPrefix(h, Algorithm+" ")
	if !ok {
		return a, ErrMissing
	}
	var cred string
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			cred = v
		case "SignedHeaders":
			a.signedHeaders = strings.Split(v, ";")
		case "Signature":
			a.signature = v
		}
	}
	scope := strings.Split(cred, "/")
	if len(scope) != 5 || scope[4] != "aws4_request" || a.signature == "" || len(a.signedHeaders) == 0 {
		return a, ErrMalformed
	}
	a.accessKey, a.date, a.region, a.service = scope[0], scope[1], scope[2], scope[3]
	return a, nil
}

// payloadHash hashes the body and restores it. A client's
// X-Amz-Content-Sha256 must match: the signature covers the header, not
// the bytes, so a tampered body would pass otherwise.
func payloadHash(r *http.Request) (string, error) {
	var body []byte
	if r.Body != nil {
		b, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
		r.Body.Close()
		if err != nil || len(b) > MaxBody {
			return "", ErrBody
		}
		body = b
		r.Body = io.NopCloser(bytes.NewReader(b))
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	if h := r.Header.Get(headerContentSHA256); h != "" && h != hash {
		return "", ErrBody
	}
	return hash, nil
}

// expected signs a copy of r that holds only the headers the client
// signed: the transport may add others (Accept-Encoding) after signing.
func expected(r *http.Request, a authorization, hash, secret string, at time.Time) (string, error) {
	u := *r.URL
	u.Scheme, u.Host = "http", r.Host
	c, err := http.NewRequest(r.Method, u.String(), nil)
	if err != nil {
		return "", err
	}
	c.Host = r.Host
	for _, h := range a.signedHeaders {
		switch h {
		case "host":
		case "content-length":
			c.ContentLength = r.ContentLength
		default:
			c.Header[http.CanonicalHeaderKey(h)] = r.Header.Values(h)
		}
	}
	creds := aws.Credentials{AccessKeyID: a.accessKey, SecretAccessKey: secret}
	if err := v4.NewSigner().SignHTTP(r.Context(), creds, c, hash, a.service, a.region, at); err != nil {
		return "", err
	}
	_, sig, _ := strings.Cut(c.Header.Get("Authorization"), "Signature=")
	return sig, nil
}
