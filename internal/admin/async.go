package admin

import (
	"net/http"
	"time"
)

// Async is what the admin API shows and does of the event-driven side.
type Async interface {
	// Pending counts the queued asynchronous events per function.
	Pending() map[string]int
	// NextTimes gives each schedule's next fire time, by rule name.
	NextTimes() map[string]time.Time
	// Trigger fires the schedules of a function now and says how many.
	Trigger(function string) int
}

// AsyncStatus is the answer of GET PathAsync.
type AsyncStatus struct {
	// Pending are the queued events (waiting, running or waiting for a
	// retry) per function.
	Pending map[string]int `json:"pending"`
	// Schedules are the next fire times by rule name; a schedule that never
	// fires again is left out.
	Schedules map[string]time.Time `json:"schedules"`
}

// asyncHandler lists the pending asynchronous events and the schedules.
type asyncHandler struct{ a Async }

func (h asyncHandler) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	st := AsyncStatus{Pending: h.a.Pending(), Schedules: map[string]time.Time{}}
	for name, t := range h.a.NextTimes() {
		if !t.IsZero() {
			st.Schedules[name] = t
		}
	}
	writeJSON(w, http.StatusOK, st)
}
