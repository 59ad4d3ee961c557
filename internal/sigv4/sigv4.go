// Package sigv4 verifies AWS Signature Version 4 (AWS4-HMAC-SHA256) on
// received requests, so the AWS SDKs and CLI can call Verge's AWS APIs with
// a secret access key Verge knows. It reads both forms a client signs in:
// the Authorization header and the presigned URL's query (X-Amz-Algorithm,
// X-Amz-Credential, …), and recomputes the signature with the AWS SDK's own
// signer over what the client signed.
package sigv4

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Algorithm is the Authorization scheme Verify checks.
const Algorithm = "AWS4-HMAC-SHA256"

// Headers and query parameters of the protocol.
const (
	headerDate          = "X-Amz-Date"
	headerContentSHA256 = "X-Amz-Content-Sha256"
	headerToken         = "X-Amz-Security-Token"
	queryAlgorithm      = "X-Amz-Algorithm"
	queryCredential     = "X-Amz-Credential"
	queryDate           = "X-Amz-Date"
	queryExpires        = "X-Amz-Expires"
	querySignedHeaders  = "X-Amz-SignedHeaders"
	querySignature      = "X-Amz-Signature"
	queryToken          = "X-Amz-Security-Token"
	dateFormat          = "20060102T150405Z"
	scopeTerminator     = "aws4_request"
	// UnsignedPayload is the payload hash of a request whose body is not
	// signed (presigned URLs, S3 uploads).
	UnsignedPayload = "UNSIGNED-PAYLOAD"
	// MaxSkew is how far the request's X-Amz-Date may be from the clock,
	// as AWS allows: it bounds replays of a captured request.
	MaxSkew = 15 * time.Minute
	// MaxExpires is the longest a presigned URL may be valid (7 days).
	MaxExpires = 7 * 24 * time.Hour
	// MaxBody is the largest body Verify reads to hash it.
	MaxBody = 16 << 20
)

// Errors of Parse and Verify. ErrMissing means the request is not signed
// with Algorithm; the others that it is, wrongly.
var (
	ErrMissing    = errors.New("the request is not signed with " + Algorithm)
	ErrMalformed  = errors.New("the request's " + Algorithm + " signature is malformed")
	ErrExpired    = errors.New("the request's X-Amz-Date is more than 15 minutes from the server's time")
	ErrURLExpired = errors.New("the presigned URL has expired")
	ErrBody       = errors.New("the request body does not match its X-Amz-Content-Sha256")
	ErrSignature  = errors.New("the request signature we calculated does not match the signature you provided; check the secret access key and signing method")
)

// A Scope is a signature's credential scope: AKID/DATE/REGION/SERVICE/aws4_request.
type Scope struct {
	AccessKey, Date, Region, Service string
}

// ParseScope reads a credential scope.
func ParseScope(s string) (Scope, error) {
	key, rest, _ := strings.Cut(s, "/")
	date, rest, _ := strings.Cut(rest, "/")
	region, rest, _ := strings.Cut(rest, "/")
	service, term, _ := strings.Cut(rest, "/")
	if term != scopeTerminator || key == "" || len(date) != 8 || region == "" || service == "" {
		return Scope{}, ErrMalformed
	}
	return Scope{AccessKey: key, Date: date, Region: region, Service: service}, nil
}

// A Signature is what a request says of its signing.
type Signature struct {
	Scope
	// SignedHeaders are the lower-case names of the signed headers.
	SignedHeaders []string
	// Signature is the hex signature.
	Signature string
	// At is X-Amz-Date.
	At time.Time
	// Presigned is set for the query form; Expires is its X-Amz-Expires.
	Presigned bool
	Expires   time.Duration
	// Token is the X-Amz-Security-Token (header or query), "" for none.
	Token string

	signed string // SignedHeaders as the request lists them
}

// Parse reads r's signature, in the header or the query form: ErrMissing
// when r carries neither.
func Parse(r *http.Request) (*Signature, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		if !strings.HasPrefix(h, Algorithm+" ") {
			return nil, ErrMissing
		}
		s, err := ParseAuthorization(h)
		if err != nil {
			return nil, err
		}
		if s.At, err = parseDate(r.Header.Get(headerDate), s.Date); err != nil {
			return nil, err
		}
		s.Token = r.Header.Get(headerToken)
		return s, nil
	}
	q := r.URL.Query()
	if !q.Has(queryAlgorithm) {
		return nil, ErrMissing
	}
	return ParseQuery(q)
}

// ParseAuthorization reads "AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/
// SERVICE/aws4_request, SignedHeaders=a;b, Signature=HEX".
func ParseAuthorization(h string) (*Signature, error) {
	rest, ok := strings.CutPrefix(h, Algorithm+" ")
	if !ok {
		return nil, ErrMissing
	}
	var s Signature
	var cred, signed string
	for part := range strings.SplitSeq(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			cred = v
		case "SignedHeaders":
			signed = v
		case "Signature":
			s.Signature = v
		}
	}
	return finish(&s, cred, signed)
}

// ParseQuery reads a presigned URL's query.
func ParseQuery(q url.Values) (*Signature, error) {
	if q.Get(queryAlgorithm) != Algorithm {
		return nil, ErrMalformed
	}
	s := &Signature{Presigned: true, Signature: q.Get(querySignature), Token: q.Get(queryToken)}
	secs, err := strconv.ParseInt(q.Get(queryExpires), 10, 64)
	if err != nil || secs < 1 || time.Duration(secs)*time.Second > MaxExpires {
		return nil, ErrMalformed
	}
	s.Expires = time.Duration(secs) * time.Second
	if s, err = finish(s, q.Get(queryCredential), q.Get(querySignedHeaders)); err != nil {
		return nil, err
	}
	if s.At, err = parseDate(q.Get(queryDate), s.Date); err != nil {
		return nil, err
	}
	return s, nil
}

// finish parses the parts both forms share.
func finish(s *Signature, cred, signed string) (*Signature, error) {
	scope, err := ParseScope(cred)
	if err != nil || signed == "" || len(s.Signature) != 64 {
		return nil, ErrMalformed
	}
	for i := 0; i < len(s.Signature); i++ {
		if c := s.Signature[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return nil, ErrMalformed
		}
	}
	s.Scope, s.SignedHeaders, s.signed = scope, strings.Split(signed, ";"), signed
	return s, nil
}

// parseDate reads X-Amz-Date, which must fall on the scope's day.
func parseDate(v, day string) (time.Time, error) {
	// A parsed dateFormat starts with the day as Format would write it.
	at, err := time.Parse(dateFormat, v)
	if err != nil || v[:8] != day {
		return time.Time{}, ErrMalformed
	}
	return at, nil
}

// Verify checks r's SigV4 signature (either form) against secret (the
// access key id is not checked) at now. It reads and restores r.Body to
// hash it.
func Verify(r *http.Request, secret string, now time.Time) error {
	s, err := Parse(r)
	if err != nil {
		return err
	}
	return s.Verify(r, secret, now)
}

// Verify checks that s, read from r, is r's signature with secret at now.
func (s *Signature) Verify(r *http.Request, secret string, now time.Time) error {
	if err := s.current(now); err != nil {
		return err
	}
	hashes, err := payloadHashes(r, s.Presigned)
	if err != nil {
		return err
	}
	return s.check(r, hashes, secret)
}

// current checks that s is within its time: X-Amz-Date near now, a
// presigned URL not expired.
func (s *Signature) current(now time.Time) error {
	if d := now.Sub(s.At); d < -MaxSkew || (!s.Presigned && d > MaxSkew) {
		return ErrExpired
	}
	if s.Presigned && now.After(s.At.Add(s.Expires)) {
		return ErrURLExpired
	}
	return nil
}

// check says whether s is r's signature over one of the payload hashes.
func (s *Signature) check(r *http.Request, hashes []string, secret string) error {
	if !s.Presigned {
		if sig := s.fast(r, hashes[0], secret); equal(sig[:], s.Signature) {
			return nil
		}
	}
	for _, hash := range hashes {
		want, err := s.expected(r, hash, secret)
		if err != nil {
			return ErrMalformed
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(s.Signature)) == 1 {
			return nil
		}
	}
	return ErrSignature
}

// payloadHashes are the payload hashes the client may have signed: the one
// X-Amz-Content-Sha256 declares (UNSIGNED-PAYLOAD included), else the
// body's; a presigned URL may also have left the body unsigned. A declared
// hash must match the body: the signature covers the header, not the
// bytes, so a tampered body would pass otherwise.
func payloadHashes(r *http.Request, presigned bool) ([]string, error) {
	declared := r.Header.Get(headerContentSHA256)
	if presigned && declared == "" {
		declared = r.URL.Query().Get(headerContentSHA256)
	}
	if declared == UnsignedPayload || strings.HasPrefix(declared, "STREAMING-") {
		return []string{declared}, nil
	}
	var body []byte
	if r.Body != nil && r.Body != http.NoBody {
		b, err := readAll(r.Body, r.ContentLength)
		r.Body.Close()
		if err != nil {
			return nil, ErrBody
		}
		body = b
		r.Body = NewBody(b)
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	if declared != "" && declared != hash {
		return nil, ErrBody
	}
	if presigned && declared == "" {
		return []string{UnsignedPayload, hash}, nil
	}
	return []string{hash}, nil
}

// readAll reads a body of at most MaxBody bytes, sized by its declared
// length when there is one, so a body is read into one allocation.
func readAll(r io.Reader, length int64) ([]byte, error) {
	size := int64(512)
	if length >= 0 && length <= MaxBody {
		size = length + 1 // room to see EOF without growing
	}
	b := make([]byte, 0, size)
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if len(b) > MaxBody {
			return nil, ErrBody
		}
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// A Body is a request body read whole and put back (Verify does so to
// hash it), so that a later reader can take the bytes without copying
// them again.
type Body struct {
	bytes.Reader
	b []byte
}

// NewBody is a Body reading b.
func NewBody(b []byte) *Body {
	body := &Body{b: b}
	body.Reset(b)
	return body
}

// Close does nothing.
func (b *Body) Close() error { return nil }

// Bytes is the whole body, which the caller must not change; false once
// some of it has been read.
func (b *Body) Bytes() ([]byte, bool) { return b.b, b.Len() == len(b.b) }

// expected signs a copy of r that holds only the headers the client
// signed: the transport may add others (Accept-Encoding) after signing.
// For a presigned URL the copy's query lacks the parameters the signer
// adds itself.
func (s *Signature) expected(r *http.Request, hash, secret string) (string, error) {
	u := *r.URL
	u.Scheme, u.Host = "http", r.Host
	if s.Presigned {
		q := u.Query()
		for _, k := range []string{queryAlgorithm, queryCredential, queryDate, querySignedHeaders, querySignature, queryToken} {
			q.Del(k)
		}
		u.RawQuery = q.Encode()
	}
	c, err := http.NewRequest(r.Method, u.String(), nil)
	if err != nil {
		return "", err
	}
	c.Host = r.Host
	for _, h := range s.SignedHeaders {
		switch h {
		case "host":
		case "content-length":
			c.ContentLength = r.ContentLength
		default:
			c.Header[http.CanonicalHeaderKey(h)] = r.Header.Values(h)
		}
	}
	creds := aws.Credentials{AccessKeyID: s.AccessKey, SecretAccessKey: secret}
	if s.Presigned {
		creds.SessionToken = s.Token // the signer puts it back in the query; a header is in c if it was signed
	}
	// A new signer each time: the SDK's signer caches derived keys by
	// access key id, not by secret, so a shared one would verify a
	// signature made with a wrong secret against the right one's key.
	signer := v4.NewSigner(func(o *v4.SignerOptions) {
		o.DisableURIPathEscaping = s.Service == "s3" // S3 alone signs the path as sent
	})
	if s.Presigned {
		signedURL, _, err := signer.PresignHTTP(r.Context(), creds, c, hash, s.Service, s.Region, s.At)
		if err != nil {
			return "", err
		}
		pu, err := url.Parse(signedURL)
		if err != nil {
			return "", err
		}
		return pu.Query().Get(querySignature), nil
	}
	if err := signer.SignHTTP(r.Context(), creds, c, hash, s.Service, s.Region, s.At); err != nil {
		return "", err
	}
	_, sig, _ := strings.Cut(c.Header.Get("Authorization"), "Signature=")
	return sig, nil
}
