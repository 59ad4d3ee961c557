package admin

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/verge-edge/verge/internal/edge"
	"github.com/verge-edge/verge/internal/stack"
)

func newAdmin(t *testing.T, token string) http.Handler {
	t.Helper()
	dir := t.TempDir()
	s := edge.New(edge.Options{})
	t.Cleanup(func() { s.Close(context.Background()); s.Store().Close() })
	plan := &stack.Plan{Distributions: []stack.Distribution{{Name: "site", Behaviors: []stack.Behavior{{
		PathPattern: "*", Cache: stack.CachePolicy{MaxTTL: 60, QueryStrings: stack.KeyParts{Mode: stack.KeyNone}},
		Origin: stack.Origin{Kind: stack.OriginBucket, Bucket: &stack.BucketOrigin{Resource: "site", Directory: dir}},
	}}}}}
	if err := s.Load(plan, nil); err != nil {
		t.Fatal(err)
	}
	return New(Config{Edge: s, Registry: prometheus.NewRegistry(), Token: token})
}

func TestAdminAPI(t *testing.T) {
	h := newAdmin(t, "")
	type tc struct {
		method, path, body string
		status             int
		want               string
	}
	for _, c := range []tc{
		{"GET", "/healthz", "", 200, `"status": "ok"`},
		{"GET", "/cache/stats", "", 200, `"hitRatio": 0`},
		{"POST", "/invalidations", `{"distribution":"site","paths":["/a","/img/*"]}`, 200, `"removed": 0`},
		{"POST", "/invalidations", `{"paths":["/*"]}`, 200, `"removed"`},
		{"POST", "/invalidations", `{"distribution":"nope","paths":["/a"]}`, 404, "NoSuchDistribution"},
		{"POST", "/invalidations", `{"paths":[]}`, 400, "InvalidPaths"},
		{"POST", "/invalidations", `{"paths":["a"]}`, 400, "InvalidPaths"},
		{"POST", "/invalidations", `{"paths":["/a*b"]}`, 400, "InvalidPaths"},
		{"POST", "/invalidations", `{"paths":["/a"],"extra":1}`, 400, "InvalidRequest"},
		{"POST", "/invalidations", `not json`, 400, "InvalidRequest"},
		{"GET", "/invalidations", "", 405, "MethodNotAllowed"},
		{"DELETE", "/healthz", "", 405, "MethodNotAllowed"},
		{"GET", "/nope", "", 404, "NotFound"},
		{"GET", "/metrics", "", 200, ""},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(c.method, c.path, strings.NewReader(c.body)))
		if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.want) {
			t.Errorf("%s %s %s: %d %s", c.method, c.path, c.body, rec.Code, rec.Body.String())
		}
		if rec.Code >= 400 {
			var e errorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code == "" {
				t.Errorf("%s %s: error body is not from the catalog: %s", c.method, c.path, rec.Body.String())
			}
		}
	}
}

func TestAdminTokenRequired(t *testing.T) {
	h := newAdmin(t, "tok")
	for _, c := range []struct {
		auth   string
		status int
	}{{"", 401}, {"Bearer nope", 401}, {"Basic tok", 401}, {"Bearer tok", 200}} {
		req := httptest.NewRequest("GET", "/healthz", nil)
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != c.status {
			t.Errorf("%q: %d, want %d", c.auth, rec.Code, c.status)
		}
	}
}
