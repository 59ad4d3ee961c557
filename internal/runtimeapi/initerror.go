package runtimeapi

import (
	"encoding/json"
	"io"
	"net/http"
)

// handleInitError is POST /runtime/init/error: the function could not
// initialise. Allowed before the first /next and, as RIE allows, during an
// invocation (the Invoke then returns the *InitError).
func (s *Server) handleInitError(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxErrorSize))
	ct := contentTypeBytes
	if json.Valid(body) {
		ct = contentTypeJSON
	}
	ie := &InitError{ErrorType: orUnknown(errorTypeFor(r, body)), Payload: body, ContentType: ct}

	s.mu.Lock()
	from, c := s.state, s.current
	if from != stateStarted && from != stateRunning {
		s.mu.Unlock()
		renderStateTransition(w, from, stateInitError)
		return
	}
	s.state, s.current, s.initErr = stateInitError, nil, ie
	close(s.failed)
	s.mu.Unlock()

	if c != nil {
		c.result <- result{err: ie}
	}
	renderAccepted(w)
}
