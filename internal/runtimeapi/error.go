package runtimeapi

import (
	"io"
	"net/http"
)

// handleError is POST /runtime/invocation/{id}/error: the function failed.
func (s *Server) handleError(w http.ResponseWriter, r *http.Request) {
	c, ok := s.claim(w, r, stateErrorResp)
	if !ok {
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxErrorSize)) // a broken-off body is still the error
	s.finish(c, &Outcome{
		Payload:     body,
		ContentType: contentTypeOr(r, contentTypeJSON),
		Error:       true,
		ErrorType:   orUnknown(errorTypeFor(r, body)),
	})
	renderAccepted(w)
}

// orUnknown gives an error without any type RIE's Runtime.Unknown.
func orUnknown(t string) string {
	if t == "" {
		return ErrTypeRuntimeUnknown
	}
	return t
}

// claim checks that the runtime is Running the invocation the path names
// and moves it to state to; otherwise it answers 403 or 400 as RIE does.
func (s *Server) claim(w http.ResponseWriter, r *http.Request, to string) (*call, bool) {
	id := r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != stateRunning {
		renderStateTransition(w, s.state, to)
		return nil, false
	}
	if s.current == nil || s.current.inv.RequestID != id {
		renderError(w, http.StatusBadRequest, ErrTypeInvalidRequestID, msgInvalidID)
		return nil, false
	}
	s.state = to
	return s.current, true
}

// finish hands out to the waiting Invoke; the runtime may poll /next again.
func (s *Server) finish(c *call, out *Outcome) {
	s.mu.Lock()
	s.state, s.current = stateResultSent, nil
	s.mu.Unlock()
	c.result <- result{out: out}
}
