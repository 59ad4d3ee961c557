package origin

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type cleanTest struct {
	raw  string
	want string
	ok   bool
}

var cleanTests = []cleanTest{
	{"", "", true},
	{"/", "", true},
	{"//", "", true},
	{"/a", "a", true},
	{"/a/", "a/", true},
	{"/a/b.txt", "a/b.txt", true},
	{"//a//b//", "a/b/", true},
	{"/a%20b.txt", "a b.txt", true},
	{"/caf%C3%A9", "café", true},
	{"/a+b", "a+b", true},               // "+" is not a space in a path
	{"/%252e%252e/x", "%2e%2e/x", true}, // decoded once: a literal "%2e%2e"
	{"/...", "...", true},
	{"/.well-known/x", ".well-known/x", true},
	{"/.env", ".env", true},
	{"/a/..b", "a/..b", true},
	{"a", "", false},
	{"*", "", false},
	{"/..", "", false},
	{"/../etc/passwd", "", false},
	{"/a/../../secret", "", false},
	{"/a/..", "", false},
	{"/.", "", false},
	{"/./a", "", false},
	{"/%2e%2e/secret", "", false},
	{"/%2E%2E/secret", "", false},
	{"/%2e./secret", "", false},
	{"/%2E%2E%2Fsecret", "", false},
	{"/a%2fb", "", false},
	{"/a/%2f..%2fsecret", "", false},
	{"/..%5csecret", "", false},
	{"/a\\..\\secret", "", false},
	{"/a%5cb", "", false},
	{"/%00", "", false},
	{"/a%00.txt", "", false},
	{"/a\x00b", "", false},
	{"/%zz", "", false},
	{"/a%", "", false},
	{"/a%2", "", false},
	{"/\xc2", "", false},
	{"/%C2", "", false},
	{"/%FF%FE", "", false},
}

func TestClean(t *testing.T) {
	for _, tt := range cleanTests {
		t.Run(tt.raw, func(t *testing.T) {
			got, ok := Clean(tt.raw)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Clean(%q) = %q, %v; want %q, %v", tt.raw, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// checkCleaned asserts the contract of a path Clean accepted.
func checkCleaned(t *testing.T, raw, p string) {
	t.Helper()
	if strings.HasPrefix(p, "/") || strings.Contains(p, "//") || strings.ContainsAny(p, "\\\x00") {
		t.Fatalf("Clean(%q) = %q: leading slash, empty segment, backslash or NUL", raw, p)
	}
	if name := strings.TrimSuffix(p, "/"); name != "" && !fs.ValidPath(name) {
		t.Fatalf("Clean(%q) = %q: not a valid fs path", raw, p)
	}
	if strings.HasSuffix(p, "/") && !strings.HasSuffix(raw, "/") {
		t.Fatalf("Clean(%q) = %q: folder slash from nowhere", raw, p)
	}
	// Joined lexically to a folder it stays inside.
	dir := filepath.FromSlash("/srv/bucket")
	if j := filepath.Join(dir, filepath.FromSlash(p)); j != dir && !strings.HasPrefix(j, dir+string(filepath.Separator)) {
		t.Fatalf("Clean(%q) = %q joins to %q, outside %q", raw, p, j, dir)
	}
	// Escaping the segments again gives the same path back.
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	if again, ok := Clean("/" + strings.Join(segs, "/")); !ok || again != p {
		t.Fatalf("Clean(%q) = %q, but re-escaped it gives %q, %v", raw, p, again, ok)
	}
}

// FuzzClean checks Clean's contract and, through a real bucket with a
// secret next to it, that no path reads outside the folder.
func FuzzClean(f *testing.F) {
	for _, tt := range cleanTests {
		f.Add(tt.raw)
	}
	for _, tt := range escapeTests {
		f.Add(tt.target)
	}
	fx := newEscapeFixture(f)
	h, err := NewBucket(fx.bucket, BucketOptions{IndexDocument: "index.html"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		p, ok := Clean(raw)
		if ok {
			checkCleaned(t, raw, p)
		} else if p != "" {
			t.Fatalf("Clean(%q) refused but returned %q", raw, p)
		}
		u, err := url.Parse("http://bucket.test" + raw)
		if err != nil || u.Host != "bucket.test" {
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, &http.Request{Method: http.MethodGet, URL: u, Header: http.Header{}, Host: u.Host})
		if strings.Contains(rec.Body.String(), secret) {
			t.Fatalf("GET %q (%q) served the secret outside the bucket", raw, u.EscapedPath())
		}
	})
}

// secret is the content of the files outside the bucket.
const secret = "TOPSECRET-outside-the-bucket"

// escapeFixture is a bucket folder with secrets beside it and links out of
// and within it.
type escapeFixture struct {
	dir    string // holds bucket/, secret and outside/secret
	bucket string
}

func newEscapeFixture(tb testing.TB) escapeFixture {
	tb.Helper()
	dir := tb.TempDir()
	fx := escapeFixture{dir: dir, bucket: filepath.Join(dir, "bucket")}
	write := func(name, content string) {
		tb.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	write("secret", secret)
	write("outside/secret", secret)
	write("bucket/index.html", "<h1>home</h1>")
	write("bucket/a/b.txt", "inside b")
	write("bucket/%2e%2e/x", "literal dot-dot folder")
	write("bucket/a b.txt", "spaced")
	write("bucket/.hidden", "dotfile")
	symlinks(tb, fx)
	return fx
}
