package awsapi

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/verge-edge/verge/internal/s3"
	s3event "github.com/verge-edge/verge/internal/triggers/s3"
	"go.uber.org/goleak"
)

// s3Env is an endpoint serving S3 on a real bucket store in a temporary
// folder, over TLS (so the SDK sends its checksums in aws-chunked
// trailers, as it does against AWS), with a clock tests may move.
type s3Env struct {
	srv    *httptest.Server
	store  *s3.Store
	tr     *http.Transport
	skew   atomic.Int64 // added to the server's clock
	events chan s3event.Event
}

func newS3Env(t *testing.T, tlsOn bool) *s3Env { return newS3EnvAuth(t, tlsOn, nil) }

// newS3EnvAuth is newS3Env with an Authorizer (nil: AllowAll).
func newS3EnvAuth(t *testing.T, tlsOn bool, auth Authorizer) *s3Env {
	t.Helper()
	leaks := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, leaks) })
	e := &s3Env{events: make(chan s3event.Event, 1000)}
	st, err := s3.Open(s3.Options{Dir: t.TempDir(), Notify: func(_ context.Context, ev s3event.Event) error {
		e.events <- ev
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	e.store = st
	h := New(Options{Identities: testIdentities, Authorizer: auth, Now: func() time.Time { return time.Now().Add(time.Duration(e.skew.Load())) }}, S3(Fixed(st)))
	if tlsOn {
		e.srv = httptest.NewTLSServer(h)
	} else {
		e.srv = httptest.NewServer(h)
	}
	// *.localhost and *.verge.test dial the server, whatever the resolver
	// says of them.
	e.tr = &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, port, _ := net.SplitHostPort(addr)
			if host == "localhost" || strings.HasSuffix(host, ".localhost") || strings.HasSuffix(host, ".verge.test") {
				addr = "127.0.0.1:" + port
			}
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}
	t.Cleanup(func() {
		e.tr.CloseIdleConnections()
		e.srv.Close()
		st.Close()
	})
	return e
}

// url is the endpoint as http(s)://localhost:PORT.
func (e *s3Env) url() string { return strings.Replace(e.srv.URL, "127.0.0.1", "localhost", 1) }

// client is an SDK client, path-style or virtual-host, with secret.
func (e *s3Env) client(pathStyle bool, secret string) *awss3.Client {
	return awss3.New(awss3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(e.url()),
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", secret, ""),
		HTTPClient:   &http.Client{Transport: e.tr},
		UsePathStyle: pathStyle,
		// What config.LoadDefaultConfig sets: CRC32 on every upload.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenSupported,
	})
}

// status is the HTTP status of an SDK error, 0 for none.
func status(err error) int {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// mustS3 returns v once the test has failed on err: mustS3(c.Op(…))(t).
func mustS3[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func read(t *testing.T, out *awss3.GetObjectOutput, err error) string {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestS3Buckets: the bucket operations and their errors.
func TestS3Buckets(t *testing.T) {
	e := newS3Env(t, true)
	c := e.client(true, testToken)
	ctx := context.Background()
	mustS3(c.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String("photos")}))(t)
	// us-east-1's answer to creating a bucket one owns: 200.
	_, err := c.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String("photos")})
	if err != nil {
		t.Errorf("second CreateBucket: %v", err)
	}
	_, err = c.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String("photos2"),
		CreateBucketConfiguration: &types.CreateBucketConfiguration{LocationConstraint: types.BucketLocationConstraintEuWest1}})
	if errorCode(err) != "IllegalLocationConstraintException" {
		t.Errorf("eu-west-1 bucket: %v", err)
	}
	_, err = c.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String("Bad_Name")})
	if errorCode(err) != "InvalidBucketName" {
		t.Errorf("bad name: %v", err)
	}
	lb := mustS3(c.ListBuckets(ctx, &awss3.ListBucketsInput{}))(t)
	if len(lb.Buckets) != 1 || aws.ToString(lb.Buckets[0].Name) != "photos" || lb.Buckets[0].CreationDate == nil || aws.ToString(lb.Owner.ID) != s3OwnerID {
		t.Errorf("ListBuckets: %+v", lb)
	}
	for _, b := range []string{"pages-a", "pages-b", "pages-c"} {
		mustS3(c.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String(b)}))(t)
	}
	var names []string
	p := awss3.NewListBucketsPaginator(c, &awss3.ListBucketsInput{Prefix: aws.String("pages-"), MaxBuckets: aws.Int32(2)})
	for pages := 0; p.HasMorePages(); pages++ {
		page := mustS3(p.NextPage(ctx))(t)
		for _, b := range page.Buckets {
			names = append(names, aws.ToString(b.Name))
		}
		if pages > 2 {
			t.Fatal("ListBuckets does not end")
		}
	}
	if strings.Join(names, ",") != "pages-a,pages-b,pages-c" {
		t.Errorf("ListBuckets pages: %v", names)
	}
	hb := mustS3(c.HeadBucket(ctx, &awss3.HeadBucketInput{Bucket: aws.String("photos")}))(t)
	if aws.ToString(hb.BucketRegion) != "us-east-1" {
		t.Errorf("HeadBucket region %q", aws.ToString(hb.BucketRegion))
	}
	_, err = c.HeadBucket(ctx, &awss3.HeadBucketInput{Bucket: aws.String("none")})
	var nf *types.NotFound
	if !errors.As(err, &nf) || status(err) != 404 {
		t.Errorf("HeadBucket none: %v", err)
	}
	loc := mustS3(c.GetBucketLocation(ctx, &awss3.GetBucketLocationInput{Bucket: aws.String("photos")}))(t)
	if loc.LocationConstraint != "" {
		t.Errorf("LocationConstraint %q", loc.LocationConstraint)
	}
	mustS3(c.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("photos"), Key: aws.String("a"), Body: strings.NewReader("x")}))(t)
	_, err = c.DeleteBucket(ctx, &awss3.DeleteBucketInput{Bucket: aws.String("photos")})
	if errorCode(err) != "BucketNotEmpty" || status(err) != 409 {
		t.Errorf("DeleteBucket full: %v", err)
	}
	mustS3(c.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String("photos"), Key: aws.String("a")}))(t)
	mustS3(c.DeleteBucket(ctx, &awss3.DeleteBucketInput{Bucket: aws.String("photos")}))(t)
	_, err = c.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: aws.String("photos")})
	var nsb *types.NoSuchBucket
	if !errors.As(err, &nsb) {
		t.Errorf("ListObjectsV2 of a deleted bucket: %v", err)
	}
	// What Verge does not serve is NotImplemented, named.
	_, err = c.GetBucketVersioning(ctx, &awss3.GetBucketVersioningInput{Bucket: aws.String("photos")})
	if errorCode(err) != "NotImplemented" || !strings.Contains(err.Error(), "BucketVersioning") {
		t.Errorf("GetBucketVersioning: %v", err)
	}
}

// TestS3Objects: writes and reads, path-style and virtual-host, with
// metadata, tags, checksums (the SDK's default CRC32 in a trailer, and
// SHA256), ranges and conditions.
func TestS3Objects(t *testing.T) {
	e := newS3Env(t, true)
	ctx := context.Background()
	for _, pathStyle := range []bool{true, false} {
		name := map[bool]string{true: "path-style", false: "virtual-host"}[pathStyle]
		t.Run(name, func(t *testing.T) {
			c := e.client(pathStyle, testToken)
			bucket := aws.String(strings.ToLower(strings.ReplaceAll(name, "-", "")))
			mustS3(c.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: bucket}))(t)
			for _, key := range []string{"hello.txt", "dir//x/", "a b+c%2Fd", "ünï/cödé?.txt"} {
				put := mustS3(c.PutObject(ctx, &awss3.PutObjectInput{Bucket: bucket, Key: aws.String(key), Body: strings.NewReader("hello, world"),
					ContentType: aws.String("text/plain"), Metadata: map[string]string{"Owner": "me"}, Tagging: aws.String("a=1&b=two%20words"),
					CacheControl: aws.String("max-age=60")}))(t)
				if aws.ToString(put.ETag) != `"e4d7f1b4ed2e42d15898f4b27b019da4"` || aws.ToString(put.ChecksumCRC32) == "" {
					t.Errorf("%q: PutObject ETag %s CRC32 %s", key, aws.ToString(put.ETag), aws.ToString(put.ChecksumCRC32))
				}
				out, err := c.GetObject(ctx, &awss3.GetObjectInput{Bucket: bucket, Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled})
				if body := read(t, out, err); body != "hello, world" || aws.ToString(out.ContentType) != "text/plain" || out.Metadata["owner"] != "me" ||
					aws.ToInt32(out.TagCount) != 2 || aws.ToString(out.CacheControl) != "max-age=60" || aws.ToString(out.ChecksumCRC32) != aws.ToString(put.ChecksumCRC32) ||
					aws.ToInt64(out.ContentLength) != 12 || aws.ToString(out.AcceptRanges) != "bytes" {
					t.Errorf("%q: GetObject %q %+v", key, body, out)
				}
			}
			ls := mustS3(c.ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: bucket}))(t)
			if aws.ToInt32(ls.KeyCount) != 4 {
				t.Errorf("listing: %+v", ls)
			}
		})
	}
	c := e.client(true, testToken)
	b := aws.String("objects")
	mustS3(c.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: b}))(t)

	// SHA256, computed by the SDK; a wrong Content-MD5.
	put := mustS3(c.PutObject(ctx, &awss3.PutObjectInput{Bucket: b, Key: aws.String("s"), Body: strings.NewReader("0123456789"), ChecksumAlgorithm: types.ChecksumAlgorithmSha256}))(t)
	if aws.ToString(put.ChecksumSHA256) != "hNiYd/DUBB77a/kaFvAkjy/Vc+avBcGflr7bn4gveII=" {
		t.Errorf("SHA256 %s", aws.ToString(put.ChecksumSHA256))
	}
	wrong := md5.Sum([]byte("other"))
	_, err := c.PutObject(ctx, &awss3.PutObjectInput{Bucket: b, Key: aws.String("bad"), Body: strings.NewReader("0123456789"),
		ContentMD5: aws.String(base64.StdEncoding.EncodeToString(wrong[:]))})
	if errorCode(err) != "BadDigest" {
		t.Errorf("wrong Content-MD5: %v", err)
	}
	_, err = c.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: b, Key: aws.String("bad")})
	var nf *types.NotFound
	if !errors.As(err, &nf) {
		t.Errorf("the refused object exists: %v", err)
	}
	_, err = c.PutObject(ctx, &awss3.PutObjectInput{Bucket: b, Key: aws.String(strings.Repeat("k", 1025)), Body: strings.NewReader("x")})
	if errorCode(err) != "KeyTooLongError" {
		t.Errorf("key too long: %v", err)
	}
	_, err = c.PutObject(ctx, &awss3.PutObjectInput{Bucket: b, Key: aws.String("s"), Body: strings.NewReader("x"), IfNoneMatch: aws.String("*")})
	if errorCode(err) != "PreconditionFailed" {
		t.Errorf("If-None-Match * on an object: %v", err)
	}

	// Ranges.
	out, err := c.GetObject(ctx, &awss3.GetObjectInput{Bucket: b, Key: aws.String("s"), Range: aws.String("bytes=2-4")})
	if body := read(t, out, err); body != "234" || aws.ToString(out.ContentRange) != "bytes 2-4/10" {
		t.Errorf("range: %q %s", body, aws.ToString(out.ContentRange))
	}
	out, err = c.GetObject(ctx, &awss3.GetObjectInput{Bucket: b, Key: aws.String("s"), Range: aws.String("bytes=-3")})
	if body := read(t, out, err); body != "789" {
		t.Errorf("suffix range: %q", body)
	}
	_, err = c.GetObject(ctx, &awss3.GetObjectInput{Bucket: b, Key: aws.String("s"), Range: aws.String("bytes=10-")})
	if errorCode(err) != "InvalidRange" || status(err) != 416 {
		t.Errorf("unsatisfiable range: %v", err)
	}

	// Conditions.
	etag := aws.ToString(put.ETag)
	_, err = c.GetObject(ctx, &awss3.GetObjectInput{Bucket: b, Key: aws.String("s"), IfNoneMatch: aws.String(etag)})
	if status(err) != 304 {
		t.Errorf("If-None-Match: %v", err)
	}
	_, err = c.GetObject(ctx, &awss3.GetObjectInput{Bucket: b, Key: aws.String("s"), IfMatch: aws.String(`"nope"`)})
	if errorCode(err) != "PreconditionFailed" || status(err) != 412 {
		t.Errorf("If-Match: %v", err)
	}
	_, err = c.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: b, Key: aws.String("s"), IfModifiedSince: aws.Time(time.Now().Add(time.Hour))})
	if status(err) != 304 {
		t.Errorf("If-Modified-Since: %v", err)
	}
	out, err = c.GetObject(ctx, &awss3.GetObjectInput{Bucket: b, Key: aws.String("s"), IfMatch: aws.String(etag), IfUnmodifiedSince: aws.Time(time.Now().Add(-time.Hour)),
		ResponseContentType: aws.String("application/x-test"), ResponseContentDisposition: aws.String("attachment")})
	if body := read(t, out, err); body != "0123456789" || aws.ToString(out.ContentType) != "application/x-test" || aws.ToString(out.ContentDisposition) != "attachment" {
		t.Errorf("If-Match over If-Unmodified-Since, overrides: %q %+v", body, out)
	}

	// Errors the SDK types.
	_, err = c.GetObject(ctx, &awss3.GetObjectInput{Bucket: b, Key: aws.String("missing")})
	var nsk *types.NoSuchKey
	if !errors.As(err, &nsk) {
		t.Errorf("missing key: %v", err)
	}
	_, err = c.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("nobucket"), Key: aws.String("k")})
	if errorCode(err) != "NoSuchBucket" || status(err) != 404 { // GetObject's model has no NoSuchBucket type
		t.Errorf("missing bucket: %v", err)
	}
	// Deleting what is not there is 204 all the same.
	mustS3(c.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: b, Key: aws.String("missing")}))(t)

	// A wrong secret.
	_, err = e.client(true, "wrong").ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: b})
	if errorCode(err) != "SignatureDoesNotMatch" || status(err) != 403 {
		t.Errorf("wrong secret: %v", err)
	}
}

// TestS3PlainHTTP: over plain HTTP the SDK signs the payload's hash and
// sends its checksum as a header.
func TestS3PlainHTTP(t *testing.T) {
	e := newS3Env(t, false)
	c := e.client(true, testToken)
	ctx := context.Background()
	b := aws.String("plain")
	mustS3(c.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: b}))(t)
	put := mustS3(c.PutObject(ctx, &awss3.PutObjectInput{Bucket: b, Key: aws.String("k"), Body: bytes.NewReader([]byte("data"))}))(t)
	out, err := c.GetObject(ctx, &awss3.GetObjectInput{Bucket: b, Key: aws.String("k"), ChecksumMode: types.ChecksumModeEnabled})
	if body := read(t, out, err); body != "data" || aws.ToString(out.ChecksumCRC32) != aws.ToString(put.ChecksumCRC32) {
		t.Errorf("GetObject %q %s %s", body, aws.ToString(out.ChecksumCRC32), aws.ToString(put.ChecksumCRC32))
	}
}

// TestS3VirtualHostOtherName: a host name that is not localhost's is
// virtual-host when its first label is a bucket, else path-style.
func TestS3VirtualHostOtherName(t *testing.T) {
	e := newS3Env(t, false)
	ctx := context.Background()
	mustS3(e.client(true, testToken).CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String("known")}))(t)
	_, port, _ := net.SplitHostPort(e.srv.Listener.Addr().String())
	other := awss3.New(awss3.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://verge.test:" + port), HTTPClient: &http.Client{Transport: e.tr},
		Credentials: credentials.NewStaticCredentialsProvider("AKID", testToken, "")})
	mustS3(other.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("known"), Key: aws.String("k"), Body: strings.NewReader("v")}))(t)
	out, err := e.client(true, testToken).GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("known"), Key: aws.String("k")})
	if body := read(t, out, err); body != "v" {
		t.Errorf("through known.verge.test: %q", body)
	}
	// A bucket not made yet cannot be named by such a host: the request
	// is path-style, PUT / (docs/aws-api.md).
	_, err = other.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: aws.String("unknown")})
	if errorCode(err) != "MethodNotAllowed" {
		t.Errorf("CreateBucket through unknown.verge.test: %v", err)
	}
}
