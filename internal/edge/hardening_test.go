package edge

import (
	"errors"
	"io"
	"net"
	"net/http"
	"os"
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
