package runtimeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// fakeRuntime is a runtime written in the test: a real HTTP client against
// a real Server, so each protocol step can be driven and checked.
type fakeRuntime struct {
	t      *testing.T
	base   string
	client *http.Client
}

func newRuntime(t *testing.T, s *Server) *fakeRuntime {
	t.Helper()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &fakeRuntime{t: t, base: "http://" + s.Addr() + APIVersion, client: &http.Client{Transport: tr}}
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r reply) errorType() string {
	var e errorResponse
	_ = json.Unmarshal(r.body, &e)
	return e.ErrorType
}

func (f *fakeRuntime) do(req *http.Request) reply {
	f.t.Helper()
	res, err := f.client.Do(req)
	if err != nil {
		f.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		f.t.Fatalf("%s %s: reading body: %v", req.Method, req.URL.Path, err)
	}
	return reply{res.StatusCode, res.Header, body}
}

func (f *fakeRuntime) next() reply {
	f.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, f.base+"/runtime/invocation/next", nil)
	return f.do(req)
}

func (f *fakeRuntime) post(path string, body []byte, header map[string]string) reply {
	f.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, f.base+path, bytes.NewReader(body))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return f.do(req)
}

func startServer(t *testing.T) *Server {
	t.Helper()
	s, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// invokeAsync runs Invoke in a goroutine and returns where its answer arrives.
type invokeResult struct {
	out *Outcome
	err error
}

func invokeAsync(ctx context.Context, s *Server, inv *Invocation) <-chan invokeResult {
	ch := make(chan invokeResult, 1)
	go func() {
		out, err := s.Invoke(ctx, inv)
		ch <- invokeResult{out, err}
	}()
	return ch
}

func await(t *testing.T, ch <-chan invokeResult) invokeResult {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(30 * time.Second):
		t.Fatal("Invoke did not return in 30s")
	}
	return invokeResult{}
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
