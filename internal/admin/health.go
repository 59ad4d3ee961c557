package admin

import "net/http"

// healthHandler answers liveness checks.
type healthHandler struct{}

func (healthHandler) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
