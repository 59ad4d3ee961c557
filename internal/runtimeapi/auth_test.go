package runtimeapi

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
)

// TestSecretPrefix: a process that found the port but not the secret gets
// 403 on every route, while the owner waits in /next and while it runs an
// invocation, and the owner's invocation gets the owner's answer.
func TestSecretPrefix(t *testing.T) {
	s := startServer(t)
	if !strings.HasPrefix(s.Addr(), s.HostPort()+"/") || len(s.Addr()) != len(s.HostPort())+1+2*tokenBytes {
		t.Fatalf("Addr = %q, want %s/<%d hex digits>", s.Addr(), s.HostPort(), 2*tokenBytes)
	}
	bases := []struct{ name, base string }{
		{"missing", "http://" + s.HostPort()},
		{"wrong", "http://" + s.HostPort() + "/" + strings.Repeat("0", 2*tokenBytes)},
		{"truncated", "http://" + s.Addr()[:len(s.Addr())-1]},
		{"extended", "http://" + s.Addr() + "0"},
		{"other server's", "http://" + s.HostPort() + startServer(t).prefix},
	}
	routes := []struct{ name, method, path string }{
		{"next", http.MethodGet, "/runtime/invocation/next"},
		{"response", http.MethodPost, "/runtime/invocation/req-1/response"},
		{"error", http.MethodPost, "/runtime/invocation/req-1/error"},
		{"init error", http.MethodPost, "/runtime/init/error"},
		{"ping", http.MethodGet, "/ping"},
	}
	attack := func(t *testing.T) {
		for _, b := range bases {
			for _, r := range routes {
				t.Run(b.name+"/"+r.name, func(t *testing.T) {
					intruder := &fakeRuntime{t: t, base: b.base + APIVersion, client: http.DefaultClient}
					if r.name == "ping" {
						intruder.base = b.base
					}
					req, _ := http.NewRequest(r.method, intruder.base+r.path, bytes.NewReader([]byte(`{"forged":true}`)))
					got := intruder.do(req)
					if got.status != http.StatusForbidden || got.errorType() != ErrTypeAccessDenied {
						t.Errorf("%s %s = %d %s, want 403 %s", r.method, req.URL.Path, got.status, got.body, ErrTypeAccessDenied)
					}
				})
			}
		}
		http.DefaultClient.CloseIdleConnections()
	}

	owner := newRuntime(t, s)
	waiting := make(chan reply, 1)
	go func() { waiting <- owner.next() }()
	ping := owner.do(mustRequest(http.MethodGet, "http://"+s.Addr()+"/ping"))
	if ping.status != http.StatusOK || string(ping.body) != "pong" {
		t.Fatalf("owner's ping = %d %s", ping.status, ping.body)
	}
	t.Run("owner waiting", attack) // owner's /next is pending (or about to be)
	ch := invokeAsync(testContext(t), s, &Invocation{RequestID: "req-1", Payload: []byte(`{"n":1}`)})
	if ev := <-waiting; ev.status != http.StatusOK || ev.header.Get(HeaderRequestID) != "req-1" {
		t.Fatalf("owner's next = %d %s, want the event req-1", ev.status, ev.body)
	}
	t.Run("owner running", attack)
	if got := owner.post("/runtime/invocation/req-1/response", []byte(`{"real":true}`), nil); got.status != http.StatusAccepted {
		t.Fatalf("owner's response = %d %s", got.status, got.body)
	}
	r := await(t, ch)
	if r.err != nil || string(r.out.Payload) != `{"real":true}` {
		t.Fatalf("Invoke = %v %+v, want the owner's answer", r.err, r.out)
	}
	// The runtime is still usable: nothing the intruder did marked it gone.
	ch = invokeAsync(testContext(t), s, &Invocation{RequestID: "req-2"})
	if ev := owner.next(); ev.header.Get(HeaderRequestID) != "req-2" {
		t.Fatalf("second next = %d %s", ev.status, ev.body)
	}
	owner.post("/runtime/invocation/req-2/response", []byte("2"), nil)
	if r := await(t, ch); r.err != nil || string(r.out.Payload) != "2" {
		t.Fatalf("second Invoke = %v %+v", r.err, r.out)
	}
}

func mustRequest(method, url string) *http.Request {
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		panic(err)
	}
	return req
}

func TestHasSecretPrefix(t *testing.T) {
	const p = "/0123456789abcdef01234567"
	tests := []struct {
		path string
		want bool
	}{
		{p + "/2018-06-01/runtime/invocation/next", true},
		{p + "/", true},
		{p, false},
		{p + "x/2018-06-01", false},
		{"/2018-06-01/runtime/invocation/next", false},
		{"/0123456789abcdef01234568/2018-06-01", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := hasSecretPrefix(tt.path, p); got != tt.want {
			t.Errorf("hasSecretPrefix(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { hasSecretPrefix(p+"/2018-06-01/runtime/invocation/next", p) }); n != 0 {
		t.Errorf("hasSecretPrefix allocates %v times", n)
	}
}
