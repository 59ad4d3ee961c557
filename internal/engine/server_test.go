package engine

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/verge-edge/verge/internal/edge"
)

// TestServerH2C: a listener's server answers HTTP/2 with prior knowledge
// (h2c) through the framing guard, and a streamed response reaches the
// client message by message, as an event stream needs; HTTP/1.1 still
// works on the same listener.
func TestServerH2C(t *testing.T) {
	next := make(chan struct{})
	srv := newServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Proto", r.Proto)
		io.WriteString(w, "first\n")
		http.NewResponseController(w).Flush()
		select {
		case <-next:
		case <-r.Context().Done():
			return
		}
		io.WriteString(w, "second\n")
	}), nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(guard(srv, "test", ln, edge.NewMetrics(prometheus.NewRegistry())))
	defer srv.Close()

	var p http.Protocols
	p.SetUnencryptedHTTP2(true)
	h2 := &http.Transport{Protocols: &p}
	defer h2.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+ln.Addr().String()+"/", nil)
	resp, err := h2.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.ProtoMajor != 2 || resp.Header.Get("X-Proto") != "HTTP/2.0" {
		t.Fatalf("protocol %s, handler saw %s", resp.Proto, resp.Header.Get("X-Proto"))
	}
	br := bufio.NewReader(resp.Body)
	if line, err := br.ReadString('\n'); err != nil || line != "first\n" {
		t.Fatalf("first message before the second was written: %q %v", line, err)
	}
	close(next)
	if line, err := br.ReadString('\n'); err != nil || line != "second\n" {
		t.Fatalf("second message: %q %v", line, err)
	}

	h1 := &http.Transport{}
	defer h1.CloseIdleConnections()
	req, _ = http.NewRequestWithContext(ctx, http.MethodGet, "http://"+ln.Addr().String()+"/", nil)
	resp1, err := h1.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp1.Body)
	resp1.Body.Close()
	if resp1.ProtoMajor != 1 || string(b) != "first\nsecond\n" {
		t.Errorf("HTTP/1.1: %s %q", resp1.Proto, b)
	}
}

// TestListenersH2C: both of an engine's listeners, the viewer's (behind
// the edge's fast path) and the admin one (the AWS endpoint), answer an
// h2c client over HTTP/2.
func TestListenersH2C(t *testing.T) {
	e := open(t, t.TempDir())
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		e.Close(ctx)
	}()
	var p http.Protocols
	p.SetUnencryptedHTTP2(true)
	tr := &http.Transport{Protocols: &p}
	defer tr.CloseIdleConnections()
	viewer, admin := e.Addrs()
	for name, addr := range map[string]string{"viewer": viewer, "admin": admin} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/healthz", nil)
		resp, err := tr.RoundTrip(req)
		cancel()
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.ProtoMajor != 2 {
			t.Errorf("%s answered over %s", name, resp.Proto)
		}
	}
}
