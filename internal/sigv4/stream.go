package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Payload hashes X-Amz-Content-Sha256 may declare besides a hex SHA-256
// and UnsignedPayload: the aws-chunked forms S3 reads.
const (
	// StreamingPayload is aws-chunked with a signature on every chunk.
	StreamingPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	// StreamingPayloadTrailer is StreamingPayload followed by signed
	// trailing headers.
	StreamingPayloadTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	// StreamingUnsignedTrailer is aws-chunked without signatures, followed
	// by unsigned trailing headers (the SDKs' checksums).
	StreamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
	// streamingECDSA prefixes the SigV4a forms, which Verge does not serve.
	streamingECDSA = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"
)

// Headers of the aws-chunked encoding.
const (
	headerDecodedLength   = "X-Amz-Decoded-Content-Length"
	headerTrailer         = "X-Amz-Trailer"
	headerContentEncoding = "Content-Encoding"
	codingAWSChunked      = "aws-chunked"
)

// Errors of Stream, and of the bodies it installs. ErrChunk and the errors
// wrapping it come from reading an aws-chunked body.
var (
	// ErrNoContentSHA256 is a header-signed request without the
	// X-Amz-Content-Sha256 header S3 requires (its message is S3's).
	ErrNoContentSHA256 = errors.New("Missing required header for this request: x-amz-content-sha256")
	// ErrContentSHA256 is an X-Amz-Content-Sha256 that is none of the
	// values S3 reads (its message is S3's).
	ErrContentSHA256 = errors.New("x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.")
	// ErrSigV4a is a body signed with SigV4a (ECDSA), which Verge does
	// not verify.
	ErrSigV4a = errors.New("the request's body is signed with " + streamingECDSA + " (SigV4a), which Verge does not serve; sign with " + Algorithm)
	// ErrChunk is an aws-chunked body that is malformed.
	ErrChunk = errors.New("the request's aws-chunked body is malformed")
	// ErrChunkSignature is a chunk or trailer whose signature does not
	// match.
	ErrChunkSignature = fmt.Errorf("%w: a chunk signature does not match", ErrChunk)
	// ErrChunkLength is an aws-chunked body whose decoded length is not
	// its X-Amz-Decoded-Content-Length.
	ErrChunkLength = fmt.Errorf("%w: the decoded length differs from X-Amz-Decoded-Content-Length", ErrChunk)
)

// Stream checks s, read from r, like Verify, but never reads r's body: the
// signature covers the payload hash X-Amz-Content-Sha256 declares (a
// presigned URL's may also be UNSIGNED-PAYLOAD, and is when nothing is
// declared), and the body is checked as it is read. Stream replaces
// r.Body:
//
//   - for a hex hash, with a reader that returns an error wrapping ErrBody
//     instead of io.EOF when the bytes do not hash to it;
//   - for the STREAMING-* forms, with the aws-chunked decoder, which
//     verifies each chunk's signature and the trailer's, fails with an
//     error wrapping ErrChunk where the encoding goes wrong, and fills
//     r.Trailer (empty until then) with the trailing headers, canonical
//     names, before it returns io.EOF. r.ContentLength becomes
//     X-Amz-Decoded-Content-Length (-1 without it) and "aws-chunked"
//     leaves Content-Encoding;
//   - for UNSIGNED-PAYLOAD, not at all.
//
// Either reader withholds the last bytes of a chunk or body until they
// are checked, so a reader that stops at ContentLength without reading to
// io.EOF (io.CopyN, io.ReadFull) still gets the error.
//
// A header-signed request must declare its payload hash, as S3 wants
// (ErrNoContentSHA256).
func (s *Signature) Stream(r *http.Request, secret string, now time.Time) error {
	if err := s.current(now); err != nil {
		return err
	}
	declared, err := s.declared(r)
	if err != nil {
		return err
	}
	hashes := []string{declared}
	if s.Presigned && declared != UnsignedPayload {
		// A presigned URL is signed over UNSIGNED-PAYLOAD, whatever hash
		// the request declares besides: the body is checked against it.
		hashes = append(hashes, UnsignedPayload)
	}
	if err := s.check(r, hashes, secret); err != nil {
		return err
	}
	return install(r, declared, func(mode string) error { return s.decodeChunked(r, mode, secret) })
}

// install replaces r's body with the reader that checks the payload
// hash declared: chunked installs the aws-chunked decoder of a mode.
func install(r *http.Request, declared string, chunked func(mode string) error) error {
	switch {
	case declared == StreamingPayload, declared == StreamingPayloadTrailer, declared == StreamingUnsignedTrailer:
		return chunked(declared)
	case isHexHash(declared):
		var want [sha256.Size]byte
		hex.Decode(want[:], []byte(declared))
		r.Body = &hashedBody{body: bodyOf(r), want: want, h: sha256.New(), length: r.ContentLength}
	}
	return nil // UNSIGNED-PAYLOAD, or none
}

// declared is the payload hash r declares: one S3 knows, else an error.
func (s *Signature) declared(r *http.Request) (string, error) {
	v := r.Header.Get(headerContentSHA256)
	if v == "" && s.Presigned {
		v = r.URL.Query().Get(headerContentSHA256)
		if v == "" {
			return UnsignedPayload, nil
		}
	}
	switch {
	case v == "":
		return "", ErrNoContentSHA256
	case v == UnsignedPayload, v == StreamingPayload, v == StreamingPayloadTrailer, v == StreamingUnsignedTrailer:
		return v, nil
	case strings.HasPrefix(v, streamingECDSA):
		return "", ErrSigV4a
	case isHexHash(v):
		return v, nil // as signed; hex.Decode reads either case
	}
	return "", ErrContentSHA256
}

// isHexHash says whether v is a hex SHA-256.
func isHexHash(v string) bool {
	if len(v) != 2*sha256.Size {
		return false
	}
	_, err := hex.DecodeString(v)
	return err == nil
}

// bodyOf is r's body, never nil.
func bodyOf(r *http.Request) io.ReadCloser {
	if r.Body == nil {
		return http.NoBody
	}
	return r.Body
}

// decodeChunked installs the aws-chunked decoder on r, checking the
// chunks' signatures under secret.
func (s *Signature) decodeChunked(r *http.Request, mode, secret string) error {
	c, err := installChunked(r, mode)
	if err != nil || !c.signed {
		return err
	}
	key := signingKey(secret, s.Date, s.Region, s.Service)
	c.mac = hmac.New(sha256.New, key[:])
	c.prefix = s.At.Format(dateFormat) + "\n" + s.Date + "/" + s.Region + "/" + s.Service + "/" + scopeTerminator + "\n"
	c.prev = strings.ToLower(s.Signature)
	return nil
}

// installChunked replaces r's body with an aws-chunked decoder of mode
// that checks no signature (decodeChunked adds the key), and r's length,
// Content-Encoding and Trailer with the decoded body's.
func installChunked(r *http.Request, mode string) (*chunked, error) {
	length := int64(-1)
	if v := r.Header.Get(headerDecodedLength); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%w: X-Amz-Decoded-Content-Length %q is not a length", ErrChunk, v)
		}
		length = n
	}
	// The trailer goes in a map r holds now: the handler's request is a
	// copy of r (WithContext) that shares it.
	r.Trailer = http.Header{}
	c := &chunked{
		declared: length,
		signed:   mode != StreamingUnsignedTrailer,
		trailing: mode != StreamingPayload,
		trailer:  r.Trailer,
	}
	if c.trailing {
		c.names = trailerNames(r.Header.Values(headerTrailer))
	}
	c.init(bodyOf(r))
	r.Body = c
	r.ContentLength = length
	r.Header.Del(headerContentLength)
	if length >= 0 {
		r.Header.Set(headerContentLength, strconv.FormatInt(length, 10))
	}
	stripChunkedCoding(r.Header)
	return c, nil
}

// Decode installs on r the body Stream would, checking no signature: for
// a router that authenticates nothing (benchmarks), whose handlers must
// still see decoded aws-chunked bodies. A hex payload hash is checked.
func Decode(r *http.Request) error {
	declared := r.Header.Get(headerContentSHA256)
	if declared == "" {
		declared = r.URL.Query().Get(headerContentSHA256)
	}
	return install(r, declared, func(mode string) error {
		_, err := installChunked(r, mode)
		return err
	})
}

const headerContentLength = "Content-Length"

// trailerNames are the lower-case names X-Amz-Trailer declares.
func trailerNames(values []string) []string {
	var names []string
	for _, v := range values {
		for name := range strings.SplitSeq(v, ",") {
			if name = strings.ToLower(strings.TrimSpace(name)); name != "" {
				names = append(names, name)
			}
		}
	}
	return names
}

// stripChunkedCoding removes aws-chunked from Content-Encoding, keeping
// any other coding (gzip after aws-chunked is the object's own).
func stripChunkedCoding(h http.Header) {
	var kept []string
	for _, v := range h.Values(headerContentEncoding) {
		for coding := range strings.SplitSeq(v, ",") {
			if coding = strings.TrimSpace(coding); coding != "" && !strings.EqualFold(coding, codingAWSChunked) {
				kept = append(kept, coding)
			}
		}
	}
	h.Del(headerContentEncoding)
	if len(kept) > 0 {
		h.Set(headerContentEncoding, strings.Join(kept, ","))
	}
}

// A hashedBody passes a body through and checks at its end that it hashes
// to want: the error wrapping ErrBody takes the place of io.EOF, so a
// reader that stops at EOF never takes a tampered body for whole.
type hashedBody struct {
	body   io.ReadCloser
	h      hash.Hash
	want   [sha256.Size]byte
	length int64 // the declared Content-Length, -1 unknown
	n      int64
	err    error
}

func (b *hashedBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	n, err := b.body.Read(p)
	b.h.Write(p[:n])
	b.n += int64(n)
	// At the declared length the hash is checked before the last bytes
	// go out: a reader that stops at Content-Length (io.CopyN,
	// io.ReadFull) never gets the whole of a tampered body.
	if err == io.EOF || (err == nil && b.n == b.length) {
		if err = b.finish(); err != io.EOF {
			n = 0
		}
	}
	if err != nil {
		b.err = err
	}
	return n, err
}

// finish compares the hash: io.EOF when it matches.
func (b *hashedBody) finish() error {
	var sum [sha256.Size]byte
	if !hmac.Equal(b.h.Sum(sum[:0]), b.want[:]) {
		return fmt.Errorf("%w (%d bytes read)", ErrBody, b.n)
	}
	return io.EOF
}

func (b *hashedBody) Close() error { return b.body.Close() }

// SigningKey is SigV4's key derived from secret for scope's day, region
// and service (the access key is not part of it), from a cache.
func SigningKey(secret string, scope Scope) []byte {
	k := signingKey(secret, scope.Date, scope.Region, scope.Service)
	return k[:]
}

// VerifyPolicy checks an S3 POST policy's signature: the hex HMAC of the
// base64 policy, as sent, under the signing key of secret and scope.
func VerifyPolicy(policyB64, signatureHex, secret string, scope Scope) error {
	got, err := hex.DecodeString(signatureHex)
	if err != nil || len(got) != sha256.Size {
		return ErrMalformed
	}
	key := signingKey(secret, scope.Date, scope.Region, scope.Service)
	mac := hmac.New(sha256.New, key[:])
	io.WriteString(mac, policyB64)
	if !hmac.Equal(mac.Sum(nil), got) {
		return ErrSignature
	}
	return nil
}
