package origin

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/errs"
)

// writeFiles creates files (slash paths → content) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// bucketServer serves a new bucket holding files on a real server.
func bucketServer(t *testing.T, files map[string]string, opts BucketOptions) (dir string, srv *httptest.Server) {
	t.Helper()
	dir = t.TempDir()
	writeFiles(t, dir, files)
	h, err := NewBucket(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	srv = httptest.NewServer(h)
	t.Cleanup(srv.Close)
	t.Cleanup(h.Close)
	return dir, srv
}

// result is a response with its body read.
type result struct {
	status int
	header http.Header
	body   string
}

// do sends method target to srv with header pairs, never following redirects.
func do(t *testing.T, srv *httptest.Server, method, target string, header ...string) result {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+target, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	c := *srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return result{resp.StatusCode, resp.Header, string(b)}
}

func md5Tag(s string) string {
	sum := md5.Sum([]byte(s))
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

func TestBucketContentType(t *testing.T) {
	type typeTest struct {
		name, want string
	}
	tests := []typeTest{
		{"page.html", "text/html; charset=utf-8"},
		{"PAGE.HTM", "text/html; charset=utf-8"},
		{"app.js", "text/javascript; charset=utf-8"},
		{"mod.mjs", "text/javascript; charset=utf-8"},
		{"style.css", "text/css; charset=utf-8"},
		{"data.json", "application/json"},
		{"logo.svg", "image/svg+xml"},
		{"app.wasm", "application/wasm"},
		{"font.woff2", "font/woff2"},
		{"photo.jpg", "image/jpeg"},
		{"blob.unknownext", "application/octet-stream"},
		{"noext", "application/octet-stream"},
	}
	files := map[string]string{}
	for _, tt := range tests {
		files[tt.name] = "<html>sniffable</html>"
	}
	_, srv := bucketServer(t, files, BucketOptions{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := do(t, srv, http.MethodGet, "/"+tt.name)
			if got := res.header.Get("Content-Type"); res.status != 200 || got != tt.want {
				t.Errorf("GET /%s = %d %q, want 200 %q", tt.name, res.status, got, tt.want)
			}
		})
	}
}

func TestBucketValidators(t *testing.T) {
	dir, srv := bucketServer(t, map[string]string{"a.txt": "first version"}, BucketOptions{})
	mtime := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	if err := os.Chtimes(filepath.Join(dir, "a.txt"), mtime, mtime); err != nil {
		t.Fatal(err)
	}
	res := do(t, srv, http.MethodGet, "/a.txt")
	tag := res.header.Get("ETag")
	if res.status != 200 || res.body != "first version" || tag != md5Tag("first version") {
		t.Fatalf("GET = %d %q ETag %s, want 200 with the MD5 ETag %s", res.status, res.body, tag, md5Tag("first version"))
	}
	if got, want := res.header.Get("Last-Modified"), mtime.Format(http.TimeFormat); got != want {
		t.Errorf("Last-Modified = %q, want %q", got, want)
	}
	if got := res.header.Get("Accept-Ranges"); got != "bytes" {
		t.Errorf("Accept-Ranges = %q, want bytes", got)
	}
	if got := res.header.Get("Content-Length"); got != "13" {
		t.Errorf("Content-Length = %q, want 13", got)
	}
	if again := do(t, srv, http.MethodGet, "/a.txt").header.Get("ETag"); again != tag {
		t.Errorf("ETag changed without a change: %s then %s", tag, again)
	}

	// Same size, new content: the mtime moves and the ETag with it.
	path := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(path, []byte("other version"), 0o644); err != nil {
		t.Fatal(err)
	}
	later := mtime.Add(time.Second)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	if got := do(t, srv, http.MethodGet, "/a.txt").header.Get("ETag"); got != md5Tag("other version") {
		t.Errorf("ETag after a rewrite = %s, want %s", got, md5Tag("other version"))
	}
	// Replaced by rename, same size and mtime: the inode tells.
	tmp := filepath.Join(dir, "a.tmp")
	if err := os.WriteFile(tmp, []byte("third version"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(tmp, later, later); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	if got := do(t, srv, http.MethodGet, "/a.txt").header.Get("ETag"); inode(mustStat(t, path)) != 0 && got != md5Tag("third version") {
		t.Errorf("ETag after a replacement = %s, want %s", got, md5Tag("third version"))
	}
}

func mustStat(t *testing.T, path string) os.FileInfo {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

func TestBucketConditionalAndRange(t *testing.T) {
	const content = "0123456789"
	dir, srv := bucketServer(t, map[string]string{"d.txt": content}, BucketOptions{})
	mtime := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(filepath.Join(dir, "d.txt"), mtime, mtime); err != nil {
		t.Fatal(err)
	}
	tag := md5Tag(content)
	type condTest struct {
		name   string
		method string
		header []string
		status int
		body   string
		check  func(t *testing.T, h http.Header)
	}
	tests := []condTest{
		{name: "plain", method: "GET", status: 200, body: content},
		{name: "If-None-Match matches", method: "GET", header: []string{"If-None-Match", tag}, status: 304},
		{name: "If-None-Match star", method: "GET", header: []string{"If-None-Match", "*"}, status: 304},
		{name: "If-None-Match other", method: "GET", header: []string{"If-None-Match", `"other"`}, status: 200, body: content},
		{name: "If-Modified-Since same", method: "GET", header: []string{"If-Modified-Since", mtime.Format(http.TimeFormat)}, status: 304},
		{name: "If-Modified-Since before", method: "GET", header: []string{"If-Modified-Since", mtime.Add(-time.Hour).Format(http.TimeFormat)}, status: 200, body: content},
		{name: "If-Match other", method: "GET", header: []string{"If-Match", `"other"`}, status: 412},
		{name: "If-Match matches", method: "GET", header: []string{"If-Match", tag}, status: 200, body: content},
		{name: "If-Unmodified-Since before", method: "GET", header: []string{"If-Unmodified-Since", mtime.Add(-time.Hour).Format(http.TimeFormat)}, status: 412},
		{name: "Range", method: "GET", header: []string{"Range", "bytes=2-5"}, status: 206, body: "2345", check: func(t *testing.T, h http.Header) {
			if got := h.Get("Content-Range"); got != "bytes 2-5/10" {
				t.Errorf("Content-Range = %q", got)
			}
		}},
		{name: "suffix Range", method: "GET", header: []string{"Range", "bytes=-3"}, status: 206, body: "789"},
		{name: "unsatisfiable Range", method: "GET", header: []string{"Range", "bytes=100-200"}, status: 416, check: func(t *testing.T, h http.Header) {
			if got := h.Get("Content-Range"); got != "bytes */10" {
				t.Errorf("Content-Range = %q", got)
			}
		}},
		{name: "If-Range stale", method: "GET", header: []string{"Range", "bytes=2-5", "If-Range", `"old"`}, status: 200, body: content},
		{name: "HEAD", method: "HEAD", status: 200, check: func(t *testing.T, h http.Header) {
			if h.Get("Content-Length") != "10" || h.Get("ETag") != tag {
				t.Errorf("HEAD headers = %v, want Content-Length 10 and the ETag", h)
			}
		}},
		{name: "POST", method: "POST", status: 405, check: func(t *testing.T, h http.Header) {
			if got := h.Get("Allow"); got != "GET, HEAD" {
				t.Errorf("Allow = %q", got)
			}
		}},
		{name: "DELETE", method: "DELETE", status: 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := do(t, srv, tt.method, "/d.txt", tt.header...)
			if res.status != tt.status {
				t.Fatalf("status = %d, want %d", res.status, tt.status)
			}
			if tt.status != 405 && tt.status != 416 && res.body != tt.body {
				t.Errorf("body = %q, want %q", res.body, tt.body)
			}
			if tt.check != nil {
				tt.check(t, res.header)
			}
		})
	}
}

func TestBucketDocuments(t *testing.T) {
	files := map[string]string{
		"index.html":      "root index",
		"docs/index.html": "docs index",
		"empty/keep.txt":  "no index here",
		"404.html":        "custom not found",
		"a b/c.txt":       "spaced folder",
	}
	type docTest struct {
		name     string
		opts     BucketOptions
		method   string
		target   string
		status   int
		body     string
		location string
		noETag   bool
		ctype    string
	}
	index := BucketOptions{IndexDocument: "index.html"}
	withErr := BucketOptions{IndexDocument: "index.html", ErrorDocument: "/404.html"}
	spa := BucketOptions{IndexDocument: "index.html", ErrorDocument: "/404.html", SinglePageApp: true}
	tests := []docTest{
		{name: "root index", opts: index, target: "/", status: 200, body: "root index"},
		{name: "folder index", opts: index, target: "/docs/", status: 200, body: "docs index"},
		{name: "folder without index", opts: index, target: "/empty/", status: 404},
		{name: "folder redirect keeps query", opts: index, target: "/docs?x=1&y=%20", status: 302, location: "/docs/?x=1&y=%20"},
		{name: "folder redirect escapes", opts: index, target: "/a%20b", status: 404},
		{name: "folder without index no redirect", opts: index, target: "/empty", status: 404},
		{name: "no index document", opts: BucketOptions{}, target: "/", status: 404},
		{name: "no index document no redirect", opts: BucketOptions{}, target: "/docs", status: 404},
		{name: "index served directly", opts: index, target: "/docs/index.html", status: 200, body: "docs index"},
		{name: "missing", opts: index, target: "/nope.txt", status: 404, body: "Not Found\n"},
		{name: "error document", opts: withErr, target: "/nope.txt", status: 404, body: "custom not found", noETag: true, ctype: "text/html; charset=utf-8"},
		{name: "error document HEAD", opts: withErr, method: "HEAD", target: "/nope.txt", status: 404, noETag: true},
		{name: "error document ignores conditionals", opts: withErr, target: "/nope.txt", status: 404, body: "custom not found", noETag: true},
		{name: "error document itself", opts: withErr, target: "/404.html", status: 200, body: "custom not found"},
		{name: "spa wins over error document", opts: spa, target: "/app/route/42", status: 200, body: "root index", ctype: "text/html; charset=utf-8"},
		{name: "spa HEAD", opts: spa, method: "HEAD", target: "/app/route/42", status: 200},
		{name: "spa existing file", opts: spa, target: "/docs/index.html", status: 200, body: "docs index"},
		{name: "spa folder without index", opts: spa, target: "/empty/", status: 200, body: "root index"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, srv := bucketServer(t, files, tt.opts)
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			res := do(t, srv, method, tt.target, "If-None-Match", "*")
			if tt.status == 200 && res.status == 304 {
				// A 200 object answers If-None-Match: * with 304; ask again plainly.
				res = do(t, srv, method, tt.target)
			}
			if res.status != tt.status {
				t.Fatalf("status = %d, want %d (body %q)", res.status, tt.status, res.body)
			}
			if method != http.MethodHead && tt.body != "" && res.body != tt.body {
				t.Errorf("body = %q, want %q", res.body, tt.body)
			}
			if method == http.MethodHead && res.body != "" {
				t.Errorf("HEAD body = %q", res.body)
			}
			if got := res.header.Get("Location"); got != tt.location {
				t.Errorf("Location = %q, want %q", got, tt.location)
			}
			if tt.noETag && (res.header.Get("ETag") != "" || res.header.Get("Last-Modified") != "") {
				t.Errorf("error document has validators: %v", res.header)
			}
			if tt.ctype != "" && res.header.Get("Content-Type") != tt.ctype {
				t.Errorf("Content-Type = %q, want %q", res.header.Get("Content-Type"), tt.ctype)
			}
			if tt.noETag && method == http.MethodHead && res.header.Get("Content-Length") != "16" {
				t.Errorf("HEAD Content-Length = %q, want 16", res.header.Get("Content-Length"))
			}
		})
	}
}

func TestBucketFolderReplaced(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "dist")
	writeFiles(t, dir, map[string]string{"a.txt": "build 1"})
	h, err := NewBucket(dir, BucketOptions{})
	if err != nil {
		t.Fatal(err)
	}
	get := func() (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/a.txt", nil))
		return rec.Code, rec.Body.String()
	}
	if code, body := get(); code != 200 || body != "build 1" {
		t.Fatalf("GET = %d %q", code, body)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if code, _ := get(); code != 404 {
		t.Fatalf("GET with the folder gone = %d, want 404", code)
	}
	writeFiles(t, dir, map[string]string{"a.txt": "build 2"})
	if code, body := get(); code != 200 || body != "build 2" {
		t.Fatalf("GET after a rebuild = %d %q, want build 2", code, body)
	}
}

func TestNewBucketErrors(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"file": "x"})
	type newTest struct {
		name string
		dir  string
		opts BucketOptions
		kind errs.Kind
	}
	tests := []newTest{
		{"missing folder", filepath.Join(dir, "nope"), BucketOptions{}, errs.NotFound},
		{"not a folder", filepath.Join(dir, "file"), BucketOptions{}, errs.Invalid},
		{"index with a slash", dir, BucketOptions{IndexDocument: "a/index.html"}, errs.Invalid},
		{"index dot-dot", dir, BucketOptions{IndexDocument: ".."}, errs.Invalid},
		{"error document escapes", dir, BucketOptions{ErrorDocument: "/../secret"}, errs.Invalid},
		{"error document is a folder", dir, BucketOptions{ErrorDocument: "/errors/"}, errs.Invalid},
		{"spa without index", dir, BucketOptions{SinglePageApp: true}, errs.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewBucket(tt.dir, tt.opts)
			if !errs.Is(tt.kind, err) {
				t.Errorf("NewBucket error = %v, want kind %v", err, tt.kind)
			}
		})
	}
	if _, err := NewBucket(dir, BucketOptions{ErrorDocument: "404.html"}); err != nil {
		t.Errorf("error document without a leading slash: %v", err)
	}
}

func TestETagCacheBounded(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"f": "x"})
	f, err := os.Open(filepath.Join(dir, "f"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	var c etags
	for i := range maxETags + 100 {
		tag, err := c.get("f"+strconv.Itoa(i), f, fi)
		if err != nil || tag != md5Tag("x") {
			t.Fatalf("get = %q, %v", tag, err)
		}
	}
	if len(c.m) > maxETags {
		t.Errorf("cache holds %d entries, bound %d", len(c.m), maxETags)
	}
}

// sidecar is what an S3 store knows of one object version, as Info answers.
type sidecar struct {
	etag, ctype string
	size, mtime int64
	ino         uint64
}

// TestBucketInfo checks that the origin serves what Info reports for the
// version on disk, and computes what Info does not know.
func TestBucketInfo(t *testing.T) {
	const multipart = `"0123456789abcdef0123456789abcdef-3"`
	files := map[string]string{
		"up.bin":          "uploaded through S3",
		"docs/index.html": "docs index",
		"a b/c.txt":       "spaced",
		"plain.txt":       "never uploaded",
		"404.html":        "custom not found",
	}
	type infoTest struct {
		name   string
		target string
		stored map[string]sidecar // key → what Info knows; identity filled from the file when zero
		stale  bool               // the stored identity is not the file's
		nilFn  bool
		status int
		etag   string
		ctype  string
		key    string // the key Info must be asked for
	}
	tests := []infoTest{
		{name: "nil Info", target: "/up.bin", nilFn: true, status: 200, etag: md5Tag(files["up.bin"]), ctype: "application/octet-stream"},
		{name: "multipart ETag and type", target: "/up.bin", stored: map[string]sidecar{"up.bin": {etag: multipart, ctype: "image/x-custom"}}, status: 200, etag: multipart, ctype: "image/x-custom", key: "up.bin"},
		{name: "type only", target: "/up.bin", stored: map[string]sidecar{"up.bin": {ctype: "text/plain; charset=latin1"}}, status: 200, etag: md5Tag(files["up.bin"]), ctype: "text/plain; charset=latin1", key: "up.bin"},
		{name: "ETag only", target: "/plain.txt", stored: map[string]sidecar{"plain.txt": {etag: multipart}}, status: 200, etag: multipart, ctype: "text/plain; charset=utf-8", key: "plain.txt"},
		{name: "unknown object", target: "/plain.txt", stored: map[string]sidecar{}, status: 200, etag: md5Tag(files["plain.txt"]), ctype: "text/plain; charset=utf-8", key: "plain.txt"},
		{name: "stale version", target: "/up.bin", stored: map[string]sidecar{"up.bin": {etag: multipart, ctype: "image/x-custom"}}, stale: true, status: 200, etag: md5Tag(files["up.bin"]), ctype: "application/octet-stream", key: "up.bin"},
		{name: "index document key", target: "/docs/", stored: map[string]sidecar{"docs/index.html": {etag: multipart, ctype: "text/x-docs"}}, status: 200, etag: multipart, ctype: "text/x-docs", key: "docs/index.html"},
		{name: "escaped key", target: "/a%20b/c.txt", stored: map[string]sidecar{"a b/c.txt": {etag: multipart}}, status: 200, etag: multipart, ctype: "text/plain; charset=utf-8", key: "a b/c.txt"},
		{name: "error document type", target: "/nope", stored: map[string]sidecar{"404.html": {ctype: "text/x-error"}}, status: 404, ctype: "text/x-error", key: "404.html"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, files)
			var asked []string
			opts := BucketOptions{IndexDocument: "index.html", ErrorDocument: "/404.html"}
			if !tt.nilFn {
				for key, sc := range tt.stored {
					fi := mustStat(t, filepath.Join(dir, filepath.FromSlash(key)))
					sc.size, sc.mtime, sc.ino = fi.Size(), fi.ModTime().UnixNano(), inode(fi)
					if tt.stale {
						sc.mtime++
					}
					tt.stored[key] = sc
				}
				opts.Info = func(key string, size, mtime int64, ino uint64) (string, string, bool) {
					asked = append(asked, key)
					sc, ok := tt.stored[key]
					if !ok || sc.size != size || sc.mtime != mtime || sc.ino != ino {
						return "", "", false
					}
					return sc.etag, sc.ctype, true
				}
			}
			h, err := NewBucket(dir, opts)
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(h)
			defer srv.Close()
			res := do(t, srv, http.MethodGet, tt.target)
			if res.status != tt.status {
				t.Fatalf("status = %d, want %d", res.status, tt.status)
			}
			if got := res.header.Get("ETag"); got != tt.etag {
				t.Errorf("ETag = %s, want %s", got, tt.etag)
			}
			if got := res.header.Get("Content-Type"); got != tt.ctype {
				t.Errorf("Content-Type = %q, want %q", got, tt.ctype)
			}
			if tt.key != "" && (len(asked) == 0 || asked[len(asked)-1] != tt.key) {
				t.Errorf("Info asked for %q, want %q last", asked, tt.key)
			}
			if tt.etag != "" {
				if again := do(t, srv, http.MethodGet, tt.target, "If-None-Match", tt.etag); again.status != http.StatusNotModified {
					t.Errorf("If-None-Match with the served ETag = %d, want 304", again.status)
				}
			}
		})
	}
}

// The edge keys its origins by BucketOptions' JSON: Info must not make
// Marshal fail (a func field does unless it is skipped).
func TestBucketOptionsJSON(t *testing.T) {
	o := BucketOptions{IndexDocument: "index.html", Info: func(string, int64, int64, uint64) (string, string, bool) { return "", "", false }}
	b, err := json.Marshal(o)
	if err != nil || string(b) != `{"IndexDocument":"index.html","ErrorDocument":"","SinglePageApp":false}` {
		t.Errorf("Marshal = %s, %v", b, err)
	}
}
