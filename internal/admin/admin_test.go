package admin

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/verge-edge/verge/internal/edge"
	"github.com/verge-edge/verge/internal/stack"
)

const testToken = "tok"

// fakeAsync stands for the event-driven side.
type fakeAsync struct{}

func (fakeAsync) Pending() map[string]int         { return nil }
func (fakeAsync) NextTimes() map[string]time.Time { return nil }
func (fakeAsync) Trigger(string) int              { return 1 }

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
	return New(Config{Edge: s, Registry: prometheus.NewRegistry(), Token: token, Async: fakeAsync{},
		Routes: func(mux *http.ServeMux) {
			mux.HandleFunc("POST /2015-03-31/functions/{name}/invocations", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("{}")) })
		},
		Endpoints: []Endpoint{{Method: "GET", Path: "/logs", About: "logs"}},
		Refuse: func(w http.ResponseWriter, r *http.Request, f Refusal) bool {
			if !strings.HasPrefix(r.URL.Path, "/2015-03-31/") {
				return false
			}
			w.Header().Set("X-Amzn-ErrorType", map[bool]string{true: "InvalidSignatureException", false: "UnrecognizedClientException"}[f.BadSignature])
			w.WriteHeader(http.StatusForbidden)
			return true
		}})
}

func TestAdminAPI(t *testing.T) {
	h := newAdmin(t, testToken)
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
		req := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
		req.Header.Set("Authorization", "Bearer "+testToken)
		h.ServeHTTP(rec, req)
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

// TestAdminTokenRequired: every endpoint but the health check refuses a
// request without the token, from loopback too (functions run on the same
// machine), and serves it with the token as a bearer or SigV4 secret.
func TestAdminTokenRequired(t *testing.T) {
	h := newAdmin(t, testToken)
	type tc struct{ method, path, body string }
	endpoints := []tc{
		{"GET", "/cache/stats", ""},
		{"POST", "/invalidations", `{"paths":["/a"]}`},
		{"GET", "/metrics", ""},
		{"GET", "/async", ""},
		{"POST", "/schedules/f/trigger", ""},
		{"POST", "/2015-03-31/functions/f/invocations", "{}"},
		{"GET", "/nope", ""},
	}
	serve := func(c tc, auth func(*http.Request)) *httptest.ResponseRecorder {
		req := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
		req.RemoteAddr = "127.0.0.1:40000"
		auth(req)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	bearer := func(tok string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }
	}
	sign := func(secret string) func(*http.Request) {
		return func(r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			sum := sha256.Sum256(body)
			creds := aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: secret}
			if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), "lambda", "us-east-1", time.Now()); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, e := range endpoints {
		for _, a := range []struct {
			name string
			auth func(*http.Request)
			ok   bool
		}{
			{"none", func(*http.Request) {}, false},
			{"wrong bearer", bearer("nope"), false},
			{"basic", func(r *http.Request) { r.Header.Set("Authorization", "Basic "+testToken) }, false},
			{"wrong secret", sign("nope"), false},
			{"bearer", bearer(testToken), true},
			{"sigv4", sign(testToken), true},
		} {
			rec := serve(e, a.auth)
			refused := rec.Code == http.StatusUnauthorized || rec.Code == http.StatusForbidden
			if refused == a.ok {
				t.Errorf("%s %s, %s: %d %s", e.method, e.path, a.name, rec.Code, rec.Body.String())
			}
		}
	}
	if rec := serve(tc{"GET", "/healthz", ""}, func(*http.Request) {}); rec.Code != http.StatusOK {
		t.Errorf("/healthz without a token: %d, want 200 (probes have no token)", rec.Code)
	}
}

// TestAdminRefusals: a refusal is the admin API's own 401, or the shape
// the protocol's Refuse writes.
func TestAdminRefusals(t *testing.T) {
	h := newAdmin(t, testToken)
	for _, c := range []struct {
		path, auth string
		status     int
		want       string
	}{
		{"/cache/stats", "", 401, "Unauthorized"},
		{"/cache/stats", "Bearer nope", 401, "Unauthorized"},
		{"/2015-03-31/functions/f/invocations", "", 403, "UnrecognizedClientException"},
		{"/2015-03-31/functions/f/invocations", "AWS4-HMAC-SHA256 Credential=AKID/20261206/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
			403, "InvalidSignatureException"},
	} {
		req := httptest.NewRequest("POST", c.path, nil)
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		got := rec.Header().Get("X-Amzn-ErrorType") + rec.Body.String()
		if rec.Code != c.status || !strings.Contains(got, c.want) {
			t.Errorf("%s %q: %d %s; want %d %s", c.path, c.auth, rec.Code, got, c.status, c.want)
		}
	}
}

// TestAdminEmptyTokenRefusesAll: no token configured is no way in.
func TestAdminEmptyTokenRefusesAll(t *testing.T) {
	h := newAdmin(t, "")
	for _, auth := range []string{"", "Bearer ", "Bearer x"} {
		req := httptest.NewRequest("GET", "/cache/stats", nil)
		req.Header.Set("Authorization", auth)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("%q: %d, want 401", auth, rec.Code)
		}
	}
}

// TestAdminIndex: GET / lists the endpoints, the admin API's own and those
// Config.Endpoints describe, without a token (it tells only paths); a
// query-protocol call to / is not the index.
func TestAdminIndex(t *testing.T) {
	h := newAdmin(t, testToken)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	var ix index
	if err := json.Unmarshal(rec.Body.Bytes(), &ix); rec.Code != 200 || err != nil {
		t.Fatalf("GET /: %d %s (%v)", rec.Code, rec.Body.String(), err)
	}
	paths := map[string]bool{}
	for _, e := range ix.Endpoints {
		paths[e.Method+" "+e.Path] = true
	}
	for _, want := range []string{"GET /healthz", "GET /cache/stats", "POST /invalidations", "GET /metrics", "GET /async",
		"POST /schedules/{function}/trigger", "GET /logs"} {
		if !paths[want] {
			t.Errorf("the index lacks %s: %s", want, rec.Body.String())
		}
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/?Action=ListQueues", nil))
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("GET /?Action=… without a token: %d; want 401", rec.Code)
	}
}
