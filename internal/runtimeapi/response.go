package runtimeapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// handleResponse is POST /runtime/invocation/{id}/response: the result.
func (s *Server) handleResponse(w http.ResponseWriter, r *http.Request) {
	c, ok := s.claim(w, r, stateResponse)
	if !ok {
		return
	}
	mode := r.Header.Get(HeaderResponseMode)
	switch mode {
	case "":
		s.bufferedResponse(w, r, c)
	case ResponseModeStreaming:
		s.streamedResponse(w, r, c)
	default:
		s.finish(c, &Outcome{Error: true, ErrorType: ErrTypeInvalidResponseModeHeader, Payload: []byte{}, ContentType: r.Header.Get(headerContentType)})
		renderError(w, http.StatusBadRequest, ErrTypeInvalidResponseMode, msgInvalidMode)
	}
}

// bufferedResponse reads a response of at most MaxResponseSize bytes; a
// larger one becomes AWS's Function.ResponseSizeTooLarge error and a 413.
func (s *Server) bufferedResponse(w http.ResponseWriter, r *http.Request, c *call) {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxResponseSize+1))
	if err != nil {
		s.truncated(w, c)
		return
	}
	if len(body) > MaxResponseSize {
		rest, _ := io.Copy(io.Discard, r.Body) // AWS names the full size
		s.finish(c, tooLarge(int64(len(body))+rest, MaxResponseSize))
		renderError(w, http.StatusRequestEntityTooLarge, ErrTypeRequestEntityTooLarge, fmt.Sprintf(msgTooLarge, MaxResponseSize))
		return
	}
	s.finish(c, &Outcome{Payload: body, ContentType: contentTypeOr(r, contentTypeJSON)})
	renderAccepted(w)
}

// streamedResponse collects a chunked body and honours the error trailers.
func (s *Server) streamedResponse(w http.ResponseWriter, r *http.Request, c *call) {
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(r.Body, MaxStreamedResponseSize+1))
	if err != nil {
		s.truncated(w, c)
		return
	}
	if n > MaxStreamedResponseSize {
		rest, _ := io.Copy(io.Discard, r.Body)
		s.finish(c, tooLarge(n+rest, MaxStreamedResponseSize))
		renderError(w, http.StatusRequestEntityTooLarge, ErrTypeRequestEntityTooLarge, fmt.Sprintf(msgTooLarge, MaxStreamedResponseSize))
		return
	}
	out := &Outcome{Payload: buf.Bytes(), ContentType: contentTypeOr(r, contentTypeBytes), Streamed: true}
	if t := r.Trailer.Get(HeaderErrorType); t != "" {
		out.Error, out.ErrorType = true, t
		out.Payload, out.ContentType = trailerBody(r.Trailer.Get(HeaderErrorBody)), contentTypeJSON
	}
	s.finish(c, out)
	renderAccepted(w)
}

// trailerBody decodes the base64 Lambda-Runtime-Function-Error-Body trailer.
func trailerBody(v string) []byte {
	if b, err := base64.StdEncoding.DecodeString(v); err == nil {
		return b
	}
	return []byte(v)
}

// truncated answers a body that broke off (the runtime died mid-post).
func (s *Server) truncated(w http.ResponseWriter, c *call) {
	s.finish(c, &Outcome{Error: true, ErrorType: ErrTypeTruncatedResponse, ContentType: contentTypeJSON,
		Payload: functionError(ErrTypeTruncatedResponse, msgTruncated)})
	renderError(w, http.StatusBadRequest, "TruncatedHTTPRequest", msgTruncated)
}

// tooLarge is the Outcome AWS gives for an oversized response.
func tooLarge(size, limit int64) *Outcome {
	return &Outcome{Error: true, ErrorType: ErrTypeResponseSizeTooLarge, ContentType: contentTypeJSON,
		Payload: functionError(ErrTypeResponseSizeTooLarge, fmt.Sprintf(msgResponseTooBig, size, limit))}
}

// functionError is the JSON AWS returns for a platform-detected function error.
func functionError(errorType, msg string) []byte {
	b, _ := json.Marshal(errorResponse{ErrorMessage: msg, ErrorType: errorType})
	return b
}

func contentTypeOr(r *http.Request, def string) string {
	if ct := r.Header.Get(headerContentType); ct != "" {
		return ct
	}
	return def
}
