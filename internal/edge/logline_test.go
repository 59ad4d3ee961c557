package edge

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// TestLogged: a front door's requests reach the access log and Requests
// through Logged, with their status and size and no cache result.
func TestLogged(t *testing.T) {
	var mu sync.Mutex
	var got []LogLine
	var alog bytes.Buffer
	s := New(Options{AccessLog: &alog, Requests: func(l *LogLine) {
		mu.Lock()
		got = append(got, *l)
		mu.Unlock()
	}})
	h := s.Logged("api", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTeapot)
		w.Write([]byte("short and stout"))
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "http://api.localhost/brew?x=1", nil))
	s.Close(context.Background())
	s.Store().Close()
	if len(got) != 1 {
		t.Fatalf("%d lines; want 1", len(got))
	}
	l := got[0]
	if l.Method != "POST" || l.Host != "api.localhost" || l.Path != "/brew" || l.Query != "x=1" || l.Status != 418 ||
		l.Bytes != 15 || l.Result != "" || l.Target != "api" || l.ID == "" {
		t.Errorf("line %+v", l)
	}
	if !strings.Contains(alog.String(), `"sc-status":418`) || !strings.Contains(alog.String(), `"distribution":"api"`) {
		t.Errorf("access log %s", alog.String())
	}
	plain := New(Options{})
	defer plain.Store().Close()
	if plain.Logged("x", http.NotFoundHandler()) == nil {
		t.Error("Logged with no log returned nil")
	}
}
