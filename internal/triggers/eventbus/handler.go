package eventbus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"time"

	"github.com/google/uuid"
)

// Publisher stores an event (an envelope) on a bus.
type Publisher interface {
	Publish(ctx context.Context, bus string, event []byte) error
}

// NewHandler serves EventBridge's PutEvents (AWS JSON 1.1: POST with
// X-Amz-Target AWSEvents.PutEvents) so the AWS SDKs work with an endpoint
// override. Each valid entry's envelope goes to p.Publish; buses says
// whether a bus exists (nil: only "default" does). Invalid entries fail on
// their own, in the response's Entries, as AWS's do.
func NewHandler(p Publisher, buses func(name string) bool) http.Handler {
	if buses == nil {
		buses = func(name string) bool { return name == DefaultBus }
	}
	return &handler{pub: p, buses: buses}
}

type handler struct {
	pub   Publisher
	buses func(string) bool
}

type putEventsInput struct {
	Entries    []Entry `json:"Entries"`
	EndpointID string  `json:"EndpointId,omitempty"`
}

type resultEntry struct {
	EventID      string `json:"EventId,omitempty"`
	ErrorCode    string `json:"ErrorCode,omitempty"`
	ErrorMessage string `json:"ErrorMessage,omitempty"`
}

type putEventsOutput struct {
	Entries          []resultEntry `json:"Entries"`
	FailedEntryCount int           `json:"FailedEntryCount"`
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set(HeaderRequestID, uuid.NewString())
	in, status, typ, msg := readRequest(w, r)
	if typ != "" {
		writeError(w, status, typ, msg)
		return
	}
	out := putEventsOutput{Entries: make([]resultEntry, len(in.Entries))}
	now := time.Now()
	for i, e := range in.Entries {
		out.Entries[i] = h.put(r.Context(), e, now)
		if out.Entries[i].ErrorCode != "" {
			out.FailedEntryCount++
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// readRequest decodes and validates the whole request; on failure it
// returns the HTTP status, AWS error type and message.
func readRequest(w http.ResponseWriter, r *http.Request) (in putEventsInput, status int, typ, msg string) {
	if r.Method != http.MethodPost {
		return in, http.StatusMethodNotAllowed, errUnknownOperation, "PutEvents takes POST, not " + r.Method
	}
	if t := r.Header.Get(HeaderTarget); t != TargetPutEvents {
		return in, http.StatusBadRequest, errUnknownOperation, fmt.Sprintf("operation %q is not supported (only %s)", t, TargetPutEvents)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return in, http.StatusRequestEntityTooLarge, errValidation, fmt.Sprintf("request body is over %d bytes", maxBody)
	case err != nil:
		return in, http.StatusBadRequest, errSerialization, "reading the request body: " + err.Error()
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return in, http.StatusBadRequest, errSerialization, "request body is not a PutEvents request: " + err.Error()
	}
	if n := len(in.Entries); n < 1 || n > MaxEntries {
		return in, http.StatusBadRequest, errValidation, fmt.Sprintf("1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and %d (got %d)", MaxEntries, n)
	}
	total := 0
	for _, e := range in.Entries {
		total += e.size()
	}
	if total > MaxRequestSize {
		return in, http.StatusBadRequest, errValidation, fmt.Sprintf("Total size of the entries in the request is over the limit (%d > %d bytes).", total, MaxRequestSize)
	}
	return in, 0, "", ""
}

// put checks and publishes one entry.
func (h *handler) put(ctx context.Context, e Entry, now time.Time) resultEntry {
	if err := e.Check(); err != nil {
		var ee *EntryError
		if errors.As(err, &ee) {
			return resultEntry{ErrorCode: ee.Code, ErrorMessage: ee.Message}
		}
		return resultEntry{ErrorCode: CodeInvalidArgument, ErrorMessage: err.Error()}
	}
	bus := BusName(e.EventBusName)
	if !h.buses(bus) {
		return resultEntry{ErrorCode: CodeNotFound, ErrorMessage: "Event bus " + bus + " does not exist."}
	}
	id := uuid.NewString()
	if err := h.pub.Publish(ctx, bus, Envelope(e, id, now)); err != nil {
		return resultEntry{ErrorCode: CodeInternalFailure, ErrorMessage: "publishing to event bus " + bus + ": " + err.Error()}
	}
	return resultEntry{EventID: id}
}

// writeError writes an AWS JSON 1.1 error: the type in X-Amzn-ErrorType and
// as the body's __type, which is where the SDKs look.
func writeError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set(HeaderErrorType, typ)
	writeJSON(w, status, struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}{typ, msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"__type":"InternalFailure","message":"encoding the response"}`)
	}
	w.Header().Set("Content-Type", ContentType)
	w.WriteHeader(status)
	w.Write(b)
}
