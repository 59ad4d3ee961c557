package awsapi

import (
	"bufio"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/verge-edge/verge/internal/golden"
	"golang.org/x/tools/txtar"
)

// s3Volatile are the parts of S3's responses that change from run to run.
var s3Volatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`<RequestId>[^<]*</RequestId>`), "<RequestId>REQUEST-ID</RequestId>"},
	{regexp.MustCompile(`<HostId>[^<]*</HostId>`), "<HostId>HOST-ID</HostId>"},
	{regexp.MustCompile(`<UploadId>[^<]*</UploadId>`), "<UploadId>UPLOAD-ID</UploadId>"},
	{regexp.MustCompile(`<NextUploadIdMarker>[^<]*</NextUploadIdMarker>`), "<NextUploadIdMarker>UPLOAD-ID</NextUploadIdMarker>"},
	{regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`), "TIME"},
	{regexp.MustCompile(`http://localhost:[0-9]+`), "http://HOST"},
	{regexp.MustCompile(`[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT`), "DATE"},
}

// s3GoldenHeaders are the response headers the goldens show.
var s3GoldenHeaders = []string{"Content-Type", "Content-Length", "Content-Range", "ETag", "Last-Modified", "Location", "X-Amz-Checksum-Crc32", "X-Amz-Tagging-Count", "X-Amz-Meta-Color", "X-Amz-Mp-Parts-Count"}

// TestS3Golden runs testdata/s3: each archive's requests, one a line
// ("METHOD PATH [Header: value]... [| BODY]"; $UPLOAD is the last upload
// id received), signed as the admin, and the responses: status, the
// headers above and the body.
func TestS3Golden(t *testing.T) {
	golden.Run(t, "s3", *update, func(t *testing.T, a *txtar.Archive) (string, string) {
		e := newS3Env(t, false)
		reqs, _ := golden.Section(a, "requests")
		var out strings.Builder
		upload := ""
		uploadRE := regexp.MustCompile(`<UploadId>([^<]*)</UploadId>`)
		sc := bufio.NewScanner(strings.NewReader(reqs))
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			r := s3GoldenRequest(t, e, strings.ReplaceAll(line, "$UPLOAD", upload))
			resp, err := (&http.Client{Transport: e.tr}).Do(r)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if m := uploadRE.FindSubmatch(body); m != nil {
				upload = string(m[1])
			}
			if resp.Header.Get(HeaderAmzRequestID) == "" || resp.Header.Get(hdrHostID) == "" {
				t.Errorf("%s: no x-amz-request-id or x-amz-id-2", line)
			}
			out.WriteString("> " + line + "\n" + resp.Status + "\n")
			for _, h := range s3GoldenHeaders {
				if v := resp.Header.Get(h); v != "" {
					out.WriteString(h + ": " + v + "\n")
				}
			}
			out.WriteString(string(body) + "\n\n")
		}
		s := out.String()
		for _, v := range s3Volatile {
			s = v.re.ReplaceAllString(s, v.with)
		}
		return "responses", s
	})
}

// s3GoldenRequest builds and signs one request line.
func s3GoldenRequest(t *testing.T, e *s3Env, line string) *http.Request {
	t.Helper()
	head, body, _ := strings.Cut(line, " | ")
	fields := strings.Split(head, " ")
	r, err := http.NewRequest(fields[0], e.url()+fields[1], strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range strings.Split(strings.Join(fields[2:], " "), ";") {
		if name, v, ok := strings.Cut(h, ":"); ok {
			r.Header.Set(strings.TrimSpace(name), strings.TrimSpace(v))
		}
	}
	if slices.Contains(fields, "Content-MD5:auto;") || r.Header.Get("Content-MD5") == "auto" {
		sum := md5.Sum([]byte(body))
		r.Header.Set("Content-MD5", base64.StdEncoding.EncodeToString(sum[:]))
	}
	if r.Header.Get("Transfer-Encoding") == "chunked" { // no Content-Length
		r.Header.Del("Transfer-Encoding")
		r.ContentLength, r.TransferEncoding = -1, []string{"chunked"}
		r.Body = io.NopCloser(strings.NewReader(body))
	}
	sum := sha256.Sum256([]byte(body))
	hash := hex.EncodeToString(sum[:])
	if h := r.Header.Get("X-Amz-Content-Sha256"); h != "" {
		hash = h // the line's own: a wrong one, UNSIGNED-PAYLOAD
	}
	r.Header.Set("X-Amz-Content-Sha256", hash)
	c := testIdentities.Admin()
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey},
		r, hash, "s3", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	return r
}
