// Package admin is Verge's admin API: health, cache statistics,
// invalidations and Prometheus metrics. Every endpoint but the health check
// requires the admin token, on loopback too: functions run on the same
// machine and must not drive it.
package admin

import (
	"encoding/json"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/verge-edge/verge/internal/edge"
)

// Paths of the admin API.
const (
	PathHealth        = "/healthz"
	PathCacheStats    = "/cache/stats"
	PathInvalidations = "/invalidations"
	PathMetrics       = "/metrics"
	// PathAsync lists the queued asynchronous events and the schedules.
	PathAsync = "/async"
	// PathTrigger fires a function's schedules now ({function} is its name).
	PathTrigger = "/schedules/{function}/trigger"
)

// Config configures the admin handler.
type Config struct {
	// Edge is the CDN being administered.
	Edge *edge.Server
	// Metrics are the edge's counters (for the hit ratio); may be nil.
	Metrics *edge.Metrics
	// Registry is served at /metrics.
	Registry *prometheus.Registry
	// Token is required as "Authorization: Bearer TOKEN" or as the secret
	// access key of a SigV4 signature (the AWS SDKs); empty refuses all.
	Token string
	// Async is the event-driven side (queue and schedules); nil leaves
	// PathAsync and PathTrigger out.
	Async Async
	// Routes, when set, adds more endpoints (the Lambda API, logs) to the
	// admin listener, behind the same token check.
	Routes func(mux *http.ServeMux)
	// Endpoints describe what Routes adds, for the index at /.
	Endpoints []Endpoint
	// Refuse, when set, writes a refusal in the error shape of the protocol
	// r speaks (the AWS APIs, whose SDKs read their own) and reports
	// whether r spoke one; otherwise the admin API's error is written.
	Refuse func(w http.ResponseWriter, r *http.Request, f Refusal) bool
}

// New returns the admin API handler.
func New(c Config) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET "+PathHealth, healthHandler{})
	mux.Handle("GET "+PathCacheStats, statsHandler{c.Edge, c.Metrics})
	mux.Handle("POST "+PathInvalidations, invalidateHandler{c.Edge})
	if c.Registry != nil {
		mux.Handle("GET "+PathMetrics, promhttp.HandlerFor(c.Registry, promhttp.HandlerOpts{}))
	}
	for path, allow := range map[string]string{PathHealth: "GET", PathCacheStats: "GET", PathInvalidations: "POST", PathMetrics: "GET"} {
		mux.Handle(path, methodNotAllowed(allow))
	}
	if c.Async != nil {
		mux.Handle("GET "+PathAsync, asyncHandler{c.Async})
		mux.Handle("POST "+PathTrigger, triggerHandler{c.Async})
	}
	if c.Routes != nil {
		c.Routes(mux)
	}
	mux.Handle("GET "+PathIndex, indexHandler(c))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { writeError(w, errNotFound, r.URL.Path) })
	return authenticate(c, mux)
}

// methodNotAllowed answers the methods an endpoint does not take; the mux
// sends it only what the method-specific pattern did not match.
func methodNotAllowed(allow string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		writeError(w, errMethod, r.Method)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
