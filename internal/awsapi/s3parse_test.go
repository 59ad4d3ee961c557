package awsapi

import (
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestS3Range(t *testing.T) {
	tests := []struct {
		h           string
		size        int64
		first, last int64
		ok          bool
		err         bool
	}{
		{"", 10, 0, 0, false, false},
		{"bytes=0-4", 10, 0, 4, true, false},
		{"bytes=5-", 10, 5, 9, true, false},
		{"bytes=5-100", 10, 5, 9, true, false},
		{"bytes=-3", 10, 7, 9, true, false},
		{"bytes=-30", 10, 0, 9, true, false},
		{"bytes=10-", 10, 0, 0, false, true},
		{"bytes=10-20", 10, 0, 0, false, true},
		{"bytes=-0", 10, 0, 0, false, true},
		{"bytes=0-", 0, 0, 0, false, true},
		{"bytes=4-2", 10, 0, 0, false, false}, // invalid syntax: ignored, as S3
		{"bytes=0-1,3-4", 10, 0, 0, false, false},
		{"items=0-1", 10, 0, 0, false, false},
		{"bytes=a-b", 10, 0, 0, false, false},
	}
	for _, tt := range tests {
		first, last, ok, err := parseRange(tt.h, tt.size)
		if first != tt.first || last != tt.last || ok != tt.ok || (err != nil) != tt.err {
			t.Errorf("parseRange(%q, %d) = %d %d %v %v", tt.h, tt.size, first, last, ok, err)
		}
		if err != nil && asError(err).Status != http.StatusRequestedRangeNotSatisfiable {
			t.Errorf("%q: %v is not a 416", tt.h, err)
		}
	}
}

func TestS3CopySource(t *testing.T) {
	tests := []struct {
		h, bucket, key string
		err            bool
	}{
		{"b/k", "b", "k", false},
		{"/b/k", "b", "k", false},
		{"b/a%20b%2Fc+d", "b", "a b/c+d", false},
		{"b/dir//x/", "b", "dir//x/", false},
		{"b/k?versionId=null", "b", "k", false},
		{"b/k?versionId=3", "", "", true},
		{"b", "", "", true},
		{"b/", "", "", true},
		{"/b/%zz", "", "", true},
	}
	for _, tt := range tests {
		b, k, err := parseCopySource(tt.h)
		if b != tt.bucket || k != tt.key || (err != nil) != tt.err {
			t.Errorf("parseCopySource(%q) = %q %q %v", tt.h, b, k, err)
		}
	}
}

func TestS3CopyRange(t *testing.T) {
	tests := []struct {
		h           string
		first, last int64
		err         bool
	}{
		{"bytes=0-9", 0, 9, false},
		{"bytes=3-3", 3, 3, false},
		{"bytes=0-10", 0, 0, true},
		{"bytes=5-", 0, 0, true},
		{"bytes=-5", 0, 0, true},
		{"0-5", 0, 0, true},
		{"bytes=6-5", 0, 0, true},
	}
	for _, tt := range tests {
		first, last, err := parseCopyRange(tt.h, 10)
		if first != tt.first || last != tt.last || (err != nil) != tt.err {
			t.Errorf("parseCopyRange(%q) = %d %d %v", tt.h, first, last, err)
		}
	}
}

// TestS3Conditions: S3's precedence: If-Match over If-Unmodified-Since,
// If-None-Match over If-Modified-Since; reads answer 304, copies 412.
func TestS3Conditions(t *testing.T) {
	mod := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	before, after := mod.Add(-time.Hour).Format(http.TimeFormat), mod.Add(time.Hour).Format(http.TimeFormat)
	etag := `"abc"`
	tests := []struct {
		c         s3Conditions
		read, cpy int // 0 for none
	}{
		{s3Conditions{}, 0, 0},
		{s3Conditions{IfMatch: `"abc"`}, 0, 0},
		{s3Conditions{IfMatch: `"x", "abc"`}, 0, 0},
		{s3Conditions{IfMatch: "*"}, 0, 0},
		{s3Conditions{IfMatch: `"x"`}, 412, 412},
		{s3Conditions{IfNoneMatch: `"abc"`}, 304, 412},
		{s3Conditions{IfNoneMatch: `"x"`}, 0, 0},
		{s3Conditions{IfModifiedSince: before}, 0, 0},
		{s3Conditions{IfModifiedSince: after}, 304, 412},
		{s3Conditions{IfModifiedSince: mod.Format(http.TimeFormat)}, 304, 412},
		{s3Conditions{IfUnmodified: before}, 412, 412},
		{s3Conditions{IfUnmodified: after}, 0, 0},
		{s3Conditions{IfMatch: `"abc"`, IfUnmodified: before}, 0, 0},     // If-Match decides
		{s3Conditions{IfNoneMatch: `"x"`, IfModifiedSince: after}, 0, 0}, // If-None-Match decides
		{s3Conditions{IfMatch: `"x"`, IfNoneMatch: `"abc"`}, 412, 412},   // 412 first
		{s3Conditions{IfModifiedSince: "not a date"}, 0, 0},              // ignored
	}
	status := func(err error) int {
		if err == nil {
			return 0
		}
		return asError(err).Status
	}
	for i, tt := range tests {
		if got := status(tt.c.check(etag, mod.Add(300*time.Millisecond), false)); got != tt.read {
			t.Errorf("%d %+v read: %d, want %d", i, tt.c, got, tt.read)
		}
		if got := status(tt.c.check(etag, mod, true)); got != tt.cpy {
			t.Errorf("%d %+v copy: %d, want %d", i, tt.c, got, tt.cpy)
		}
	}
}

func TestS3ContentEncoding(t *testing.T) {
	for in, want := range map[string]string{"": "", "aws-chunked": "", "aws-chunked,gzip": "gzip", "gzip, aws-chunked": "gzip", "br,gzip": "br,gzip"} {
		if got := withoutChunked(in); got != want {
			t.Errorf("withoutChunked(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestS3Tagging(t *testing.T) {
	tags, err := parseTagging("a=1&b=x%20y&c=")
	if err != nil || len(tags) != 3 || tags["b"] != "x y" || tags["c"] != "" {
		t.Errorf("parseTagging: %v %v", tags, err)
	}
	for _, bad := range []string{"a=1&a=2", "=v", strings.Repeat("k", 129) + "=v", "k=" + strings.Repeat("v", 257), "a=%zz",
		"1=&2=&3=&4=&5=&6=&7=&8=&9=&10=&11="} {
		if _, err := parseTagging(bad); err == nil {
			t.Errorf("parseTagging(%.20q) took it", bad)
		}
	}
	set, err := parseTagSet([]byte(`<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>`))
	if err != nil || set["k"] != "v" {
		t.Errorf("parseTagSet: %v %v", set, err)
	}
	if _, err := parseTagSet([]byte(`<Tagging><TagSet><Tag><Key>k</Key></Tag><Tag><Key>k</Key></Tag></TagSet></Tagging>`)); err == nil {
		t.Error("duplicate keys taken")
	}
}

func TestS3Complete(t *testing.T) {
	parts, err := parseComplete([]byte(`<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"a"</ETag><ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part><Part><PartNumber>2</PartNumber><ETag>b</ETag></Part></CompleteMultipartUpload>`))
	if err != nil || len(parts) != 2 || parts[0].ETag != `"a"` || parts[0].Checksums.CRC32 != "AAAAAA==" || parts[1].Number != 2 {
		t.Errorf("parseComplete: %+v %v", parts, err)
	}
	for _, bad := range []string{``, `<CompleteMultipartUpload/>`, `<CompleteMultipartUpload><Part><PartNumber>0</PartNumber></Part></CompleteMultipartUpload>`, `<x`} {
		if _, err := parseComplete([]byte(bad)); err == nil {
			t.Errorf("parseComplete(%q) took it", bad)
		}
	}
}

func TestS3Delete(t *testing.T) {
	req, err := parseDelete([]byte(`<Delete><Quiet>true</Quiet><Object><Key>a</Key></Object><Object><Key>b c</Key><VersionId>null</VersionId></Object></Delete>`))
	if err != nil || !req.Quiet || len(req.Objects) != 2 || req.Objects[1].Key != "b c" {
		t.Errorf("parseDelete: %+v %v", req, err)
	}
	many := "<Delete>" + strings.Repeat("<Object><Key>k</Key></Object>", 1001) + "</Delete>"
	for _, bad := range []string{``, `<Delete/>`, many} {
		if _, err := parseDelete([]byte(bad)); err == nil {
			t.Errorf("parseDelete(%.30q) took it", bad)
		}
	}
}

func TestS3Policy(t *testing.T) {
	enc := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	p, err := parsePolicy(enc(`{"expiration":"2030-01-01T00:00:00.000Z","conditions":[{"bucket":"b"},["starts-with","$key","up/"],["eq","$Content-Type","text/plain"],["content-length-range",1,10],{"x-amz-meta-a":"1"}]}`))
	if err != nil || len(p.Conditions) != 5 || !p.Expiration.Equal(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("parsePolicy: %+v %v", p, err)
	}
	fields := map[string]string{"key": "up/x", "content-type": "text/plain", "x-amz-meta-a": "1", "policy": "p", "x-amz-signature": "s", "x-ignore-me": "1"}
	lo, hi, err := p.check(fields, "b")
	if err != nil || lo != 1 || hi != 10 {
		t.Errorf("check: %d %d %v", lo, hi, err)
	}
	for name, change := range map[string][2]string{
		"key prefix": {"key", "down/x"}, "eq": {"content-type", "text/html"}, "exact": {"x-amz-meta-a", "2"}, "uncovered": {"x-amz-meta-b", "1"},
	} {
		f := map[string]string{}
		for k, v := range fields {
			f[k] = v
		}
		f[change[0]] = change[1]
		if _, _, err := p.check(f, "b"); err == nil || asError(err).Code != "AccessDenied" {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, _, err := p.check(fields, "other"); err == nil {
		t.Error("wrong bucket taken")
	}
	for _, bad := range []string{"!!", enc(`[]`), enc(`{"expiration":"soon"}`), enc(`{"expiration":"2030-01-01T00:00:00Z","conditions":[["in","$key","x"]]}`),
		enc(`{"expiration":"2030-01-01T00:00:00Z","conditions":[["content-length-range",5,1]]}`), enc(`{"expiration":"2030-01-01T00:00:00Z","conditions":[["eq","key","x"]]}`)} {
		if _, err := parsePolicy(bad); err == nil {
			t.Errorf("parsePolicy(%q) took it", bad)
		}
	}
}

// TestS3ChecksumHeaders: the algorithm a write declares, and the trailer's
// value arriving once the body is read.
func TestS3ChecksumHeaders(t *testing.T) {
	tests := []struct {
		headers map[string]string
		alg     string
		crc32   string
		err     bool
	}{
		{map[string]string{}, "", "", false},
		{map[string]string{"X-Amz-Sdk-Checksum-Algorithm": "sha256"}, "SHA256", "", false},
		{map[string]string{"X-Amz-Checksum-Crc32": "AAAAAA=="}, "CRC32", "AAAAAA==", false},
		{map[string]string{"X-Amz-Trailer": "x-amz-checksum-crc32"}, "CRC32", trailerPending, false},
		{map[string]string{"X-Amz-Checksum-Algorithm": "MD4"}, "", "", true},
		{map[string]string{"X-Amz-Sdk-Checksum-Algorithm": "SHA1", "X-Amz-Checksum-Crc32": "AAAAAA=="}, "", "", true},
	}
	for _, tt := range tests {
		h := http.Header{}
		for k, v := range tt.headers {
			h.Set(k, v)
		}
		alg, exp, err := checksumOf(h)
		if alg != tt.alg || (err != nil) != tt.err || (err == nil && exp.CRC32 != tt.crc32) {
			t.Errorf("%v: %q %+v %v", tt.headers, alg, exp, err)
		}
	}
	r := httptestRequest("x-amz-checksum-crc32")
	_, exp, _ := checksumOf(r.Header)
	body := trailerBody(r, exp)
	if b, err := io.ReadAll(body); err != nil || string(b) != "body" || exp.CRC32 != "trailer value" {
		t.Errorf("after the body: %q %v %+v", b, err, exp)
	}
}

// httptestRequest is a request whose trailer (announced as name) fills
// once its body is read, as the router's aws-chunked decoder does.
func httptestRequest(name string) *http.Request {
	r, _ := http.NewRequest("PUT", "http://localhost/b/k", nil)
	r.Header.Set("X-Amz-Trailer", name)
	r.Trailer = http.Header{}
	r.Body = io.NopCloser(&fillOnEOF{r: strings.NewReader("body"), fill: func() { r.Trailer.Set(name, "trailer value") }})
	return r
}

type fillOnEOF struct {
	r    io.Reader
	fill func()
}

func (f *fillOnEOF) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		f.fill()
	}
	return n, err
}
