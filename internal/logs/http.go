package logs

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/verge-edge/verge/internal/errs"
)

// wireEvent is an event on the wire: one JSON object per line. A line with
// Error set ends a stream that failed after it started.
type wireEvent struct {
	Time    time.Time  `json:"time"`
	Stream  string     `json:"stream"`
	Message string     `json:"message"`
	Error   *wireError `json:"error,omitempty"`
}

// wireError is the error body, in the admin API's shape.
type wireError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type errorBody struct {
	Error wireError `json:"error"`
}

// Error codes of Handler, mapped from and to errs kinds.
var codes = []struct {
	code   string
	status int
	kind   errs.Kind
}{
	{"NoSuchLogGroup", http.StatusNotFound, errs.NotFound},
	{"InvalidRequest", http.StatusBadRequest, errs.Invalid},
	{"Unauthorized", http.StatusUnauthorized, errs.Permission},
	{"Unavailable", http.StatusServiceUnavailable, errs.Unavailable},
	{"MethodNotAllowed", http.StatusMethodNotAllowed, errs.Invalid},
	{"InternalError", http.StatusInternalServerError, errs.Internal},
}

func codeOf(err error) (string, int) {
	for _, c := range codes[:4] {
		if errs.Is(c.kind, err) {
			return c.code, c.status
		}
	}
	return "InternalError", http.StatusInternalServerError
}

// Handler serves s for `verge logs`:
//
//	GET ?group=/aws/lambda/NAME&since=10m&until=…&filter=…&limit=N&follow=1
//
// since and until take what ParseTime does (ages count back from the
// server's clock). The response is newline-delimited JSON events,
// {"time":"…","stream":"…","message":"…"}; with follow=1 it stays open and
// each batch of new events is flushed as it comes. Errors before the stream
// starts are a status and {"error":{"code":…,"message":…}}; an error after
// it (the store closing) is a last line of the same shape. Authentication
// is the admin listener's job.
func Handler(s *Store) http.Handler { return &handler{s: s} }

type handler struct{ s *Store }

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, "MethodNotAllowed", http.StatusMethodNotAllowed, "use GET")
		return
	}
	group, q, follow, err := parseRequest(r.URL.Query(), time.Now())
	if err == nil {
		_, _, err = h.s.prepare("logs.Handler", group, q)
	}
	if err != nil {
		code, status := codeOf(err)
		writeError(w, code, status, err.Error())
		return
	}
	if !follow {
		evs, err := h.s.Query(group, q)
		if err != nil {
			code, status := codeOf(err)
			writeError(w, code, status, err.Error())
			return
		}
		startStream(w)
		enc := json.NewEncoder(w)
		for _, ev := range evs {
			if enc.Encode(wireEvent{Time: ev.Time, Stream: ev.Stream, Message: ev.Message}) != nil {
				return
			}
		}
		return
	}
	h.follow(w, r, group, q)
}

func (h *handler) follow(w http.ResponseWriter, r *http.Request, group string, q Query) {
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // a follow outlives the listener's write timeout
	startStream(w)
	if rc.Flush() != nil {
		return
	}
	enc := json.NewEncoder(w)
	err := h.s.follow(r.Context(), group, q, true,
		func(ev Event) error {
			return enc.Encode(wireEvent{Time: ev.Time, Stream: ev.Stream, Message: ev.Message})
		},
		rc.Flush)
	if err != nil && r.Context().Err() == nil && errs.Is(errs.Unavailable, err) {
		code, _ := codeOf(err)
		_ = enc.Encode(wireEvent{Error: &wireError{Code: code, Message: err.Error()}})
	}
}

func startStream(w http.ResponseWriter) {
	h := w.Header()
	h.Set(hdrContentType, contentTypeNDJSON)
	h.Set(hdrCacheControl, "no-store")
	h.Set(hdrNoSniff, "nosniff")
	w.WriteHeader(http.StatusOK)
}

func writeError(w http.ResponseWriter, code string, status int, msg string) {
	w.Header().Set(hdrContentType, contentTypeJSON)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(errorBody{wireError{Code: code, Message: msg}})
}

// parseRequest reads Handler's query parameters.
func parseRequest(v url.Values, now time.Time) (group string, q Query, follow bool, err error) {
	const op errs.Op = "logs.Handler"
	group = v.Get(paramGroup)
	if group == "" {
		return "", q, false, errs.E(op, errs.Invalid, errs.Errorf("missing parameter %q", paramGroup))
	}
	if s := v.Get(paramSince); s != "" {
		if q.Since, err = ParseTime(s, now); err != nil {
			return "", q, false, errs.E(op, err)
		}
	}
	if s := v.Get(paramUntil); s != "" {
		if q.Until, err = ParseTime(s, now); err != nil {
			return "", q, false, errs.E(op, err)
		}
	}
	if s := v.Get(paramLimit); s != "" {
		if q.Limit, err = strconv.Atoi(s); err != nil || q.Limit < 0 {
			return "", q, false, errs.E(op, errs.Invalid, errs.Errorf("bad %s %q", paramLimit, s))
		}
	}
	q.Filter = v.Get(paramFilter)
	switch s := v.Get(paramFollow); s {
	case "", "0", "false":
	case "1", "true":
		follow = true
	default:
		return "", q, false, errs.E(op, errs.Invalid, errs.Errorf("bad %s %q", paramFollow, s))
	}
	return group, q, follow, nil
}

// Fetch is the client of Handler: it requests group's events matching q
// from rawURL (the admin base URL and the path Handler is mounted at), with
// token as a bearer token unless it is "", and calls fn for each event
// until the response ends (it returns nil), ctx ends (ctx.Err()), or fn
// fails (its error). A nil client means one without a timeout, which a
// follow needs. Errors carry errs kinds: NotFound for an unknown group,
// Invalid for a bad query, Permission for a refused token, Unavailable when
// the server cannot be reached.
func Fetch(ctx context.Context, client *http.Client, rawURL, token string, q Query, group string, follow bool, fn func(Event) error) error {
	const op errs.Op = "logs.Fetch"
	if client == nil {
		client = &http.Client{}
	}
	req, err := newRequest(ctx, rawURL, token, q, group, follow)
	if err != nil {
		return errs.E(op, errs.Invalid, rawURL, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return errs.E(op, errs.Unavailable, rawURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return errs.E(op, responseError(resp))
	}
	dec := json.NewDecoder(resp.Body)
	for {
		var w wireEvent
		err := dec.Decode(&w)
		switch {
		case err == io.EOF:
			return nil
		case err != nil && ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			return errs.E(op, errs.IO, rawURL, err)
		case w.Error != nil:
			kind, _ := kindOfCode(w.Error.Code)
			return errs.E(op, kind, group, errors.New(w.Error.Message))
		}
		if err := fn(Event{Time: w.Time, Stream: w.Stream, Message: w.Message}); err != nil {
			return err
		}
	}
}

func newRequest(ctx context.Context, rawURL, token string, q Query, group string, follow bool) (*http.Request, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	v := u.Query()
	v.Set(paramGroup, group)
	if !q.Since.IsZero() {
		v.Set(paramSince, q.Since.UTC().Format(time.RFC3339Nano))
	}
	if !q.Until.IsZero() {
		v.Set(paramUntil, q.Until.UTC().Format(time.RFC3339Nano))
	}
	if q.Filter != "" {
		v.Set(paramFilter, q.Filter)
	}
	if q.Limit != 0 {
		v.Set(paramLimit, strconv.Itoa(q.Limit))
	}
	if follow {
		v.Set(paramFollow, "1")
	}
	u.RawQuery = v.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	if token != "" {
		req.Header.Set(hdrAuthorization, "Bearer "+token)
	}
	return req, nil
}

// responseError turns an error response into an error of the matching kind.
func responseError(resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	var body errorBody
	msg := resp.Status
	if json.Unmarshal(b, &body) == nil && body.Error.Message != "" {
		msg = body.Error.Message
	}
	kind, known := kindOfCode(body.Error.Code)
	for _, c := range codes {
		if !known && c.status == resp.StatusCode {
			kind, known = c.kind, true
		}
	}
	if resp.StatusCode == http.StatusForbidden {
		kind = errs.Permission
	}
	return errs.E(kind, resp.Request.URL.Path, errors.New(msg))
}

// kindOfCode maps an error code to its kind; unknown codes are Unavailable.
func kindOfCode(code string) (errs.Kind, bool) {
	for _, c := range codes {
		if c.code == code {
			return c.kind, true
		}
	}
	return errs.Unavailable, false
}
