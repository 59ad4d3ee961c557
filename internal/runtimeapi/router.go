package runtimeapi

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"
)

// router maps the Runtime API's paths, under the server's secret prefix, to
// their handlers; a request without the prefix gets 403 and never reaches
// the runtime's state.
func (s *Server) router() http.Handler {
	p := s.prefix
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+p+pathNext, s.handleNext)
	mux.HandleFunc("POST "+p+pathInitErr, s.handleInitError)
	mux.HandleFunc("POST "+p+pathInvoke+"{id}"+suffixResult, s.handleResponse)
	mux.HandleFunc("POST "+p+pathInvoke+"{id}"+suffixError, s.handleError)
	mux.HandleFunc("GET "+p+"/ping", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "pong") })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		renderError(w, http.StatusNotFound, ErrTypeNotFound, fmt.Sprintf("no route for %s %s", r.Method, r.URL.Path))
	})
	return s.guard(mux)
}

// guard answers 403 to a request whose path does not start with the secret
// prefix: another sandbox that found the port cannot take this runtime's
// events or answer for it.
func (s *Server) guard(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !hasSecretPrefix(r.URL.Path, s.prefix) {
			renderError(w, http.StatusForbidden, ErrTypeAccessDenied, msgAccessDenied)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// hasSecretPrefix reports whether path is prefix followed by "/", comparing
// in constant time so that the answer's timing does not leak the secret.
func hasSecretPrefix(path, prefix string) bool {
	if len(path) <= len(prefix) || path[len(prefix)] != '/' {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(path[:len(prefix)]), []byte(prefix)) == 1
}

// errorResponse is the body of the Runtime API's own error answers.
type errorResponse struct {
	ErrorMessage string `json:"errorMessage"`
	ErrorType    string `json:"errorType"`
}

func renderJSON(w http.ResponseWriter, status int, v any) {
	body, _ := json.Marshal(v)
	w.Header().Set(headerContentType, contentTypeJSON)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func renderError(w http.ResponseWriter, status int, errorType, msg string) {
	renderJSON(w, status, errorResponse{ErrorMessage: msg, ErrorType: errorType})
}

// renderAccepted is the 202 every successful POST gets.
func renderAccepted(w http.ResponseWriter) {
	renderJSON(w, http.StatusAccepted, struct {
		Status string `json:"status"`
	}{"OK"})
}

// renderStateTransition is RIE's 403 for a request the runtime's state does not allow.
func renderStateTransition(w http.ResponseWriter, from, to string) {
	renderError(w, http.StatusForbidden, ErrTypeInvalidStateTransition, fmt.Sprintf(msgStateTransition, from, to))
}

// quietLog drops net/http's own log lines (a runtime killed mid-request is normal).
func quietLog() *log.Logger { return log.New(io.Discard, "", 0) }

// errorTypeFor is the header's error type, else the body's errorType.
func errorTypeFor(r *http.Request, body []byte) string {
	if t := strings.TrimSpace(r.Header.Get(HeaderErrorType)); t != "" {
		return t
	}
	return errorTypeOf(body)
}
