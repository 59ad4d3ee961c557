package awsapi

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/verge-edge/verge/internal/s3"
)

func FuzzS3Notification(f *testing.F) {
	f.Add([]byte(`<NotificationConfiguration><QueueConfiguration><Queue>arn:aws:sqs:us-east-1:000000000000:q</Queue><Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>prefix</Name><Value>x</Value></FilterRule></S3Key></Filter></QueueConfiguration><EventBridgeConfiguration/></NotificationConfiguration>`))
	f.Add([]byte(`<NotificationConfiguration><LambdaFunctionConfiguration><Function>f</Function><Event>s3:ObjectRemoved:Delete</Event></LambdaFunctionConfiguration></NotificationConfiguration>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := parseNotification(b)
		if err != nil {
			return
		}
		// What is taken is written back and read again the same.
		var buf bytes.Buffer
		writeXML(&bufWriter{&buf}, notificationDocument(c))
		back, err := parseNotification(buf.Bytes())
		if err != nil || len(back.Configurations) != len(c.Configurations) {
			t.Fatalf("round trip of %q: %v %+v", b, err, back)
		}
	})
}

func FuzzS3Delete(f *testing.F) {
	f.Add([]byte(`<Delete><Quiet>true</Quiet><Object><Key>a</Key></Object></Delete>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		req, err := parseDelete(b)
		if err == nil && (len(req.Objects) == 0 || len(req.Objects) > s3MaxDeleteKeys) {
			t.Fatalf("took %d objects", len(req.Objects))
		}
	})
}

func FuzzS3Complete(f *testing.F) {
	f.Add([]byte(`<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"a"</ETag></Part></CompleteMultipartUpload>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		parts, err := parseComplete(b)
		for _, p := range parts {
			if err == nil && (p.Number < 1 || p.Number > s3MaxPartNumber) {
				t.Fatalf("took part %d", p.Number)
			}
		}
	})
}

func FuzzS3Policy(f *testing.F) {
	f.Add(`{"expiration":"2030-01-01T00:00:00Z","conditions":[{"bucket":"b"},["starts-with","$key",""],["content-length-range",0,10]]}`, "key", "x")
	f.Add(`{"expiration":"2030-01-01T00:00:00Z","conditions":[["eq","$a","b"]]}`, "a", "b")
	f.Fuzz(func(t *testing.T, doc, field, value string) {
		p, err := parsePolicy(base64.StdEncoding.EncodeToString([]byte(doc)))
		if err != nil {
			return
		}
		lo, hi, err := p.check(map[string]string{strings.ToLower(field): value}, "b")
		if err == nil && hi >= 0 && hi < lo {
			t.Fatalf("range %d-%d", lo, hi)
		}
	})
}

func FuzzS3Range(f *testing.F) {
	f.Add("bytes=0-4", int64(10))
	f.Add("bytes=-3", int64(10))
	f.Add("bytes=5-", int64(0))
	f.Fuzz(func(t *testing.T, h string, size int64) {
		if size < 0 {
			size = -size
		}
		first, last, ok, err := parseRange(h, size)
		if ok && (err != nil || first < 0 || first > last || last >= size) {
			t.Fatalf("parseRange(%q, %d) = %d-%d %v", h, size, first, last, err)
		}
	})
}

func FuzzS3CopySource(f *testing.F) {
	f.Add("/b/k%20x?versionId=null")
	f.Add("b/dir//k/")
	f.Fuzz(func(t *testing.T, h string) {
		b, k, err := parseCopySource(h)
		if err == nil && (b == "" || k == "" || strings.Contains(b, "/")) {
			t.Fatalf("parseCopySource(%q) = %q %q", h, b, k)
		}
		first, last, err := parseCopyRange(h, 100)
		if err == nil && (first < 0 || last < first || last >= 100) {
			t.Fatalf("parseCopyRange(%q) = %d-%d", h, first, last)
		}
	})
}

func FuzzS3PostForm(f *testing.F) {
	f.Add("--x\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nk\r\n--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhello\r\n--x--\r\n")
	f.Fuzz(func(t *testing.T, body string) {
		form, err := readPostForm(strings.NewReader(body), "multipart/form-data; boundary=x")
		if err != nil {
			return
		}
		if form.file == nil {
			t.Fatal("a form without its file taken")
		}
		io.Copy(io.Discard, form.file)
	})
}

// bufWriter is a bytes.Buffer as the http.ResponseWriter writeXML takes.
type bufWriter struct{ *bytes.Buffer }

func (bufWriter) Header() http.Header { return http.Header{} }
func (bufWriter) WriteHeader(int)     {}

func FuzzS3Target(f *testing.F) {
	f.Add("GET", "b.localhost:9", "/a//b%2Fc?tagging")
	f.Add("PUT", "127.0.0.1", "/bucket/key?partNumber=1&uploadId=x")
	f.Fuzz(func(t *testing.T, method, host, target string) {
		r, err := http.NewRequest(method, "http://localhost"+target, nil)
		if err != nil {
			return
		}
		r.Host = host
		a := &s3API{store: lazy[*s3.Store]{open: func(context.Context) (*s3.Store, error) { return nil, errors.New("no store") }}}
		tg := a.target(r)
		if strings.Contains(tg.Bucket, "/") {
			t.Fatalf("bucket %q", tg.Bucket)
		}
		if op, e := a.pick(r); (op == "") == (e == nil) {
			t.Fatalf("pick = %q, %v", op, e)
		}
	})
}

func FuzzS3Tagging(f *testing.F) {
	f.Add("a=1&b=2", []byte(`<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>`))
	f.Fuzz(func(t *testing.T, header string, doc []byte) {
		for _, parse := range []func() (map[string]string, error){
			func() (map[string]string, error) { return parseTagging(header) },
			func() (map[string]string, error) { return parseTagSet(doc) },
		} {
			if tags, err := parse(); err == nil && checkTags(tags) != nil {
				t.Fatalf("took tags S3 refuses: %v", tags)
			}
		}
	})
}
