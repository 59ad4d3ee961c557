package edge

import (
	"bufio"
	"cmp"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// flakyListener fails its first Accepts as a process out of file
// descriptors does.
type flakyListener struct {
	net.Listener
	fails atomic.Int32
}

func (l *flakyListener) Accept() (net.Conn, error) {
	if l.fails.Add(-1) >= 0 {
		return nil, &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.EMFILE)}
	}
	return l.Listener.Accept()
}

// TestAcceptErrorsRetried checks that EMFILE from Accept does not stop the
// viewer listener, on the fast path's Frontend and on a plain net/http
// server alike, and that the errors are counted.
func TestAcceptErrorsRetried(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	plan := planOf(distOf("site", httpBehavior("*", o.URL, defaultPolicy)))
	for _, fast := range []bool{true, false} {
		t.Run(pathName(fast), func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			fl := &flakyListener{Listener: ln}
			fl.fails.Store(3)
			m := NewMetrics(prometheus.NewRegistry())
			counted := m.Listener("viewer", fl)
			url := startEdgeOn(t, Options{}, plan, nil, counted, fast).url
			if resp, body := get(t, "GET", url+"/"); resp.StatusCode != 200 || body != "ok" {
				t.Fatalf("after EMFILE: %d %q", resp.StatusCode, body)
			}
			var d dto.Metric
			m.acceptErrors.WithLabelValues("viewer").Write(&d)
			if got := d.GetCounter().GetValue(); got != 3 {
				t.Errorf("verge_accept_errors_total = %v, want 3", got)
			}
		})
	}
}

// rawRoundTrip writes req on a new connection to addr and returns what the
// server sent until it closed the connection or went quiet for wait, and
// whether it closed it.
func rawRoundTrip(t *testing.T, addr, req string, wait time.Duration) (got string, closed bool) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		c.SetReadDeadline(time.Now().Add(wait))
		n, err := c.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			var ne net.Error
			return b.String(), !(errors.As(err, &ne) && ne.Timeout())
		}
	}
}

// TestBareLFHead checks that a request head with bare LF line endings is
// answered at once, on both paths, as net/http answers it.
func TestBareLFHead(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	plan := planOf(distOf("site", httpBehavior("*", o.URL, defaultPolicy)))
	for _, fast := range []bool{true, false} {
		t.Run(pathName(fast), func(t *testing.T) {
			e := startEdgeOn(t, Options{}, plan, nil, listen(t), fast)
			start := time.Now()
			got, _ := rawRoundTrip(t, strings.TrimPrefix(e.url, "http://"),
				"GET / HTTP/1.1\nHost: x\nConnection: close\n\n", 3*time.Second)
			if !strings.HasPrefix(got, "HTTP/1.1 200 ") || !strings.HasSuffix(got, "\r\n\r\nok") {
				t.Errorf("answer: %q", got)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("answered after %v", d)
			}
		})
	}
}

// TestSlowBody checks that a request body pausing longer than the idle
// timeout between reads ends the request and its origin fetch.
func TestSlowBody(t *testing.T) {
	defer func(d time.Duration) { bodyIdleTimeout = d }(bodyIdleTimeout)
	bodyIdleTimeout = 200 * time.Millisecond
	originErr := make(chan error, 2)
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(r.Body)
		originErr <- err
	})
	b := httpBehavior("*", o.URL, defaultPolicy)
	plan := planOf(distOf("site", b))
	for _, fast := range []bool{true, false} {
		t.Run(pathName(fast), func(t *testing.T) {
			e := startEdgeOn(t, Options{}, plan, nil, listen(t), fast)
			start := time.Now()
			got, closed := rawRoundTrip(t, strings.TrimPrefix(e.url, "http://"),
				"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n1", 5*time.Second)
			if !closed || time.Since(start) > 3*time.Second {
				t.Errorf("connection still open after %v: %q", time.Since(start), got)
			}
			select {
			case err := <-originErr:
				if err == nil {
					t.Error("the origin read a whole body")
				}
			case <-time.After(3 * time.Second):
				t.Error("the origin request still waits for the body")
			}
		})
	}
}

func pathName(fast bool) string {
	if fast {
		return "fast"
	}
	return "net/http"
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// smuggle is a request with both Content-Length and Transfer-Encoding
// whose chunked body ends where a second request starts.
const smuggle = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" +
	"GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"

// TestFramingRefused checks that a request with both Content-Length and
// Transfer-Encoding gets one answer, 400, and a closed connection, on the
// fast path (as its first request or after a hand-off) and on net/http.
func TestFramingRefused(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok "+r.URL.Path) })
	plan := planOf(distOf("site", httpBehavior("*", o.URL, defaultPolicy)))
	for _, fast := range []bool{true, false} {
		e := startEdgeOn(t, Options{}, plan, nil, listen(t), fast)
		for _, c := range []struct{ name, first string }{{"first", ""}, {"after a request", "GET /first HTTP/1.1\r\nHost: x\r\n\r\n"}} {
			first := c.first
			t.Run(pathName(fast)+"/"+c.name, func(t *testing.T) {
				got, closed := rawRoundTrip(t, strings.TrimPrefix(e.url, "http://"), first+smuggle, 3*time.Second)
				answers := strings.Count(got, "HTTP/1.1 ")
				if wantAnswers := 1 + strings.Count(first, "HTTP/1.1"); answers != wantAnswers {
					t.Errorf("%d answers, want %d: %q", answers, wantAnswers, got)
				}
				if i := strings.LastIndex(got, "HTTP/1.1 "); i < 0 || !strings.HasPrefix(got[i:], "HTTP/1.1 400 ") {
					t.Errorf("last answer is not 400: %q", got)
				}
				if !closed || strings.Contains(got, "smuggled") {
					t.Errorf("closed %v, answer %q", closed, got)
				}
			})
		}
	}
}

// TestFramingFollowed checks that the guard follows bodies: pipelined
// requests with Content-Length and chunked bodies that look like heads
// with both headers are all answered.
func TestFramingFollowed(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		io.WriteString(w, r.URL.Path+" "+strconv.Itoa(len(b)))
	})
	plan := planOf(distOf("site", httpBehavior("*", o.URL, policy(0, 0, 0))))
	inner := "GET /x HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"
	stream := "POST /cl HTTP/1.1\r\nHost: x\r\nContent-Length: " + strconv.Itoa(len(inner)) + "\r\n\r\n" + inner +
		"POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
		strconv.FormatInt(int64(len(inner)), 16) + ";ext=1\r\n" + inner + "\r\n0\r\nTrailer-Field: y\r\n\r\n" +
		"GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
	for _, fast := range []bool{true, false} {
		t.Run(pathName(fast), func(t *testing.T) {
			e := startEdgeOn(t, Options{}, plan, nil, listen(t), fast)
			got, _ := rawRoundTrip(t, strings.TrimPrefix(e.url, "http://"), stream, 3*time.Second)
			n := strconv.Itoa(len(inner))
			for _, want := range []string{"/cl " + n, "/chunked " + n, "/last 0"} {
				if !strings.Contains(got, want) {
					t.Errorf("no answer %q in %q", want, got)
				}
			}
			if c := strings.Count(got, "HTTP/1.1 200 "); c != 3 {
				t.Errorf("%d answers 200, want 3: %q", c, got)
			}
		})
	}
}

// chunkedConn reads from r at most n bytes at a time.
type chunkedConn struct {
	net.Conn
	r io.Reader
	n int
}

func (c *chunkedConn) Read(p []byte) (int, error) { return c.r.Read(p[:min(len(p), c.n)]) }

// TestFramingConn checks the guard's output for streams read in pieces of
// any size: only heads with both headers change.
func TestFramingConn(t *testing.T) {
	refusedHead := func(line, rest string) string { return line + string(refusal) + rest }
	body := "GET / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"
	for _, tt := range []struct{ name, in, want string }{
		{"plain", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", ""},
		{"both", "POST / HTTP/1.1\r\nHost: x\r\nContent-length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
			refusedHead("POST / HTTP/1.1\r\n", "Host: x\r\nContent-length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")},
		{"bare LF", "POST / HTTP/1.1\nTransfer-Encoding: chunked\nContent-Length: 5\n\n",
			refusedHead("POST / HTTP/1.1\n", "Transfer-Encoding: chunked\nContent-Length: 5\n\n")},
		{"in a body", "POST / HTTP/1.1\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body, ""},
		{"in a chunk", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + strconv.FormatInt(int64(len(body)), 16) +
			"\r\n" + body + "\r\n0\r\nX: " + body[:10] + "\r\n\r\n", ""},
		{"HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n" + body, ""}, // no body: the next head is refused
		{"after bodies", "POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nab" + "GET / HTTP/1.1\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n",
			"POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nab" + refusedHead("GET / HTTP/1.1\r\n", "Content-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n")},
	} {
		want := cmp.Or(tt.want, tt.in)
		if tt.name == "HTTP/1.0" {
			want = "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n" + refusedHead("GET / HTTP/1.1\r\n", body[len("GET / HTTP/1.1\r\n"):])
		}
		for _, n := range []int{1, 2, 3, 7, 4096} {
			t.Run(tt.name+"/"+strconv.Itoa(n), func(t *testing.T) {
				c := newFramingConn(&chunkedConn{r: strings.NewReader(tt.in), n: n})
				got, err := io.ReadAll(c)
				if err != nil || string(got) != want {
					t.Errorf("got %q, %v\nwant %q", got, err, want)
				}
			})
		}
	}
}

// FuzzFramingConn checks that the guard only ever adds its refusal line,
// whatever the stream and however it is split.
func FuzzFramingConn(f *testing.F) {
	f.Add(smuggle, 3)
	f.Add("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"+smuggle, 1)
	f.Fuzz(func(t *testing.T, in string, n int) {
		n = 1 + int(uint(n)%64)
		got, err := io.ReadAll(newFramingConn(&chunkedConn{r: strings.NewReader(in), n: n}))
		if err != nil {
			t.Fatal(err)
		}
		if r := string(refusal); strings.ReplaceAll(string(got), r, "") != strings.ReplaceAll(in, r, "") {
			t.Errorf("%q became %q", in, got)
		}
	})
}

// TestFramingHijacked checks that a hijacked connection's bytes pass at
// once: after an upgrade they are not HTTP, and no head may be waited for.
func TestFramingHijacked(t *testing.T) {
	client, server := net.Pipe()
	defer client.Close()
	fc := newFramingConn(server)
	defer fc.Close()
	head := "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
	go func() {
		io.WriteString(client, head)
		io.WriteString(client, "\x81\x05hello")
	}()
	if got := readN(t, fc, len(head)); got != head {
		t.Fatalf("head %q", got)
	}
	fc.hijacked.Store(true) // as followHijacks on http.StateHijacked
	if got := readN(t, fc, 7); got != "\x81\x05hello" {
		t.Errorf("after the hijack: %q", got)
	}
}

func readN(t *testing.T, c net.Conn, n int) string {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	b := make([]byte, n)
	if _, err := io.ReadFull(c, b); err != nil {
		t.Fatalf("read: %v", err)
	}
	return string(b)
}

// FuzzFramingAgrees reads a request stream with net/http's parser, through
// the guard and without it: the requests must be the same until the guard
// refuses one, and that one must be chunked to net/http, which then drops
// its Content-Length (or HTTP/1.0, whose Transfer-Encoding it ignores). A guard that lost the framing would refuse inside a
// body, or let a head with both headers through.
func FuzzFramingAgrees(f *testing.F) {
	f.Add(smuggle)
	f.Add("POST / HTTP/1.0\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\nx")
	f.Add("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /b HTTP/1.1\r\nHost: x\r\n\r\n")
	f.Add("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;x\r\nabc\r\n0\r\nT: 1\r\n\r\n" + smuggle)
	f.Fuzz(func(t *testing.T, in string) {
		if strings.Contains(in, string(refusal)) {
			return
		}
		plain := bufio.NewReader(strings.NewReader(in))
		guarded := bufio.NewReader(newFramingConn(&chunkedConn{r: strings.NewReader(in), n: 4096}))
		for {
			want, werr := readWhole(plain)
			got, gerr := readWhole(guarded)
			switch {
			case werr != nil && gerr != nil:
				return
			case gerr != nil && want.TransferEncoding == nil && want.ProtoAtLeast(1, 1):
				t.Fatalf("refused %s %s, which is not chunked: %v", want.Method, want.URL, gerr)
			case gerr != nil:
				return
			case werr != nil:
				t.Fatalf("the guard let %s %s through; net/http: %v", got.Method, got.URL, werr)
			case got.Method != want.Method || got.URL.String() != want.URL.String() || got.Body.(*wholeBody).s != want.Body.(*wholeBody).s:
				t.Fatalf("guarded %s %s %q, plain %s %s %q", got.Method, got.URL, got.Body.(*wholeBody).s,
					want.Method, want.URL, want.Body.(*wholeBody).s)
			}
		}
	})
}

// readWhole reads a request and its body, as a server that goes on to the
// next request.
func readWhole(br *bufio.Reader) (*http.Request, error) {
	r, err := http.ReadRequest(br)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	r.Body = &wholeBody{s: string(b)}
	return r, nil
}

type wholeBody struct{ s string }

func (*wholeBody) Read([]byte) (int, error) { return 0, io.EOF }
func (*wholeBody) Close() error             { return nil }
