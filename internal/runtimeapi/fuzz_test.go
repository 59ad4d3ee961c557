package runtimeapi

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzPost throws arbitrary paths, headers and bodies at a running
// invocation: the server must answer with one of the Runtime API's
// statuses and never panic.
func FuzzPost(f *testing.F) {
	f.Add("/2018-06-01/runtime/invocation/id/response", "", []byte(`{}`))
	f.Add("/2018-06-01/runtime/invocation/id/error", "Runtime.X", []byte(`{"errorType":1}`))
	f.Add("/2018-06-01/runtime/init/error", "", []byte(`{"errorMessage":null}`))
	f.Add("/2018-06-01/runtime/invocation/%2F/response", "streaming", []byte("x"))
	f.Fuzz(func(t *testing.T, path, header string, body []byte) {
		s := &Server{calls: make(chan *call), closing: make(chan struct{}), ready: make(chan struct{}),
			failed: make(chan struct{}), gone: make(chan struct{})}
		c := &call{inv: &Invocation{RequestID: "id"}, result: make(chan result, 1)}
		s.state, s.current = stateRunning, c
		req, err := http.NewRequest(http.MethodPost, "http://x"+path, bytes.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set(HeaderErrorType, header)
		req.Header.Set(HeaderResponseMode, header)
		w := httptest.NewRecorder()
		s.router().ServeHTTP(w, req)
		switch w.Code {
		case 202, 400, 403, 404, 405, 413, 301, 307, 308: // redirects: ServeMux cleaning the path
		default:
			t.Fatalf("POST %q answered %d", path, w.Code)
		}
		if w.Code == 202 && len(c.result) != 1 {
			t.Fatalf("POST %q accepted but no outcome delivered", path)
		}
	})
}
