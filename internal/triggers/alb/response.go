package alb

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// Error is a failure ALB answers with an HTTP status of its own.
type Error struct {
	Status int   // HTTP status to answer with
	Err    error // what went wrong, for logs
}

func (e *Error) Error() string {
	return fmt.Sprintf("alb %d: %v", e.Status, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// StatusOf is the status ALB answers err with: an *Error's status, else
// StatusBadGateway (a function error or any other failure to get a result).
func StatusOf(err error) int {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Status
	}
	return StatusBadGateway
}

// Response is a function's result mapped to HTTP.
type Response struct {
	Status      int
	Description string // statusDescription, informative only
	Header      http.Header
	Body        []byte
}

// ParseResponse maps a function's result JSON as ALB does; headers come from
// multiValueHeaders when t.MultiValueHeaders is set, else from headers (the
// other field is ignored). A malformed or oversized result fails with an
// *Error of StatusBadGateway.
func ParseResponse(payload []byte, t Target) (*Response, error) {
	if len(payload) > MaxResponse {
		return nil, badGateway("result of %d bytes over %d", len(payload), MaxResponse)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(payload, &fields); err != nil || fields == nil {
		return nil, badGateway("result is not a JSON object")
	}
	resp := &Response{Header: http.Header{}}
	if err := parseStatus(fields, resp); err != nil {
		return nil, err
	}
	if err := parseHeaders(fields, t.MultiValueHeaders, resp.Header); err != nil {
		return nil, err
	}
	body, err := parseBody(fields)
	if err != nil {
		return nil, err
	}
	resp.Body = body
	return resp, nil
}

// parseStatus reads statusCode (required, 200-599) and statusDescription.
func parseStatus(fields map[string]json.RawMessage, resp *Response) error {
	raw, ok := fields[fieldStatusCode]
	if !ok {
		return badGateway("result has no %s", fieldStatusCode)
	}
	if err := json.Unmarshal(raw, &resp.Status); err != nil || resp.Status < 200 || resp.Status > 599 {
		return badGateway("%s %s is not an HTTP status (200-599)", fieldStatusCode, raw)
	}
	if err := optional(fields, fieldStatusDescription, &resp.Description); err != nil {
		return err
	}
	return nil
}

// parseHeaders copies the selected header field into h, without hop-by-hop
// headers and Content-Length.
func parseHeaders(fields map[string]json.RawMessage, multi bool, h http.Header) error {
	if multi {
		var mv map[string][]string
		if err := optional(fields, fieldMultiValueHeaders, &mv); err != nil {
			return err
		}
		for k, vs := range mv {
			for _, v := range vs {
				addHeader(h, k, v)
			}
		}
		return nil
	}
	var sv map[string]string
	if err := optional(fields, fieldHeaders, &sv); err != nil {
		return err
	}
	for k, v := range sv {
		addHeader(h, k, v)
	}
	return nil
}

// addHeader adds k: v unless k is dropped by ALB.
func addHeader(h http.Header, k, v string) {
	if hopByHop[http.CanonicalHeaderKey(k)] {
		return
	}
	h.Add(k, v)
}

// parseBody reads body, decoding it when isBase64Encoded.
func parseBody(fields map[string]json.RawMessage) ([]byte, error) {
	var body string
	var b64 bool
	if err := optional(fields, fieldBody, &body); err != nil {
		return nil, err
	}
	if err := optional(fields, fieldIsBase64Encoded, &b64); err != nil {
		return nil, err
	}
	if !b64 {
		return []byte(body), nil
	}
	out, err := base64.StdEncoding.DecodeString(body)
	if err != nil {
		return nil, badGateway("%s: %v", fieldBody, err)
	}
	return out, nil
}

// optional decodes field name into v when present and not null.
func optional(fields map[string]json.RawMessage, name string, v any) error {
	raw, ok := fields[name]
	if !ok || bytes.Equal(raw, []byte("null")) {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return badGateway("result field %s: %v", name, err)
	}
	return nil
}

func badGateway(format string, args ...any) *Error {
	return &Error{Status: StatusBadGateway, Err: fmt.Errorf(format, args...)}
}

// Write sends resp on w with a computed Content-Length. Go's reason phrase
// replaces statusDescription.
func (resp *Response) Write(w http.ResponseWriter) {
	h := w.Header()
	for k, vs := range resp.Header {
		h[k] = append(h[k], vs...)
	}
	if _, ok := h[headerContentType]; !ok {
		h[headerContentType] = nil // no sniffing: ALB sends none
	}
	h.Set("Content-Length", strconv.Itoa(len(resp.Body)))
	w.WriteHeader(resp.Status)
	_, _ = w.Write(resp.Body) // the client is gone; nothing to do
}

// WriteError sends ALB's own error page for status.
func WriteError(w http.ResponseWriter, status int) {
	text := strconv.Itoa(status) + " " + http.StatusText(status)
	body := "<html>\r\n<head><title>" + text + "</title></head>\r\n<body>\r\n<center><h1>" + text +
		"</h1></center>\r\n</body>\r\n</html>\r\n"
	h := w.Header()
	h.Set("Server", serverName)
	h.Set(headerContentType, "text/html")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}
