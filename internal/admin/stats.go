package admin

import (
	"net/http"

	"github.com/verge-edge/verge/internal/edge"
	"github.com/verge-edge/verge/internal/edge/cache"
)

// Stats is the body of GET /cache/stats.
type Stats struct {
	Memory cache.Stats `json:"memory"`
	Disk   cache.Stats `json:"disk"`
	// Requests counts viewer requests by x-edge-result-type.
	Requests map[string]float64 `json:"requests"`
	// HitRatio is (Hit + RefreshHit) / all requests, 0 before any.
	HitRatio float64 `json:"hitRatio"`
}

type statsHandler struct {
	edge    *edge.Server
	metrics *edge.Metrics
}

func (h statsHandler) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	var st Stats
	store := h.edge.Store()
	st.Memory = store.Stats()
	if t, ok := store.(*cache.Tiered); ok {
		st.Disk = t.DiskStats()
	}
	st.Requests = map[string]float64{}
	if h.metrics != nil {
		st.Requests = h.metrics.Counts()
		var all float64
		for _, n := range st.Requests {
			all += n
		}
		if all > 0 {
			st.HitRatio = (st.Requests["Hit"] + st.Requests["RefreshHit"]) / all
		}
	}
	writeJSON(w, http.StatusOK, st)
}
