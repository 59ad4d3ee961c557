package admin

import "net/http"

// Triggered is the answer of POST PathTrigger.
type Triggered struct {
	Function string `json:"function"`
	// Fired is how many of the function's schedules fired.
	Fired int `json:"fired"`
}

// triggerHandler fires a function's schedules now.
type triggerHandler struct{ a Async }

func (h triggerHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fn := r.PathValue("function")
	n := h.a.Trigger(fn)
	if n == 0 {
		writeError(w, errNoSchedule, fn)
		return
	}
	writeJSON(w, http.StatusOK, Triggered{Function: fn, Fired: n})
}
