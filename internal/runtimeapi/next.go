package runtimeapi

import (
	"fmt"
	"net/http"
	"strconv"
)

// handleNext is GET /runtime/invocation/next: the long poll. The first one
// marks init done; each one ends the previous invocation.
func (s *Server) handleNext(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	switch s.state {
	case stateStarted, stateResultSent:
	default:
		from := s.state
		s.mu.Unlock()
		renderStateTransition(w, from, stateReady)
		return
	}
	if s.state == stateStarted {
		close(s.ready)
	}
	s.state = stateReady
	s.current = nil
	s.armFreeze()
	s.mu.Unlock()

	select {
	case c := <-s.calls:
		if r.Context().Err() != nil { // it died as the event arrived
			c.result <- result{err: fmt.Errorf("%w: %w", ErrNotDelivered, ErrRuntimeExited)}
			s.markGone(nil)
			return
		}
		s.mu.Lock()
		s.state, s.current = stateRunning, c
		s.mu.Unlock()
		writeEvent(w, c.inv)
	case <-r.Context().Done():
		// A runtime never abandons /next: its connection closed, it died.
		s.mu.Lock()
		s.state = stateResultSent // a reconnecting runtime may poll again
		s.mu.Unlock()
		s.markGone(nil)
	case <-s.closing:
		renderError(w, http.StatusInternalServerError, ErrTypeInternalServerError, "Internal Server Error")
	}
}

// writeEvent renders inv as the /next answer; headers only when non-empty.
func writeEvent(w http.ResponseWriter, inv *Invocation) {
	h := w.Header()
	set := func(k, v string) {
		if v != "" {
			h.Set(k, v)
		}
	}
	set(HeaderRequestID, inv.RequestID)
	set(HeaderTraceID, inv.TraceID)
	set(HeaderClientContext, inv.ClientContext)
	set(HeaderCognitoIdentity, inv.CognitoIdentity)
	set(HeaderFunctionARN, inv.FunctionARN)
	if !inv.Deadline.IsZero() {
		h.Set(HeaderDeadlineMs, strconv.FormatInt(inv.Deadline.UnixMilli(), 10))
	}
	h.Set(headerContentType, contentTypeJSON)
	h.Set("Content-Length", strconv.Itoa(len(inv.Payload)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(inv.Payload)
}
