package awsapi

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/verge-edge/verge/internal/identity"
	"github.com/verge-edge/verge/internal/sigv4"
	"go.uber.org/goleak"
)

// Echo headers: what the test service's PUT read of its body.
const (
	echoLength   = "X-Echo-Length"
	echoSHA256   = "X-Echo-Sha256"
	echoEncoding = "X-Echo-Content-Encoding"
	echoDeclared = "X-Echo-Content-Length"
	echoTrailer  = "X-Echo-Trailer-"
	echoCaller   = "X-Echo-Caller"
	echoPayload  = "X-Echo-Payload" // the X-Amz-Content-Sha256 it was sent under
)

// echoHandler reads the body whole, as an object store would into a
// temporary file, and answers with what it read: the byte count, the
// SHA-256, the trailer. An error reading is returned for the router to
// write, as a handler must.
func echoHandler(w http.ResponseWriter, r *http.Request) error {
	h := sha256.New()
	n, err := io.Copy(h, r.Body)
	if err != nil {
		return err
	}
	id, _ := identity.FromContext(r.Context())
	hdr := w.Header()
	hdr.Set(echoLength, strconv.FormatInt(n, 10))
	hdr.Set(echoSHA256, hex.EncodeToString(h.Sum(nil)))
	hdr.Set(echoEncoding, r.Header.Get("Content-Encoding"))
	hdr.Set(echoDeclared, strconv.FormatInt(r.ContentLength, 10))
	hdr.Set(echoCaller, id.String())
	hdr.Set(echoPayload, r.Header.Get("X-Amz-Content-Sha256"))
	for k := range r.Header {
		if strings.HasPrefix(k, "X-Amz-Checksum-") {
			hdr.Set("X-Echo-Header-"+k, r.Header.Get(k))
		}
	}
	for k, v := range r.Trailer {
		hdr.Set(echoTrailer+k, strings.Join(v, ","))
	}
	hdr.Set("ETag", `"echo"`)
	return nil
}

// Test POST policy form: an unsigned POST /?policy the service claims,
// whose credentials are the X-Test-* headers.
const (
	headerTestCredential = "X-Test-Credential"
	headerTestPolicy     = "X-Test-Policy"
	headerTestSignature  = "X-Test-Signature"
)

// policyAuth authenticates the test POST: a policy signed as S3's POST
// forms are, with the caller's secret.
func policyAuth(r *http.Request, ids *identity.Store, now time.Time) (identity.Identity, *Error) {
	scope, err := sigv4.ParseScope(r.Header.Get(headerTestCredential))
	if err != nil {
		return identity.Identity{}, ErrInvalidSignature.With(err.Error())
	}
	id, secret, _, err := ids.Lookup(scope.AccessKey)
	if err != nil {
		return id, ErrUnrecognizedClient.With(err.Error())
	}
	if err := sigv4.VerifyPolicy(r.Header.Get(headerTestPolicy), r.Header.Get(headerTestSignature), secret, scope); err != nil {
		return id, ErrInvalidSignature.With(err.Error())
	}
	return id, nil
}

// echoS3 is an S3-protocol service of two operations picked by method: a
// PUT that echoes its body, and the POST policy form.
func echoS3() *Service {
	s := &Service{Name: "s3", Protocol: S3XML, StreamBody: true, Ops: []Operation{
		{Name: "PutObject", Action: "s3:PutObject", Handle: echoHandler},
		{Name: "PostObject", Action: "s3:PutObject", Handle: echoHandler, Authenticate: policyAuth},
	}}
	s.Pick = func(r *http.Request) (*Operation, *Error) {
		switch {
		case r.Method == http.MethodPut:
			return &s.Ops[0], nil
		case r.Method == http.MethodPost && r.URL.Query().Has("policy"):
			return &s.Ops[1], nil
		case r.Method == http.MethodDelete:
			return nil, errS3InvalidRequest.With("picked: no DELETE here")
		}
		return nil, nil
	}
	s.Claim = func(r *http.Request) bool { return r.Method == http.MethodPost && r.URL.Query().Has("policy") }
	return s
}

// s3Endpoint serves echoS3 over TLS (the SDK sends aws-chunked bodies only
// there) or plain HTTP, at now (nil for the clock).
func s3Endpoint(t *testing.T, tls bool, now func() time.Time) *httptest.Server {
	t.Helper()
	fallback := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	rt := New(Options{Identities: testIdentities, Fallback: fallback, Now: now}, echoS3())
	srv := httptest.NewUnstartedServer(rt)
	if tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv
}

// s3Client is an S3 client of srv with the settings config.LoadDefaultConfig
// gives (checksums when supported), path-style.
func s3Client(srv *httptest.Server, c identity.Credentials, opts ...func(*s3.Options)) *s3.Client {
	return s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), UsePathStyle: true,
		Credentials:                credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenSupported,
		HTTPClient:                 srv.Client(), RetryMaxAttempts: 1}, opts...)
}

// echoed is what the service read of a body.
type echoed struct {
	length, declared, sha256, encoding, caller, payload string
	trailer, header                                     map[string]string
}

func readEcho(h http.Header) echoed {
	e := echoed{length: h.Get(echoLength), declared: h.Get(echoDeclared), sha256: h.Get(echoSHA256),
		encoding: h.Get(echoEncoding), caller: h.Get(echoCaller), payload: h.Get(echoPayload), trailer: map[string]string{}, header: map[string]string{}}
	for k, v := range h {
		if name, ok := strings.CutPrefix(k, echoTrailer); ok {
			e.trailer[name] = v[0]
		}
		if name, ok := strings.CutPrefix(k, "X-Echo-Header-"); ok {
			e.header[name] = v[0]
		}
	}
	return e
}

func (e echoed) String() string {
	names := make([]string, 0, len(e.trailer))
	for k, v := range e.trailer {
		names = append(names, k+"="+v)
	}
	sort.Strings(names)
	return fmt.Sprintf("%s bytes (ContentLength %s) sha256 %s under %s, Content-Encoding %q, by %s, trailer %v, checksum headers %v",
		e.length, e.declared, e.sha256, e.payload, e.encoding, e.caller, names, e.header)
}

// noLeaks checks, once t and its cleanups (servers closing) are done,
// that t left no goroutine behind.
func noLeaks(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
}

// unseekable hides a reader's Seek, as a pipe or a socket would.
type unseekable struct{ io.Reader }

// TestS3StreamSDK: the AWS SDK's S3 client puts objects in each way it
// signs a body (a hex hash over HTTP, aws-chunked with a trailing checksum
// over TLS, UNSIGNED-PAYLOAD, presigned), and the handler reads exactly
// the payload, with the trailer the SDK sent, past sigv4.MaxBody.
func TestS3StreamSDK(t *testing.T) {
	noLeaks(t)
	plain, tls := s3Endpoint(t, false, nil), s3Endpoint(t, true, nil)
	ctx := context.Background()
	admin, fn := testIdentities.Admin(), testIdentities.Function("echo")
	small := bytes.Repeat([]byte("verge "), 50000) // 300000 bytes
	large := bytes.Repeat([]byte("0123456789abcdef"), (sigv4.MaxBody+4096)/16)
	whenRequired := func(o *s3.Options) { o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired }

	for _, c := range []struct {
		name     string
		srv      *httptest.Server
		creds    identity.Credentials
		body     func([]byte) io.Reader
		payload  []byte
		length   bool // set ContentLength
		algo     s3types.ChecksumAlgorithm
		opts     []func(*s3.Options)
		declared string // the ContentLength the handler sees
		trailer  string // the checksum trailer the handler sees, "" for none
		mode     string // the X-Amz-Content-Sha256 sent, "hex" for a hash
	}{
		{"HTTP, default", plain, admin, nil, small, false, "", nil, "300000", "", "hex"},
		{"HTTP, CRC32", plain, fn, nil, small, false, s3types.ChecksumAlgorithmCrc32, nil, "300000", "", "hex"},
		{"HTTP, past MaxBody", plain, admin, nil, large, false, "", nil, strconv.Itoa(len(large)), "", "hex"},
		{"HTTP, when required", plain, admin, nil, small, false, "", []func(*s3.Options){whenRequired}, "300000", "", "hex"},
		{"TLS, default", tls, admin, nil, small, false, "", nil, "300000", "X-Amz-Checksum-Crc32", sigv4.StreamingUnsignedTrailer},
		{"TLS, SHA256", tls, fn, nil, small, false, s3types.ChecksumAlgorithmSha256, nil, "300000", "X-Amz-Checksum-Sha256", sigv4.StreamingUnsignedTrailer},
		{"TLS, CRC32C, past MaxBody", tls, admin, nil, large, false, s3types.ChecksumAlgorithmCrc32c, nil, strconv.Itoa(len(large)), "X-Amz-Checksum-Crc32c", sigv4.StreamingUnsignedTrailer},
		{"TLS, when required", tls, admin, nil, small, false, "", []func(*s3.Options){whenRequired}, "300000", "", sigv4.UnsignedPayload},
		{"TLS, unseekable, length known", tls, admin, func(b []byte) io.Reader { return unseekable{bytes.NewReader(b)} }, small, true, "", nil, "300000", "X-Amz-Checksum-Crc32", sigv4.StreamingUnsignedTrailer},
		{"TLS, unseekable, length unknown", tls, admin, func(b []byte) io.Reader { return unseekable{bytes.NewReader(b)} }, small, false, "", nil, "-1", "X-Amz-Checksum-Crc32", sigv4.StreamingUnsignedTrailer},
		{"HTTP, empty", plain, admin, nil, []byte{}, false, "", nil, "0", "", "hex"},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := &s3.PutObjectInput{Bucket: aws.String("bucket"), Key: aws.String("dir/key.txt"), Body: bytes.NewReader(c.payload), ChecksumAlgorithm: c.algo}
			if c.body != nil {
				in.Body = c.body(c.payload)
			}
			if c.length {
				in.ContentLength = aws.Int64(int64(len(c.payload)))
			}
			out, err := s3Client(c.srv, c.creds, c.opts...).PutObject(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			got := readEcho(awsmiddleware.GetRawResponse(out.ResultMetadata).(*smithyhttp.Response).Header)
			sum := sha256.Sum256(c.payload)
			who := "admin"
			if c.creds != admin {
				who = identity.Identity{Function: "echo"}.String()
			}
			if got.length != strconv.Itoa(len(c.payload)) || got.sha256 != hex.EncodeToString(sum[:]) || got.declared != c.declared ||
				strings.Contains(got.encoding, "aws-chunked") || got.caller != who || (got.payload != c.mode && !(c.mode == "hex" && len(got.payload) == 64)) {
				t.Errorf("read %v", got)
			}
			if c.trailer == "" && len(got.trailer) != 0 || c.trailer != "" && (len(got.trailer) != 1 || got.trailer[c.trailer] == "") {
				t.Errorf("trailer %v, want %s; %v", got.trailer, c.trailer, got)
			}
		})
	}

	t.Run("presigned PUT", func(t *testing.T) {
		req, err := s3.NewPresignClient(s3Client(plain, fn)).PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bucket"), Key: aws.String("up.bin")})
		if err != nil {
			t.Fatal(err)
		}
		put := func(u string) *http.Response {
			r, _ := http.NewRequest(req.Method, u, bytes.NewReader(small))
			resp, err := plain.Client().Do(r)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return resp
		}
		resp := put(req.URL)
		if got := readEcho(resp.Header); resp.StatusCode != 200 || got.length != "300000" || got.declared != "300000" {
			t.Errorf("%d: %v", resp.StatusCode, got)
		}
		if resp := put(strings.Replace(req.URL, "up.bin", "down.bin", 1)); resp.StatusCode != 403 {
			t.Errorf("changed key: %d", resp.StatusCode)
		}
	})
}

// TestS3NoAuth: a router that authenticates nothing (benchmarks) still
// decodes the aws-chunked bodies the SDK sends over TLS.
func TestS3NoAuth(t *testing.T) {
	noLeaks(t)
	srv := httptest.NewUnstartedServer(New(Options{NoAuth: true}, echoS3()))
	srv.StartTLS()
	t.Cleanup(srv.Close)
	payload := bytes.Repeat([]byte("no auth "), 10000)
	out, err := s3Client(srv, identity.Credentials{AccessKeyID: "AKID", SecretAccessKey: "anything"}).PutObject(context.Background(),
		&s3.PutObjectInput{Bucket: aws.String("bucket"), Key: aws.String("key"), Body: bytes.NewReader(payload)})
	if err != nil {
		t.Fatal(err)
	}
	got := readEcho(awsmiddleware.GetRawResponse(out.ResultMetadata).(*smithyhttp.Response).Header)
	sum := sha256.Sum256(payload)
	if got.length != "80000" || got.sha256 != hex.EncodeToString(sum[:]) || got.payload != sigv4.StreamingUnsignedTrailer || got.trailer["X-Amz-Checksum-Crc32"] == "" {
		t.Errorf("read %v", got)
	}
}

// AWS's chunked-upload example (sigv4-streaming): its request, signed at
// 2013-05-24T00:00:00Z for s3.amazonaws.com with the example credentials.
var (
	exampleAt   = time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)
	exampleSigs = []string{
		"ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
		"0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
		"b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
	}
)

func exampleBody(sigs []string) []byte {
	a := strings.Repeat("a", 65536)
	return []byte("10000;chunk-signature=" + sigs[0] + "\r\n" + a + "\r\n" +
		"400;chunk-signature=" + sigs[1] + "\r\n" + a[:1024] + "\r\n" +
		"0;chunk-signature=" + sigs[2] + "\r\n\r\n")
}

// exampleRequest sends body as AWS's example does, to srv, declaring
// decoded bytes.
func exampleRequest(srv *httptest.Server, body []byte, decoded string) *http.Request {
	r, _ := http.NewRequest("PUT", srv.URL+"/examplebucket/chunkObject.txt", bytes.NewReader(body))
	r.Host = "s3.amazonaws.com"
	r.Header.Set("X-Amz-Date", "20130524T000000Z")
	r.Header.Set("X-Amz-Storage-Class", "REDUCED_REDUNDANCY")
	r.Header.Set("X-Amz-Content-Sha256", sigv4.StreamingPayload)
	r.Header.Set("Content-Encoding", "aws-chunked")
	r.Header.Set("X-Amz-Decoded-Content-Length", decoded)
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"+
		"SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,"+
		"Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9")
	return r
}

// TestS3StreamExample: AWS's signed chunked upload through the router (any
// key id but a function's is the admin's, whose secret is the example's
// here), and the same tampered:
// the handler's read fails and the router answers as S3 does.
func TestS3StreamExample(t *testing.T) {
	noLeaks(t)
	ids := identity.New([]byte("0123456789abcdef0123456789abcdef"), "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
	rt := New(Options{Identities: ids, Now: func() time.Time { return exampleAt.Add(time.Minute) }}, echoS3())
	srv := httptest.NewServer(rt)
	t.Cleanup(srv.Close)
	tampered := exampleBody(exampleSigs)
	tampered[66000] = 'b' // in the second chunk
	for _, c := range []struct {
		name    string
		req     *http.Request
		status  int
		want    string // in the body, or the echoed length
		decoded bool
	}{
		{"AWS's example", exampleRequest(srv, exampleBody(exampleSigs), "66560"), 200, "66560", true},
		{"second chunk tampered", exampleRequest(srv, tampered, "66560"), 403, "<Code>SignatureDoesNotMatch</Code>", false},
		{"chunk signature wrong", exampleRequest(srv, exampleBody([]string{exampleSigs[1], exampleSigs[1], exampleSigs[2]}), "66560"), 403, "<Code>SignatureDoesNotMatch</Code>", false},
		{"seed signature wrong", exampleRequest(srv, exampleBody(exampleSigs), "66561"), 403, "<Code>SignatureDoesNotMatch</Code>", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, err := srv.Client().Do(c.req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			got := string(b) + resp.Header.Get(echoLength)
			if resp.StatusCode != c.status || !strings.Contains(got, c.want) {
				t.Errorf("%d %s", resp.StatusCode, got)
			}
			if sum := sha256.Sum256(bytes.Repeat([]byte("a"), 66560)); c.decoded && resp.Header.Get(echoSHA256) != hex.EncodeToString(sum[:]) {
				t.Errorf("decoded sha256 %s", resp.Header.Get(echoSHA256))
			}
		})
	}
}

// TestS3Hooks: Pick's errors, Claim's unsigned requests with their own
// Authenticate, S3's refusal of a header-signed request without
// X-Amz-Content-Sha256, and a body that does not match its hash.
func TestS3Hooks(t *testing.T) {
	noLeaks(t)
	srv := s3Endpoint(t, false, nil)
	admin := testIdentities.Admin()
	now := time.Now().UTC()
	scope := sigv4.Scope{AccessKey: admin.AccessKeyID, Date: now.Format("20060102"), Region: "us-east-1", Service: "s3"}
	credential := admin.AccessKeyID + "/" + scope.Date + "/us-east-1/s3/aws4_request"
	const policy = "eyJjb25kaXRpb25zIjpbXX0="
	mac := func(secret string) string {
		return hex.EncodeToString(hmacSHA256(sigv4.SigningKey(secret, scope), policy))
	}
	post := func(sig string) *http.Request {
		r, _ := http.NewRequest("POST", srv.URL+"/bucket?policy", strings.NewReader("form"))
		r.Header.Set(headerTestCredential, credential)
		r.Header.Set(headerTestPolicy, policy)
		r.Header.Set(headerTestSignature, sig)
		return r
	}
	signed := func(method, path, body string, hash string) *http.Request {
		r, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if hash != "" {
			r.Header.Set("X-Amz-Content-Sha256", hash)
		}
		sign(t, r, admin, "s3", body)
		return r
	}
	sum := sha256.Sum256([]byte("hello"))
	hello := hex.EncodeToString(sum[:])
	tampered := signed("PUT", "/bucket/key", "hello", hello)
	tampered.Body = io.NopCloser(strings.NewReader("jello"))

	for _, c := range []struct {
		name   string
		req    *http.Request
		status int
		want   string
	}{
		{"POST policy, claimed", post(mac(testToken)), 200, "admin"},
		{"POST policy, wrong secret", post(mac("nope")), 403, "<Code>SignatureDoesNotMatch</Code>"},
		{"unsigned, not claimed", func() *http.Request { r, _ := http.NewRequest("POST", srv.URL+"/bucket", nil); return r }(), 418, ""},
		{"bearer, not claimed", func() *http.Request {
			r := post(mac(testToken))
			r.Header.Set("Authorization", "Bearer "+testToken)
			return r
		}(), 418, ""},
		{"Pick's error", signed("DELETE", "/bucket/key", "", emptySHA256), 400, "<Code>InvalidRequest</Code><Message>picked: no DELETE here"},
		{"Pick finds none", signed("GET", "/bucket/key", "", emptySHA256), 400, "<Code>NotImplemented</Code>"},
		{"no X-Amz-Content-Sha256", signed("PUT", "/bucket/key", "hello", ""), 400, "<Code>InvalidRequest</Code><Message>Missing required header for this request: x-amz-content-sha256"},
		{"X-Amz-Content-Sha256 not a hash", signed("PUT", "/bucket/key", "hello", "nope"), 400, "<Code>InvalidArgument</Code>"},
		{"signed body", signed("PUT", "/bucket/key", "hello", hello), 200, "admin"},
		{"tampered body", tampered, 400, "<Code>XAmzContentSHA256Mismatch</Code>"},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, err := srv.Client().Do(c.req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			got := string(b) + resp.Header.Get(echoCaller)
			if resp.StatusCode != c.status || !strings.Contains(got, c.want) {
				t.Errorf("%d %s", resp.StatusCode, got)
			}
		})
	}
}

const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

func hmacSHA256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}
