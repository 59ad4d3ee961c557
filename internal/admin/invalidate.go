package admin

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/verge-edge/verge/internal/edge"
)

// Invalidation is the body of POST /invalidations, as CloudFront's
// CreateInvalidation: paths, each exact or ending in "*".
type Invalidation struct {
	// Distribution names the CDN; empty for all of them.
	Distribution string `json:"distribution,omitempty"`
	// Paths to remove from the cache.
	Paths []string `json:"paths"`
}

// InvalidationResult is the answer.
type InvalidationResult struct {
	Distribution string   `json:"distribution,omitempty"`
	Paths        []string `json:"paths"`
	// Removed counts the cache entries removed (variants included).
	Removed int `json:"removed"`
}

type invalidateHandler struct{ edge *edge.Server }

func (h invalidateHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var inv Invalidation
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&inv); err != nil {
		writeError(w, errBadRequest, err.Error())
		return
	}
	if !validPaths(inv.Paths) {
		writeError(w, errNoPaths, "")
		return
	}
	if inv.Distribution != "" {
		if _, ok := h.edge.Hosts()[inv.Distribution]; !ok {
			writeError(w, errUnknownDist, inv.Distribution)
			return
		}
	}
	n := h.edge.Invalidate(inv.Distribution, inv.Paths)
	writeJSON(w, http.StatusOK, InvalidationResult{Distribution: inv.Distribution, Paths: inv.Paths, Removed: n})
}

// validPaths accepts CloudFront's invalidation paths: starting with "/",
// with "*" only as the last character.
func validPaths(paths []string) bool {
	if len(paths) == 0 {
		return false
	}
	for _, p := range paths {
		if !strings.HasPrefix(p, "/") || strings.Contains(strings.TrimSuffix(p, "*"), "*") {
			return false
		}
	}
	return true
}
