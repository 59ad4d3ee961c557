package runtimes

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// wireRequest is one request the node bootstrap sent to rawAPI.
type wireRequest struct {
	req  *http.Request
	body []byte
	conn net.Conn // where to answer
	n    int      // the connection's number, from 1
}

// rawAPI is a Runtime API stand-in on raw TCP, so that a test writes the
// exact bytes of each answer.
type rawAPI struct {
	ln    net.Listener
	reqs  chan wireRequest
	wg    sync.WaitGroup
	mu    sync.Mutex
	conns []net.Conn
}

func startRawAPI(t *testing.T) *rawAPI {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a := &rawAPI{ln: ln, reqs: make(chan wireRequest, 16)}
	a.wg.Add(1)
	go a.accept()
	t.Cleanup(func() { // runs after the process's cleanup: nothing writes any more
		_ = ln.Close()
		a.mu.Lock()
		for _, c := range a.conns {
			_ = c.Close()
		}
		a.mu.Unlock()
		a.wg.Wait()
	})
	return a
}

func (a *rawAPI) accept() {
	defer a.wg.Done()
	for n := 1; ; n++ {
		c, err := a.ln.Accept()
		if err != nil {
			return
		}
		a.mu.Lock()
		a.conns = append(a.conns, c)
		a.mu.Unlock()
		a.wg.Add(1)
		go a.serve(c, n)
	}
}

// serve hands each request read from c to reqs.
func (a *rawAPI) serve(c net.Conn, n int) {
	defer a.wg.Done()
	br := bufio.NewReader(c)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return
		}
		select {
		case a.reqs <- wireRequest{req: req, body: body, conn: c, n: n}:
		default: // the test is not listening any more
			return
		}
	}
}

func (a *rawAPI) next(t *testing.T) wireRequest {
	t.Helper()
	select {
	case r := <-a.reqs:
		return r
	case <-time.After(30 * time.Second):
		t.Fatal("no request from the runtime")
		return wireRequest{}
	}
}

// writeSplit writes b in pieces of size bytes (all at once if size is 0).
func writeSplit(t *testing.T, c net.Conn, b string, size int) {
	t.Helper()
	if size == 0 {
		size = len(b)
	}
	for len(b) > 0 {
		n := min(size, len(b))
		if _, err := io.WriteString(c, b[:n]); err != nil {
			t.Fatal(err)
		}
		b = b[n:]
	}
}

// TestNodeWire drives the node bootstrap's HTTP client with hand-written
// Runtime API answers: framing, header case, split reads, closed
// connections, and the bodies and headers it posts back.
func TestNodeWire(t *testing.T) {
	id := nodeID(t)
	const event = `{"s":"é€😀 \" \\ \n","fail":false}`
	const failEvent = `{"fail":true}`
	head := func(extra string) string {
		return "HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: wire-1\r\nLambda-Runtime-Invoked-Function-Arn: arn:x\r\n" +
			"Content-Type: application/json\r\n" + extra + "\r\n"
	}
	withLength := func(body string) string { return head("Content-Length: "+strconv.Itoa(len(body))+"\r\n") + body }
	chunked := head("Transfer-Encoding: chunked\r\n") + "3;ext=1\r\n" + event[:3] + "\r\n" +
		strconv.FormatInt(int64(len(event)-3), 16) + "\r\n" + event[3:] + "\r\n0\r\nX-Trailer: t\r\n\r\n"
	tests := []struct {
		name        string
		answer      string // the raw /next answer
		split       int    // write it in pieces of this many bytes
		closeAfter  bool   // close the connection after the answer
		wantPath    string
		wantBody    string
		wantErrType string
	}{
		{name: "content-length", answer: withLength(event)},
		{name: "content-length byte by byte", answer: withLength(event), split: 1},
		{name: "chunked with extension and trailer", answer: chunked, split: 5},
		{name: "chunked byte by byte", answer: chunked, split: 1},
		{name: "header names in any case", answer: strings.NewReplacer("Lambda-Runtime-Aws-Request-Id", "LAMBDA-runtime-AWS-request-ID",
			"Lambda-Runtime-Invoked-Function-Arn", "lambda-runtime-invoked-function-arn").Replace(withLength(event))},
		{name: "body until the server closes", answer: head("Connection: close\r\n") + event, closeAfter: true},
		{name: "connection close with a length", answer: head("Connection: close\r\nContent-Length: "+strconv.Itoa(len(event))+"\r\n") + event, closeAfter: true},
		{name: "server closes the idle connection", answer: withLength(event), closeAfter: true},
		{name: "error post", answer: withLength(failEvent), wantPath: "/2018-06-01/runtime/invocation/wire-1/error", wantErrType: "Bad%0AType%7F"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api := startRawAPI(t)
			startProcess(t, id, "index.handler", map[string]string{"index.js": `
				exports.handler = async (e, ctx) => {
					if (e.fail) throw Object.assign(new Error("failed"), { name: "Bad\nType\x7F" });
					return { e, id: ctx.awsRequestId, arn: ctx.invokedFunctionArn };
				};`}, api.ln.Addr().String(), nil)
			r := api.next(t)
			if r.req.Method != http.MethodGet || r.req.URL.Path != "/2018-06-01/runtime/invocation/next" {
				t.Fatalf("first request %s %s, want GET /next", r.req.Method, r.req.URL.Path)
			}
			writeSplit(t, r.conn, tt.answer, tt.split)
			if tt.closeAfter {
				_ = r.conn.Close()
			}
			post := api.next(t)
			wantPath, wantBody := tt.wantPath, tt.wantBody
			if wantPath == "" {
				wantPath = "/2018-06-01/runtime/invocation/wire-1/response"
				wantBody = `{"e":` + event + `,"id":"wire-1","arn":"arn:x"}`
			}
			if post.req.Method != http.MethodPost || post.req.URL.Path != wantPath {
				t.Errorf("post %s %s, want POST %s", post.req.Method, post.req.URL.Path, wantPath)
			}
			if got := post.req.Header.Get("Content-Length"); got != strconv.Itoa(len(post.body)) {
				t.Errorf("Content-Length %s for a %d-byte body", got, len(post.body))
			}
			if wantBody != "" && string(post.body) != wantBody {
				t.Errorf("body %s, want %s", post.body, wantBody)
			}
			if got := post.req.Header.Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type %q, want application/json", got)
			}
			if got := post.req.Header.Get("Lambda-Runtime-Function-Error-Type"); got != tt.wantErrType {
				t.Errorf("error type header %q, want %q", got, tt.wantErrType)
			}
			if tt.closeAfter && post.n == r.n {
				t.Errorf("the post came on the closed connection %d", r.n)
			}
			if !tt.closeAfter && post.n != r.n {
				t.Errorf("the post came on connection %d, want the kept-alive %d", post.n, r.n)
			}
			_, _ = io.WriteString(post.conn, "HTTP/1.1 202 Accepted\r\nContent-Length: 16\r\n\r\n{\"status\":\"OK\"}\n")
			if r := api.next(t); r.req.URL.Path != "/2018-06-01/runtime/invocation/next" {
				t.Errorf("after the post: %s %s, want the next /next", r.req.Method, r.req.URL.Path)
			}
		})
	}
}

// TestNodeReconnects puts a proxy that closes every keep-alive connection
// as soon as it goes idle between the bootstrap and the Server: each call
// finds its connection closed or closing, and must reconnect.
func TestNodeReconnects(t *testing.T) {
	id := nodeID(t)
	var conns atomic.Int64
	sb := startFunctionVia(t, id, "index.handler", map[string]string{"index.js": `exports.handler = async (e) => e;`},
		func(addr string) string { return closingProxy(t, addr, &conns) })
	sb.init(t)
	const n = 30
	for i := range n {
		payload := fmt.Sprintf(`{"i":%d}`, i)
		if o := sb.invoke(t, fmt.Sprintf("re-%d", i), payload); o.Error || string(o.Payload) != payload {
			t.Fatalf("invoke %d = %s (error %v), want %s", i, o.Payload, o.Error, payload)
		}
	}
	if got := conns.Load(); got < n {
		t.Errorf("%d connections for %d invocations: the proxy did not close them", got, n)
	}
}

// closingProxy serves a reverse proxy to addr on 127.0.0.1:0 that closes
// each client connection when it goes idle, counting them in conns.
func closingProxy(t testing.TB, addr string, conns *atomic.Int64) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{}
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: addr})
	rp.Transport = tr
	srv := &http.Server{Handler: rp, ConnState: func(c net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			conns.Add(1)
		case http.StateIdle:
			_ = c.Close()
		}
	}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	t.Cleanup(func() { // after the process's: its /next ended with it
		_ = srv.Close()
		<-done
		tr.CloseIdleConnections()
	})
	return ln.Addr().String()
}
