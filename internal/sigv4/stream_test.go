package sigv4

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// AWS's examples of chunked uploads (sigv4-streaming, sigv4-streaming-
// trailers): 66560 bytes of 'a' in chunks of 64 KiB, 1 KiB and 0 bytes.
const (
	exampleKeyID  = "AKIAIOSFODNN7EXAMPLE"
	exampleSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	exampleScope  = "20130524/us-east-1/s3/aws4_request"
)

var exampleAt = time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)

// exampleRequest is the examples' PUT with the given content hash, seed
// signature, signed headers and body.
func exampleRequest(hash, seed, signed string, body []byte, hdr ...string) *http.Request {
	r := httptest.NewRequest("PUT", "http://s3.amazonaws.com/examplebucket/chunkObject.txt", bytes.NewReader(body))
	r.Header.Set("X-Amz-Date", "20130524T000000Z")
	r.Header.Set("X-Amz-Storage-Class", "REDUCED_REDUNDANCY")
	r.Header.Set("X-Amz-Content-Sha256", hash)
	r.Header.Set("Content-Encoding", "aws-chunked")
	r.Header.Set("X-Amz-Decoded-Content-Length", "66560")
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	r.Header.Set("Authorization", Algorithm+" Credential="+exampleKeyID+"/"+exampleScope+",SignedHeaders="+signed+",Signature="+seed)
	return r
}

func exampleBody(sigs [3]string, tail string) []byte {
	a := strings.Repeat("a", 65536)
	return []byte("10000;chunk-signature=" + sigs[0] + "\r\n" + a + "\r\n" +
		"400;chunk-signature=" + sigs[1] + "\r\n" + a[:1024] + "\r\n" +
		"0;chunk-signature=" + sigs[2] + "\r\n" + tail)
}

// TestStreamAWSExamples: AWS's documented chunked uploads, with and
// without a trailer, decode to their payload; the trailer in both the
// example's framing and the SDKs'.
func TestStreamAWSExamples(t *testing.T) {
	payload := exampleBody([3]string{
		"ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
		"0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
		"b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
	}, "\r\n")
	trailerSigs := [3]string{
		"b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
		"1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
		"2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
	}
	const trailer = "x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n"
	payloadReq := func(body []byte) *http.Request {
		return exampleRequest(StreamingPayload, "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
			"content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class", body)
	}
	trailerReq := func(body []byte) *http.Request {
		return exampleRequest(StreamingPayloadTrailer, "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e",
			"content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer", body,
			"X-Amz-Trailer", "x-amz-checksum-crc32c")
	}
	for _, c := range []struct {
		name    string
		req     *http.Request
		trailer string
		want    error
	}{
		{"payload", payloadReq(payload), "", nil},
		{"trailer, example framing", trailerReq(exampleBody(trailerSigs, "\r\n"+trailer)), "sOO8/Q==", nil},
		{"trailer, SDK framing", trailerReq(exampleBody(trailerSigs, trailer+"\r\n")), "sOO8/Q==", nil},
		{"trailer, tampered", trailerReq(exampleBody(trailerSigs, strings.Replace(trailer, "sOO8", "sOO9", 1)+"\r\n")), "", ErrChunkSignature},
		{"payload, second chunk tampered", payloadReq(bytes.Replace(payload, []byte("a\r\n0;"), []byte("b\r\n0;"), 1)), "", ErrChunkSignature},
		{"payload, first signature wrong", payloadReq(bytes.Replace(payload, []byte("ad80c7"), []byte("ad80c8"), 1)), "", ErrChunkSignature},
		{"payload, signature too long", payloadReq(bytes.Replace(payload, []byte("ad80c7"), []byte("ad80c71"), 1)), "", ErrSignature}, // Content-Length is signed
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := Parse(c.req)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Stream(c.req, exampleSecret, exampleAt); err != nil {
				if !errors.Is(err, c.want) {
					t.Fatalf("Stream: %v", err)
				}
				return
			}
			got, err := io.ReadAll(c.req.Body)
			if !errors.Is(err, c.want) || (c.want != nil) != (err != nil) {
				t.Fatalf("read: %v, want %v", err, c.want)
			}
			if c.want != nil {
				return
			}
			if !bytes.Equal(got, bytes.Repeat([]byte("a"), 66560)) {
				t.Errorf("decoded %d bytes", len(got))
			}
			if c.req.ContentLength != 66560 || c.req.Header.Get("Content-Encoding") != "" || c.req.Header.Get("Content-Length") != "66560" {
				t.Errorf("ContentLength %d, headers %v", c.req.ContentLength, c.req.Header)
			}
			if c.req.Trailer.Get("X-Amz-Checksum-Crc32c") != c.trailer {
				t.Errorf("trailer %v", c.req.Trailer)
			}
		})
	}
}

// chunkEncoder writes aws-chunked bodies as a client does, with the
// documented signature chain: an implementation of its own, to check the
// decoder against.
type chunkEncoder struct {
	key    []byte
	prefix string // "DATE\nSCOPE\n"
	prev   string // the previous signature; "" for unsigned chunks
}

func (e *chunkEncoder) sign(algorithm, middle string, hash []byte) string {
	m := hmac.New(sha256.New, e.key)
	m.Write([]byte(algorithm + "\n" + e.prefix + e.prev + "\n" + middle + hex.EncodeToString(hash)))
	e.prev = hex.EncodeToString(m.Sum(nil))
	return e.prev
}

func (e *chunkEncoder) chunk(b *bytes.Buffer, data []byte) {
	size := strconv.FormatInt(int64(len(data)), 16)
	if e.prev == "" {
		b.WriteString(size + "\r\n")
	} else {
		sum := sha256.Sum256(data)
		b.WriteString(size + ";chunk-signature=" + e.sign("AWS4-HMAC-SHA256-PAYLOAD", emptyHash+"\n", sum[:]) + "\r\n")
	}
	if len(data) > 0 {
		b.Write(data)
		b.WriteString("\r\n")
	}
}

// encode writes data in chunks of n bytes, then the final chunk and the
// trailer (nil for none).
func (e *chunkEncoder) encode(data []byte, n int, trailer [][2]string) []byte {
	var b bytes.Buffer
	for len(data) > 0 {
		k := min(n, len(data))
		e.chunk(&b, data[:k])
		data = data[k:]
	}
	e.chunk(&b, nil)
	var signed strings.Builder
	for _, kv := range trailer {
		b.WriteString(kv[0] + ":" + kv[1] + "\r\n")
		signed.WriteString(kv[0] + ":" + kv[1] + "\n")
	}
	if trailer != nil && e.prev != "" {
		sum := sha256.Sum256([]byte(signed.String()))
		b.WriteString("x-amz-trailer-signature:" + e.sign("AWS4-HMAC-SHA256-TRAILER", "", sum[:]) + "\r\n")
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

var testAt = time.Date(2026, 12, 6, 14, 0, 0, 0, time.UTC)

// streamed is a PUT signed by the SDK's signer for mode, with X-Amz-Trailer
// naming trailers (when it is not ""), and its encoder seeded.
func streamed(t testing.TB, mode string, decoded int64, trailers string) (*http.Request, *chunkEncoder) {
	r := httptest.NewRequest("PUT", "http://127.0.0.1:9000/bucket/key", nil)
	r.Header.Set("X-Amz-Content-Sha256", mode)
	r.Header.Set("Content-Encoding", "aws-chunked,gzip")
	if decoded >= 0 {
		r.Header.Set("X-Amz-Decoded-Content-Length", strconv.FormatInt(decoded, 10))
	}
	if trailers != "" {
		r.Header.Set("X-Amz-Trailer", trailers)
	}
	creds := aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret"}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, mode, "s3", "us-east-1", testAt); err != nil {
		t.Fatal(err)
	}
	s, err := Parse(r)
	if err != nil {
		t.Fatal(err)
	}
	e := &chunkEncoder{key: SigningKey("secret", s.Scope), prefix: "20261206T140000Z\n20261206/us-east-1/s3/aws4_request\n"}
	if mode != StreamingUnsignedTrailer {
		e.prev = s.Signature
	}
	return r, e
}

// decode streams body through r and reads it whole.
func decode(t testing.TB, r *http.Request, body []byte) ([]byte, error) {
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	s, err := Parse(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Stream(r, "secret", testAt); err != nil {
		return nil, err
	}
	return io.ReadAll(r.Body)
}

// TestStreamChunked: what a correct encoder writes decodes, in each mode;
// tampering, lengths that differ, truncation and malformed framing fail
// with errors wrapping ErrChunk.
func TestStreamChunked(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 5000) // 80000 bytes
	crc := [][2]string{{"x-amz-checksum-crc32", "AAAAAA=="}}
	type edit func([]byte) []byte
	replace := func(old, new string) edit {
		return func(b []byte) []byte { return bytes.Replace(b, []byte(old), []byte(new), 1) }
	}
	for _, c := range []struct {
		name     string
		mode     string
		decoded  int64
		declared string // X-Amz-Trailer
		trailer  [][2]string
		chunk    int
		edit     edit
		want     error // nil: decodes to data
	}{
		{"signed", StreamingPayload, 80000, "", nil, 65536, nil, nil},
		{"signed, small chunks", StreamingPayload, 80000, "", nil, 8192, nil, nil},
		{"signed, no decoded length", StreamingPayload, -1, "", nil, 8192, nil, nil},
		{"signed trailer", StreamingPayloadTrailer, 80000, "x-amz-checksum-crc32", crc, 65536, nil, nil},
		{"unsigned trailer", StreamingUnsignedTrailer, 80000, "x-amz-checksum-crc32", crc, 65536, nil, nil},
		{"unsigned trailer, chunk extension", StreamingUnsignedTrailer, 80000, "x-amz-checksum-crc32", crc, 65536, replace("\r\n", ";ext=1\r\n"), nil},

		{"data tampered", StreamingPayload, 80000, "", nil, 8192, replace("789a", "789b"), ErrChunkSignature},
		{"signature tampered", StreamingPayload, 80000, "", nil, 8192, replace("chunk-signature=", "chunk-signature=0"), ErrChunk},
		{"trailer tampered", StreamingPayloadTrailer, 80000, "x-amz-checksum-crc32", crc, 65536, replace("AAAAAA==", "AAAAAB=="), ErrChunkSignature},
		{"trailer signature missing", StreamingPayloadTrailer, 80000, "x-amz-checksum-crc32", crc, 65536, replace("x-amz-trailer-signature", "x-amz-checksum-sha1"), ErrChunk},
		{"trailer not declared", StreamingUnsignedTrailer, 80000, "x-amz-checksum-sha256", crc, 65536, nil, ErrChunk},
		{"declared trailer missing", StreamingUnsignedTrailer, 80000, "x-amz-checksum-crc32,x-amz-checksum-sha1", crc, 65536, nil, ErrChunk},
		{"decoded length larger", StreamingPayload, 80001, "", nil, 8192, nil, ErrChunkLength},
		{"decoded length smaller", StreamingPayload, 79999, "", nil, 8192, nil, ErrChunkLength},
		{"truncated in data", StreamingPayload, 80000, "", nil, 8192, func(b []byte) []byte { return b[:20000] }, ErrChunk},
		{"truncated before the final chunk", StreamingUnsignedTrailer, 80000, "x-amz-checksum-crc32", crc, 8192, func(b []byte) []byte { return b[:bytes.LastIndex(b, []byte("0\r\n"))] }, ErrChunk},
		{"truncated in the size line", StreamingPayload, 80000, "", nil, 8192, func(b []byte) []byte { return b[:bytes.LastIndex(b, []byte("0;"))+5] }, ErrChunk},
		{"oversized size line", StreamingPayload, 80000, "", nil, 8192, replace(";chunk-signature=", ";"+strings.Repeat("x", 5000)+"chunk-signature="), ErrChunk},
		{"size line without end", StreamingPayload, 80000, "", nil, 8192, func(b []byte) []byte { return bytes.Repeat([]byte("1"), 100000) }, ErrChunk},
		{"size not hex", StreamingPayload, 80000, "", nil, 80000, replace("13880;", "1388g;"), ErrChunk},
		{"size too long", StreamingUnsignedTrailer, 80000, "x-amz-checksum-crc32", crc, 80000, replace("13880", "0000000000000000013880"), ErrChunk},
		{"chunk longer than its size", StreamingUnsignedTrailer, 80000, "x-amz-checksum-crc32", crc, 80000, replace("13880", "1387f"), ErrChunk},
		{"bare LF", StreamingUnsignedTrailer, 80000, "x-amz-checksum-crc32", crc, 80000, replace("13880\r\n", "13880\n"), ErrChunk},
		{"bytes after the end", StreamingPayload, 80000, "", nil, 8192, func(b []byte) []byte { return append(b, "more"...) }, ErrChunk},
		{"huge trailer", StreamingUnsignedTrailer, 80000, "x-amz-checksum-crc32", [][2]string{{"x-amz-checksum-crc32", strings.Repeat("A", 100000)}}, 8192, nil, ErrChunk},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, e := streamed(t, c.mode, c.decoded, c.declared)
			body := e.encode(data, c.chunk, c.trailer)
			if c.edit != nil {
				body = c.edit(body)
			}
			got, err := decode(t, r, body)
			if c.want != nil {
				if !errors.Is(err, c.want) {
					t.Fatalf("error %v, want %v", err, c.want)
				}
				return
			}
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("decoded %d bytes, %v", len(got), err)
			}
			if r.ContentLength != c.decoded || r.Header.Get("Content-Encoding") != "gzip" {
				t.Errorf("ContentLength %d, Content-Encoding %q", r.ContentLength, r.Header.Get("Content-Encoding"))
			}
			if len(c.trailer) > 0 && r.Trailer.Get("X-Amz-Checksum-Crc32") != "AAAAAA==" {
				t.Errorf("trailer %v", r.Trailer)
			}
		})
	}
}

// TestChunkedStopsAtLength: a reader that stops at ContentLength (never
// asking for EOF) still gets a bad final chunk's error.
func TestChunkedStopsAtLength(t *testing.T) {
	data := bytes.Repeat([]byte("x"), 10000)
	r, e := streamed(t, StreamingPayloadTrailer, 10000, "x-amz-checksum-crc32")
	body := e.encode(data, 4096, [][2]string{{"x-amz-checksum-crc32", "AAAAAA=="}})
	body = bytes.Replace(body, []byte("AAAAAA=="), []byte("BBBBBB=="), 1)
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	s, _ := Parse(r)
	if err := s.Stream(r, "secret", testAt); err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(io.Discard, r.Body, r.ContentLength); !errors.Is(err, ErrChunkSignature) {
		t.Errorf("CopyN: %v", err)
	}
}

// TestDecode: Decode, for a router that checks nothing, decodes what Stream
// would without checking signatures, and still refuses malformed bodies.
func TestDecode(t *testing.T) {
	data := bytes.Repeat([]byte("decode "), 3000)
	for _, c := range []struct {
		name string
		mode string
		edit func([]byte) []byte
		want error
	}{
		{"signed", StreamingPayload, nil, nil},
		{"signed, wrong key", StreamingPayload, nil, nil},
		{"signed trailer", StreamingPayloadTrailer, nil, nil},
		{"unsigned trailer", StreamingUnsignedTrailer, nil, nil},
		{"truncated", StreamingPayload, func(b []byte) []byte { return b[:len(b)-10] }, ErrChunk},
	} {
		t.Run(c.name, func(t *testing.T) {
			names, trailer := "", [][2]string(nil)
			if c.mode != StreamingPayload {
				names, trailer = "x-amz-checksum-crc32", [][2]string{{"x-amz-checksum-crc32", "AAAAAA=="}}
			}
			r, e := streamed(t, c.mode, int64(len(data)), names)
			if strings.Contains(c.name, "wrong key") {
				e.key = []byte("not the signing key")
			}
			body := e.encode(data, 4096, trailer)
			if c.edit != nil {
				body = c.edit(body)
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			if err := Decode(r); err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r.Body)
			if c.want != nil {
				if !errors.Is(err, c.want) {
					t.Errorf("error %v, want %v", err, c.want)
				}
				return
			}
			if err != nil || !bytes.Equal(got, data) || r.ContentLength != int64(len(data)) || (trailer != nil && r.Trailer.Get("X-Amz-Checksum-Crc32") != "AAAAAA==") {
				t.Errorf("%d bytes, %v, ContentLength %d, trailer %v", len(got), err, r.ContentLength, r.Trailer)
			}
		})
	}
	r := httptest.NewRequest("PUT", "http://127.0.0.1:9000/bucket/key", strings.NewReader("tampered"))
	r.Header.Set("X-Amz-Content-Sha256", emptyHash)
	if err := Decode(r); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(r.Body); !errors.Is(err, ErrBody) {
		t.Errorf("hex hash: %v", err)
	}
}

// TestChunkedAllocs pins what a signed chunk allocates: its size line, and
// little else (the strings to sign and the sums are the decoder's own).
func TestChunkedAllocs(t *testing.T) {
	const chunks = 64
	data := bytes.Repeat([]byte("x"), chunks*1024)
	r, e := streamed(t, StreamingPayload, int64(len(data)), "")
	body := e.encode(data, 1024, nil)
	sink := make([]byte, 4096)
	allocs := testing.AllocsPerRun(20, func() {
		r.Header.Set("Content-Encoding", "aws-chunked,gzip")
		r.Body = io.NopCloser(bytes.NewReader(body))
		s, _ := Parse(r)
		if err := s.Stream(r, "secret", testAt); err != nil {
			t.Fatal(err)
		}
		for {
			if _, err := r.Body.Read(sink); err == io.EOF {
				break
			} else if err != nil {
				t.Fatal(err)
			}
		}
	})
	if budget := 2*chunks + 40.0; allocs > budget { // 40: Parse, Stream, the decoder's setup
		t.Errorf("%.0f allocations for %d chunks, want at most %.0f", allocs, chunks, budget)
	}
}

// TestStreamHashed: a body under a hex X-Amz-Content-Sha256 passes through
// and fails at its end, not before, when it does not hash to it.
func TestStreamHashed(t *testing.T) {
	const body = "hello, object"
	sum := sha256.Sum256([]byte(body))
	hash := hex.EncodeToString(sum[:])
	for _, c := range []struct {
		name string
		sent string
		want error
	}{
		{"intact", body, nil},
		{"tampered", "hello, objecT", ErrBody},
		{"longer", body + "!", ErrBody},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("PUT", "http://127.0.0.1:9000/bucket/key", strings.NewReader(c.sent))
			r.Header.Set("X-Amz-Content-Sha256", hash)
			if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret"}, r, hash, "s3", "us-east-1", testAt); err != nil {
				t.Fatal(err)
			}
			s, _ := Parse(r)
			if err := s.Stream(r, "secret", testAt); err != nil {
				t.Fatal(err)
			}
			first := make([]byte, 5)
			if _, err := io.ReadFull(r.Body, first); err != nil {
				t.Fatalf("first bytes: %v", err)
			}
			if c.want != nil {
				// What stops at Content-Length never gets the last bytes.
				if _, err := io.ReadFull(r.Body, make([]byte, len(c.sent)-5)); !errors.Is(err, c.want) {
					t.Errorf("ReadFull: %v", err)
				}
				return
			}
			rest, err := io.ReadAll(r.Body)
			if !errors.Is(err, c.want) || (c.want == nil && string(first)+string(rest) != body) {
				t.Errorf("%q %q, %v; want %v", first, rest, err, c.want)
			}
		})
	}
}

// TestStreamRefusals: what Stream refuses before any body is read.
func TestStreamRefusals(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret"}
	headerSigned := func(hash string) *http.Request {
		r := httptest.NewRequest("GET", "http://127.0.0.1:9000/bucket/key", nil)
		if hash != "" {
			r.Header.Set("X-Amz-Content-Sha256", hash)
		}
		payload := emptyHash
		if isHexHash(hash) {
			payload = hash // as the client hashes its canonical request
		}
		v4.NewSigner().SignHTTP(context.Background(), creds, r, payload, "s3", "us-east-1", testAt)
		return r
	}
	presigned := func(hdr ...string) *http.Request {
		r := httptest.NewRequest("PUT", "http://127.0.0.1:9000/bucket/key?X-Amz-Expires=60", nil)
		u, _, err := v4.NewSigner().PresignHTTP(context.Background(), creds, r, UnsignedPayload, "s3", "us-east-1", testAt)
		if err != nil {
			t.Fatal(err)
		}
		r = httptest.NewRequest("PUT", u, strings.NewReader("anything"))
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Set(hdr[i], hdr[i+1])
		}
		return r
	}
	for _, c := range []struct {
		name   string
		req    *http.Request
		secret string
		want   error
	}{
		{"signed, empty hash", headerSigned(emptyHash), "secret", nil},
		{"signed, upper-case hash", headerSigned(strings.ToUpper(emptyHash)), "secret", nil},
		{"no X-Amz-Content-Sha256", headerSigned(""), "secret", ErrNoContentSHA256},
		{"not a hash", headerSigned("e3b0c442"), "secret", ErrContentSHA256},
		{"SigV4a", headerSigned("STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"), "secret", ErrSigV4a},
		{"wrong secret", headerSigned(emptyHash), "nope", ErrSignature},
		{"presigned PUT", presigned(), "secret", nil},
		{"presigned PUT, wrong secret", presigned(), "nope", ErrSignature},
		{"presigned PUT, a hash declared besides", presigned("X-Amz-Content-Sha256", emptyHash), "secret", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := Parse(c.req)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Stream(c.req, c.secret, testAt); !errors.Is(err, c.want) || (c.want == nil) != (err == nil) {
				t.Errorf("Stream: %v, want %v", err, c.want)
			}
		})
	}
	r := headerSigned(emptyHash)
	s, _ := Parse(r)
	if err := s.Stream(r, "secret", testAt.Add(time.Hour)); !errors.Is(err, ErrExpired) {
		t.Errorf("an hour late: %v", err)
	}
}

// TestVerifyPolicy: AWS's example of a browser POST (sigv4-post-example).
func TestVerifyPolicy(t *testing.T) {
	const policy = "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9"
	const sig = "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e"
	scope := Scope{AccessKey: exampleKeyID, Date: "20151229", Region: "us-east-1", Service: "s3"}
	for _, c := range []struct {
		name, policy, sig, secret string
		scope                     Scope
		want                      error
	}{
		{"AWS's example", policy, sig, exampleSecret, scope, nil},
		{"upper-case hex", policy, strings.ToUpper(sig), exampleSecret, scope, nil},
		{"wrong secret", policy, sig, "nope", scope, ErrSignature},
		{"policy changed", "x" + policy, sig, exampleSecret, scope, ErrSignature},
		{"another day", policy, sig, exampleSecret, Scope{Date: "20151230", Region: "us-east-1", Service: "s3"}, ErrSignature},
		{"not hex", policy, "zz" + sig[2:], exampleSecret, scope, ErrMalformed},
		{"short", policy, sig[:62], exampleSecret, scope, ErrMalformed},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := VerifyPolicy(c.policy, c.sig, c.secret, c.scope); err != c.want {
				t.Errorf("VerifyPolicy: %v, want %v", err, c.want)
			}
		})
	}
	if got := hex.EncodeToString(SigningKey(exampleSecret, scope)); got != "cbcef1ebeaefc82cce6530b9f0a9ae598846065f5c5bae0674bd5ebc4ba52d28" {
		t.Errorf("SigningKey %s", got)
	}
}

// FuzzChunked: the decoder never panics and never returns more than the
// declared length, whatever the body; and it round-trips what the encoder
// writes, in every mode and chunking.
func FuzzChunked(f *testing.F) {
	f.Add([]byte("hello"), uint16(3), uint8(0), []byte("5\r\nhello\r\n0\r\n\r\n"))
	f.Add([]byte(""), uint16(1), uint8(1), []byte("0;chunk-signature=00\r\n\r\n"))
	f.Add(bytes.Repeat([]byte("ab"), 3000), uint16(1000), uint8(2), []byte("ffffffffffffffff\r\n"))
	modes := []string{StreamingUnsignedTrailer, StreamingPayload, StreamingPayloadTrailer}
	f.Fuzz(func(t *testing.T, data []byte, chunk uint16, mode uint8, raw []byte) {
		m := modes[int(mode)%len(modes)]
		names := ""
		var trailer [][2]string
		if m != StreamingPayload {
			names, trailer = "x-amz-checksum-crc32", [][2]string{{"x-amz-checksum-crc32", "AAAAAA=="}}
		}
		size := max(int(chunk)+1, len(data)/64) // at most 64 chunks: an exec stays fast
		r, e := streamed(t, m, int64(len(data)), names)
		got, err := decode(t, r, e.encode(data, size, trailer))
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("round trip: %d of %d bytes, %v", len(got), len(data), err)
		}
		r, _ = streamed(t, m, int64(len(data)), names)
		got, err = decode(t, r, raw)
		if len(got) > len(data) {
			t.Fatalf("%d bytes decoded, %d declared", len(got), len(data))
		}
		if err != nil && !errors.Is(err, ErrChunk) {
			t.Fatalf("error %v does not wrap ErrChunk", err)
		}
	})
}

// BenchmarkChunkedDecode decodes 16 MiB in 64 KiB chunks, signed and
// unsigned, as a handler copies a body to a file (io.Copy's 32 KiB
// buffer); BenchmarkCopyFloor copies the same encoded bytes the same way,
// the floor the decoder is measured against. A signed chunk costs its
// SHA-256 besides.
func BenchmarkChunkedDecode(b *testing.B) {
	for _, mode := range []string{StreamingPayload, StreamingUnsignedTrailer} {
		b.Run(mode, func(b *testing.B) {
			data := bytes.Repeat([]byte("0123456789abcdef"), 1<<20) // 16 MiB
			r, e := streamed(b, mode, int64(len(data)), "")
			body := e.encode(data, 64<<10, nil)
			b.SetBytes(int64(len(data)))
			b.ResetTimer()
			for b.Loop() {
				r.Header.Set("Content-Encoding", "aws-chunked,gzip")
				r.Body = io.NopCloser(bytes.NewReader(body))
				s, _ := Parse(r)
				if err := s.Stream(r, "secret", testAt); err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(plainWriter{io.Discard}, r.Body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkCopyFloor(b *testing.B) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 1<<20)
	_, e := streamed(b, StreamingPayload, int64(len(data)), "")
	body := e.encode(data, 64<<10, nil)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := io.Copy(plainWriter{io.Discard}, plainReader{bytes.NewReader(body)}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSHA256Floor hashes the 16 MiB: the cost a signed body adds.
func BenchmarkSHA256Floor(b *testing.B) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 1<<20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		sha256.Sum256(data)
	}
}

// plainReader and plainWriter hide WriterTo and ReaderFrom, so io.Copy
// goes through its buffer as it does from a request body to a file.
type (
	plainReader struct{ io.Reader }
	plainWriter struct{ io.Writer }
)

// TestStripChunkedCoding: aws-chunked leaves Content-Encoding; the object's
// own codings stay, in order.
func TestStripChunkedCoding(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want string
	}{
		{[]string{"aws-chunked"}, ""},
		{[]string{"aws-chunked,gzip"}, "gzip"},
		{[]string{"aws-chunked, gzip, br"}, "gzip,br"},
		{[]string{"AWS-Chunked"}, ""},
		{[]string{"gzip", "aws-chunked"}, "gzip"},
		{[]string{"gzip"}, "gzip"},
		{nil, ""},
	} {
		h := http.Header{"Content-Encoding": c.in}
		stripChunkedCoding(h)
		if got := h.Get("Content-Encoding"); got != c.want || (c.want == "" && len(h.Values("Content-Encoding")) != 0) {
			t.Errorf("%q: %q, want %q", c.in, got, c.want)
		}
	}
}

// TestTrailerNames: X-Amz-Trailer lists names, comma-separated, in one or
// more headers.
func TestTrailerNames(t *testing.T) {
	got := strings.Join(trailerNames([]string{"X-Amz-Checksum-CRC32, x-amz-checksum-sha256", " ,x-amz-meta-a"}), " ")
	if got != "x-amz-checksum-crc32 x-amz-checksum-sha256 x-amz-meta-a" {
		t.Errorf("%q", got)
	}
}
