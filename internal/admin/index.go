package admin

import "net/http"

// PathIndex lists what the admin listener serves.
const PathIndex = "/{$}"

// An Endpoint is one entry of the index that GET / answers.
type Endpoint struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	About  string `json:"about"`
	// Public is set for the endpoints that need no admin token.
	Public bool `json:"public,omitempty"`
}

// ownEndpoints are the admin API's own endpoints, in the index's order.
var ownEndpoints = []Endpoint{
	{"GET", "/", "this index", true},
	{"GET", PathHealth, "liveness: {\"status\":\"ok\"}", true},
	{"GET", PathCacheStats, "the cache's entries, bytes and hit ratio", false},
	{"POST", PathInvalidations, "remove paths from a distribution's cache (verge invalidate)", false},
	{"GET", PathMetrics, "Prometheus metrics", false},
}

// asyncEndpoints are served when Config.Async is set.
var asyncEndpoints = []Endpoint{
	{"GET", PathAsync, "the queued asynchronous events and the schedules", false},
	{"POST", PathTrigger, "fire a function's schedules now (verge trigger)", false},
}

// index is the body of GET /: what the listener serves and how to
// authenticate.
type index struct {
	Service   string     `json:"service"`
	Auth      string     `json:"auth"`
	Endpoints []Endpoint `json:"endpoints"`
}

// indexHandler answers GET / with the index. It needs no token, like
// the health check: it tells only which paths exist, which the README
// tells too.
func indexHandler(c Config) http.Handler {
	ix := index{
		Service:   "Verge admin API",
		Auth:      "Authorization: Bearer TOKEN (the token file dev and serve print), or an AWS SigV4 signature with the token as the secret access key",
		Endpoints: append([]Endpoint(nil), ownEndpoints...),
	}
	if c.Async != nil {
		ix.Endpoints = append(ix.Endpoints, asyncEndpoints...)
	}
	ix.Endpoints = append(ix.Endpoints, c.Endpoints...)
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, http.StatusOK, ix) })
}

// isIndex reports whether r asks for the index: a plain GET or HEAD of /,
// not an AWS query-protocol call, which also uses /.
func isIndex(r *http.Request) bool {
	return r.URL.Path == "/" && r.URL.RawQuery == "" && (r.Method == http.MethodGet || r.Method == http.MethodHead)
}
