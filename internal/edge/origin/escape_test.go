package origin

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// symlinks adds links to fx.bucket: out of the folder, relative and
// absolute, and within it, relative and absolute.
func symlinks(tb testing.TB, fx escapeFixture) {
	tb.Helper()
	links := []struct{ target, name string }{
		{"../secret", "link-file"},
		{filepath.Join(fx.dir, "secret"), "abs-link-file"},
		{"../outside", "link-dir"},
		{filepath.Join(fx.dir, "outside"), "abs-link-dir"},
		{"a/../../secret", "sneaky-link"},
		{"a/b.txt", "inside-rel"},
		{filepath.Join(fx.bucket, "a", "b.txt"), "inside-abs"},
		{"a", "inside-dir"},
		{"../link-file", "a/chained-link"},
		{"loop", "loop"},
	}
	for _, l := range links {
		if err := os.Symlink(l.target, filepath.Join(fx.bucket, filepath.FromSlash(l.name))); err != nil {
			tb.Skipf("symbolic links unavailable: %v", err)
		}
	}
}

type escapeTest struct {
	target string // request-target as sent on the wire
	status int
	body   string // expected body, when status is 200
}

var escapeTests = []escapeTest{
	{"/../etc/passwd", 403, ""},
	{"/../secret", 403, ""},
	{"/a/../../secret", 403, ""},
	{"/a/../b.txt", 403, ""},
	{"/%2e%2e/secret", 403, ""},
	{"/%2E%2E/secret", 403, ""},
	{"/%2E%2E%2Fsecret", 403, ""},
	{"/a/%2f..%2fsecret", 403, ""},
	{"/a%2f..%2f..%2fsecret", 403, ""},
	{"/..%5csecret", 403, ""},
	{"/a%5c..%5c..%5csecret", 403, ""},
	{`/a\..\secret`, 403, ""},
	{"/%00", 403, ""},
	{"/index.html%00.txt", 403, ""},
	{"/%zz", 400, ""}, // refused by net/http before the bucket
	{"/%252e%252e/x", 200, "literal dot-dot folder"},
	{"/%252e%252e/secret", 404, ""},
	{"/%252e%252e%252fsecret", 404, ""},
	{"/link-file", 403, ""},
	{"/abs-link-file", 403, ""},
	{"/link-dir/secret", 403, ""},
	{"/abs-link-dir/secret", 403, ""},
	{"/sneaky-link", 403, ""},
	{"/a/chained-link", 403, ""},
	{"/loop", 404, ""},
	{"/inside-rel", 200, "inside b"},
	{"/inside-abs", 200, "inside b"},
	{"/inside-dir/b.txt", 200, "inside b"},
	{"/a%20b.txt", 200, "spaced"},
	{"/.hidden", 200, "dotfile"},
	{"//a//b.txt", 404, ""}, // S3 keys are literal: "/a//b.txt" is not "a/b.txt"
	{"//a/b.txt", 404, ""},
	{"/a//b.txt", 404, ""},
	{"/a/b.txt//", 404, ""},
	{"//", 404, ""},
	{"/a/b.txt", 200, "inside b"},
}

// TestBucketEscapes sends each request-target verbatim over TCP to a real
// server and checks that nothing outside the bucket ever comes back.
func TestBucketEscapes(t *testing.T) {
	fx := newEscapeFixture(t)
	h, err := NewBucket(fx.bucket, BucketOptions{IndexDocument: "index.html", ErrorDocument: "/link-file"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	for _, tt := range escapeTests {
		for _, method := range []string{http.MethodGet, http.MethodHead} {
			t.Run(method+" "+tt.target, func(t *testing.T) {
				status, body := rawRequest(t, srv.Listener.Addr().String(), method, tt.target)
				if strings.Contains(body, secret) {
					t.Fatalf("served the secret outside the bucket")
				}
				if status != tt.status {
					t.Errorf("status = %d, want %d (body %q)", status, tt.status, body)
				}
				want := tt.body
				if method == http.MethodHead || status != http.StatusOK {
					want = body // error bodies are plain text; HEAD has none
				}
				if body != want {
					t.Errorf("body = %q, want %q", body, want)
				}
				if method == http.MethodHead && body != "" {
					t.Errorf("HEAD body = %q, want none", body)
				}
			})
		}
	}
}

// rawRequest writes a request line with target untouched by any client
// library and returns the status and body.
func rawRequest(t *testing.T, addr, method, target string) (int, string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := fmt.Fprintf(c, "%s %s HTTP/1.1\r\nHost: bucket.test\r\nConnection: close\r\n\r\n", method, target); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), &http.Request{Method: method})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// TestBucketIndirectEscapes checks that index, SPA and error documents that
// are links out of the folder are not served either.
func TestBucketIndirectEscapes(t *testing.T) {
	fx := newEscapeFixture(t)
	type indirectTest struct {
		name   string
		opts   BucketOptions
		target string
		status int
	}
	tests := []indirectTest{
		{"index is a link out", BucketOptions{IndexDocument: "link-file"}, "/", 403},
		{"spa index is a link out", BucketOptions{IndexDocument: "link-file", SinglePageApp: true}, "/missing", 404},
		{"error document is a link out", BucketOptions{ErrorDocument: "/abs-link-file"}, "/missing", 404},
		{"error document through a dir link", BucketOptions{ErrorDocument: "/link-dir/secret"}, "/missing", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := NewBucket(fx.bucket, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.target, nil))
			if strings.Contains(rec.Body.String(), secret) {
				t.Fatalf("served the secret outside the bucket")
			}
			if rec.Code != tt.status {
				t.Errorf("status = %d, want %d", rec.Code, tt.status)
			}
		})
	}
}
