package edge

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseFastRequest(t *testing.T) {
	type tc struct {
		name, head string
		ok         bool
		path, host string
	}
	for _, c := range []tc{
		{"plain", "GET /a/b.css HTTP/1.1\r\nHost: x\r\n\r\n", true, "/a/b.css", "x"},
		{"head with query", "HEAD /a?x=1&y=2 HTTP/1.1\r\nHost: x:8080\r\nAccept-Encoding: gzip\r\n\r\n", true, "/a", "x:8080"},
		{"keep-alive", "GET / HTTP/1.1\r\nhost: x\r\nConnection: keep-alive\r\n\r\n", true, "/", "x"},
		{"post", "POST / HTTP/1.1\r\nHost: x\r\n\r\n", false, "", ""},
		{"http/1.0", "GET / HTTP/1.0\r\nHost: x\r\n\r\n", false, "", ""},
		{"absolute form", "GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n", false, "", ""},
		{"escaped path", "GET /a%20b HTTP/1.1\r\nHost: x\r\n\r\n", false, "", ""},
		{"no host", "GET / HTTP/1.1\r\n\r\n", false, "", ""},
		{"two hosts", "GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", false, "", ""},
		{"body", "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n", false, "", ""},
		{"chunked", "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", false, "", ""},
		{"range", "GET / HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\r\n\r\n", false, "", ""},
		{"conditional", "GET / HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"a\"\r\n\r\n", false, "", ""},
		{"upgrade", "GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", false, "", ""},
		{"folded header", "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n 2\r\n\r\n", false, "", ""},
		{"space in name", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", false, "", ""},
		{"control char", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x01b\r\n\r\n", false, "", ""},
		{"bare LF", "GET / HTTP/1.1\nHost: x\n\n", false, "", ""},
		{"fragment", "GET /a#b HTTP/1.1\r\nHost: x\r\n\r\n", false, "", ""},
		{"two spaces", "GET  / HTTP/1.1\r\nHost: x\r\n\r\n", false, "", ""},
	} {
		q, ok := parseFastRequest(c.head)
		if ok != c.ok || (ok && (q.path != c.path || q.host != c.host)) {
			t.Errorf("%s: ok=%v path=%q host=%q", c.name, ok, q.path, q.host)
		}
	}
}

// FuzzParseFastRequest checks the fast parser against net/http's: whatever
// the fast path accepts, net/http reads the same method, path, query and
// Host from it, and it never accepts a request that has a body.
func FuzzParseFastRequest(f *testing.F) {
	for _, s := range []string{
		"GET /a/b.css HTTP/1.1\r\nHost: x\r\n\r\n",
		"HEAD /a?x=1 HTTP/1.1\r\nHost: x\r\nAccept-Encoding: br\r\nConnection: close\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
		"GET /%2e%2e/ HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /! HTTP/1.1\r\nHost:0\r\n\r\n", // net/http sets RawPath: the key path is the same
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, head string) {
		q, ok := parseFastRequest(head)
		if !ok {
			return
		}
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(head)))
		if err != nil {
			t.Fatalf("fast path accepted what net/http refuses (%v): %q", err, head)
		}
		keyPath := r.URL.Path // the path the pipeline keys on, as appendKey picks it
		if r.URL.RawPath != "" {
			keyPath = r.URL.RawPath
		}
		if r.Method != q.method || r.URL.Path != q.path || keyPath != q.path || r.URL.RawQuery != q.query ||
			r.Host != q.host || r.ContentLength > 0 || len(r.TransferEncoding) > 0 {
			t.Fatalf("fast %+v, net/http %s %q %q %q: %q", q, r.Method, r.URL.Path, r.URL.RawQuery, r.Host, head)
		}
	})
}

// TestFastPathMatchesPipeline checks that a hit answered by the fast path
// carries the same status, headers and body as the pipeline's answer.
func TestFastPathMatchesPipeline(t *testing.T) {
	body := strings.Repeat("text to compress ", 100)
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=600")
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("ETag", `"e1"`)
		w.Header().Set("X-Custom", "kept")
		fmt.Fprint(w, body)
	})
	e := startEdge(t, planOf(distOf("site", httpBehavior("*", o.URL, defaultPolicy))), nil)
	for _, ae := range []string{"", "gzip", "br"} {
		get(t, "GET", e.url+"/m", "Accept-Encoding", ae) // miss
		get(t, "GET", e.url+"/m", "Accept-Encoding", ae) // makes the variant
		before := e.fastHits.Load()
		fast, fastBody := get(t, "GET", e.url+"/m", "Accept-Encoding", ae)
		slow, slowBody := get(t, "GET", e.url+"/m", "Accept-Encoding", ae, "Te", "trailers") // Te: handed off
		if e.fastHits.Load() != before+1 {
			t.Errorf("ae %q: fast hits went from %d to %d, want one more", ae, before, e.fastHits.Load())
		}
		if fastBody != slowBody || fast.StatusCode != slow.StatusCode {
			t.Errorf("ae %q: bodies or statuses differ", ae)
		}
		// The two answers may straddle a second on a loaded machine: Age
		// may differ by one.
		if fa, sa := atoiOr0(fast.Header.Get("Age")), atoiOr0(slow.Header.Get("Age")); sa-fa == 0 || sa-fa == 1 {
			slow.Header.Set("Age", fast.Header.Get("Age"))
		}
		if a, b := headerLines(fast.Header), headerLines(slow.Header); a != b {
			t.Errorf("ae %q: headers differ\nfast:     %s\npipeline: %s", ae, a, b)
		}
	}
}

func atoiOr0(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func headerLines(h http.Header) string {
	var lines []string
	for k, vs := range h {
		if k == "Date" || k == "X-Request-Id" {
			continue
		}
		lines = append(lines, k+": "+strings.Join(vs, ", "))
	}
	sort.Strings(lines)
	return strings.Join(lines, " | ")
}

// TestFastPathPipelining sends several requests in one write: hits are
// answered in order, and a miss in the middle hands the connection, with
// the requests after it, to the pipeline.
func TestFastPathPipelining(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=600")
		fmt.Fprint(w, "body of "+r.URL.Path)
	})
	e := startEdge(t, planOf(distOf("site", httpBehavior("*", o.URL, defaultPolicy))), nil)
	get(t, "GET", e.url+"/a")
	get(t, "GET", e.url+"/b")
	c, err := net.Dial("tcp", strings.TrimPrefix(e.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var reqs strings.Builder
	for _, p := range []string{"/a", "/b", "/new", "/a"} {
		fmt.Fprintf(&reqs, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", p)
	}
	io.WriteString(c, reqs.String())
	br := bufio.NewReader(c)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for _, want := range []struct{ path, xcache string }{{"/a", "Hit"}, {"/b", "Hit"}, {"/new", "Miss"}, {"/a", "Hit"}} {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("%s: %v", want.path, err)
		}
		b, _ := io.ReadAll(resp.Body)
		if string(b) != "body of "+want.path || resp.Header.Get("X-Cache") != want.xcache+" from verge" {
			t.Errorf("%s: %q %s", want.path, b, resp.Header.Get("X-Cache"))
		}
	}
}

func TestFastPathKeepAliveAndClose(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=600")
		fmt.Fprint(w, "x")
	})
	e := startEdge(t, planOf(distOf("site", httpBehavior("*", o.URL, defaultPolicy))), nil)
	get(t, "GET", e.url+"/k")
	c, err := net.Dial("tcp", strings.TrimPrefix(e.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for i := range 50 {
		hdr := ""
		if i == 49 {
			hdr = "Connection: close\r\n"
		}
		fmt.Fprintf(c, "GET /k HTTP/1.1\r\nHost: x\r\n%s\r\n", hdr)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		io.ReadAll(resp.Body)
		if resp.Header.Get("X-Cache") != "Hit from verge" {
			t.Fatalf("request %d: %s", i, resp.Header.Get("X-Cache"))
		}
		if i == 49 && !resp.Close {
			t.Error("Connection: close not answered in kind")
		}
	}
	if _, err := br.ReadByte(); err != io.EOF {
		t.Errorf("connection still open after Connection: close: %v", err)
	}
	if o.hits.Load() != 1 {
		t.Errorf("origin hits %d", o.hits.Load())
	}
}

// TestFastPathHead answers HEAD from the fast path with the GET's headers
// and no body, on a connection that goes on with a GET.
func TestFastPathHead(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=600")
		fmt.Fprint(w, "twelve bytes")
	})
	e := startEdge(t, planOf(distOf("site", httpBehavior("*", o.URL, defaultPolicy))), nil)
	get(t, "GET", e.url+"/h")
	before := e.fastHits.Load()
	c, err := net.Dial("tcp", strings.TrimPrefix(e.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nGET /h HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(c)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for _, method := range []string{"HEAD", "GET"} {
		req, _ := http.NewRequest(method, "/h", nil)
		resp, err := http.ReadResponse(br, req)
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		b, _ := io.ReadAll(resp.Body)
		want := "twelve bytes"
		if method == "HEAD" {
			want = ""
		}
		if string(b) != want || resp.ContentLength != 12 || resp.Header.Get("X-Cache") != "Hit from verge" {
			t.Errorf("%s: %q length %d %s", method, b, resp.ContentLength, resp.Header.Get("X-Cache"))
		}
	}
	if got := e.fastHits.Load() - before; got != 2 {
		t.Errorf("fast path answered %d of 2", got)
	}
}

func TestHeadEnd(t *testing.T) {
	for _, tt := range []struct {
		buf  string
		want int
	}{
		{"", 0},
		{"GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27},
		{"GET / HTTP/1.1\nHost: x\n\n", 24},
		{"GET / HTTP/1.1\r\nHost: x\n\r\n", 26},
		{"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /next", 27},
		{"GET / HTTP/1.1\r\nHost: x\r\n", 0},
		{"GET / HTTP/1.1\r\nHost: x\r\n\r", 0},
		{"GET / HTTP/1.1\r\nHost: x\r\rn\r\n", 0},
	} {
		if got := headEnd([]byte(tt.buf)); got != tt.want {
			t.Errorf("headEnd(%q) = %d, want %d", tt.buf, got, tt.want)
		}
	}
}
