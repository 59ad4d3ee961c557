package awsapi

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
	"github.com/google/uuid"
	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/logs"
)

type startLiveTailInput struct {
	LogGroupIdentifiers   []string `json:"logGroupIdentifiers"`
	LogStreamNames        []string `json:"logStreamNames"`
	LogStreamNamePrefixes []string `json:"logStreamNamePrefixes"`
	LogEventFilterPattern string   `json:"logEventFilterPattern"`
}

type liveTailSessionStart struct {
	RequestID             string   `json:"requestId"`
	SessionID             string   `json:"sessionId"`
	LogGroupIdentifiers   []string `json:"logGroupIdentifiers"`
	LogStreamNames        []string `json:"logStreamNames,omitempty"`
	LogStreamNamePrefixes []string `json:"logStreamNamePrefixes,omitempty"`
	LogEventFilterPattern string   `json:"logEventFilterPattern,omitempty"`
}

type liveTailLogEvent struct {
	LogStreamName      string `json:"logStreamName"`
	LogGroupIdentifier string `json:"logGroupIdentifier"`
	Message            string `json:"message"`
	Timestamp          int64  `json:"timestamp"`
	IngestionTime      int64  `json:"ingestionTime"`
}

type liveTailSessionUpdate struct {
	SessionMetadata struct {
		Sampled bool `json:"sampled"`
	} `json:"sessionMetadata"`
	SessionResults []liveTailLogEvent `json:"sessionResults"`
}

// tailBatch is a batch of new events of one group.
type tailBatch struct {
	group string // the ARN the session reports
	evs   []logs.Event
}

// startLiveTail is StartLiveTail: an event stream (AWS's binary framing)
// of an initial-response, a sessionStart, then a sessionUpdate per batch
// of new events as the store receives them (and an empty one each quiet
// Heartbeat, as AWS sends), until the client leaves or SessionTimeout,
// which ends it with a SessionTimeoutException. Errors found before the
// stream starts are ordinary JSON errors.
func (l *logsAPI) startLiveTail(w http.ResponseWriter, r *http.Request) error {
	var in startLiveTailInput
	if err := readJSON(r, &in); err != nil {
		return err
	}
	groups, err := l.liveTailGroups(in)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	batches := make(chan tailBatch, 64)
	ready := make(chan struct{}, len(groups))
	errc := make(chan error, len(groups))
	want := liveTailStreams(in.LogStreamNames, in.LogStreamNamePrefixes)
	for _, g := range groups {
		id := arn.LogGroupBare(g)
		go func() {
			started := false
			errc <- l.store.Tail(ctx, g, logs.Query{Filter: in.LogEventFilterPattern}, func(evs []logs.Event) error {
				if !started {
					started = true
					ready <- struct{}{}
				}
				if len(evs) == 0 {
					return nil
				}
				select {
				case batches <- tailBatch{group: id, evs: evs}:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			})
		}()
	}
	// Every group is followed before sessionStart is sent: an event written
	// once the client has it is in the session.
	for range groups {
		select {
		case <-ready:
		case err := <-errc:
			return storeError(err)
		}
	}

	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // a session outlives the listener's write timeout
	w.Header().Set("Content-Type", contentEventStream)
	w.WriteHeader(http.StatusOK)
	es := &eventWriter{w: w, rc: rc, enc: eventstream.NewEncoder()}
	start := liveTailSessionStart{
		RequestID:             w.Header().Get(HeaderRequestID),
		SessionID:             uuid.NewString(),
		LogStreamNames:        in.LogStreamNames,
		LogStreamNamePrefixes: in.LogStreamNamePrefixes,
		LogEventFilterPattern: in.LogEventFilterPattern,
	}
	for _, g := range groups {
		start.LogGroupIdentifiers = append(start.LogGroupIdentifiers, arn.LogGroupBare(g))
	}
	if es.event(esInitialResponse, struct{}{}) != nil || es.event(eventSessionStart, start) != nil {
		return nil
	}

	timeout := time.NewTimer(l.opts.SessionTimeout)
	defer timeout.Stop()
	beat := time.NewTicker(l.opts.Heartbeat)
	defer beat.Stop()
	for {
		var up liveTailSessionUpdate
		up.SessionResults = []liveTailLogEvent{}
		select {
		case <-ctx.Done():
			return nil
		case <-timeout.C:
			es.exception(errSessionTimeout.With("Session timed out after " + l.opts.SessionTimeout.String() + "."))
			return nil
		case err := <-errc:
			if ctx.Err() == nil {
				es.exception(errSessionStreaming.With("The session ended: " + err.Error()))
			}
			return nil
		case b := <-batches:
			up.SessionResults = appendLiveEvents(up.SessionResults, b, want)
			// Take what else is already waiting: one message for a burst.
			for more := true; more; {
				select {
				case b := <-batches:
					up.SessionResults = appendLiveEvents(up.SessionResults, b, want)
				default:
					more = false
				}
			}
			if len(up.SessionResults) == 0 {
				continue
			}
			beat.Reset(l.opts.Heartbeat)
		case <-beat.C:
		}
		if es.event(eventSessionUpdate, up) != nil {
			return nil
		}
	}
}

// liveTailGroups validates a StartLiveTail request and returns the names
// of the groups it tails.
func (l *logsAPI) liveTailGroups(in startLiveTailInput) ([]string, error) {
	switch n := len(in.LogGroupIdentifiers); {
	case n == 0:
		return nil, errInvalidParameter.With("1 validation error detected: Value null at 'logGroupIdentifiers' failed to satisfy constraint: Member must not be null")
	case n > maxLiveTailGroups:
		return nil, errInvalidParameter.Withf("logGroupIdentifiers: at most %d log groups, not %d.", maxLiveTailGroups, n)
	case len(in.LogStreamNames) > 0 && len(in.LogStreamNamePrefixes) > 0:
		return nil, errInvalidParameter.With("logStreamNames and logStreamNamePrefixes are mutually exclusive parameters.")
	case n > 1 && (len(in.LogStreamNames) > 0 || len(in.LogStreamNamePrefixes) > 0):
		return nil, errInvalidParameter.With("logStreamNames and logStreamNamePrefixes can be given only with a single log group.")
	}
	if _, err := logs.ParseFilter(in.LogEventFilterPattern); err != nil {
		return nil, storeError(err)
	}
	var groups []string
	for _, id := range in.LogGroupIdentifiers {
		g := groupName(id)
		if _, err := l.store.Info(g); err != nil {
			return nil, storeError(err)
		}
		groups = append(groups, g)
	}
	return groups, nil
}

// liveTailStreams selects streams by names or by prefixes; neither
// selects every stream.
func liveTailStreams(names, prefixes []string) func(string) bool {
	if len(prefixes) == 0 {
		return streamMatcher(names, "")
	}
	return func(s string) bool {
		for _, p := range prefixes {
			if strings.HasPrefix(s, p) {
				return true
			}
		}
		return false
	}
}

func appendLiveEvents(out []liveTailLogEvent, b tailBatch, want func(string) bool) []liveTailLogEvent {
	for _, ev := range b.evs {
		if want(ev.Stream) {
			ms := millis(ev.Time)
			out = append(out, liveTailLogEvent{LogStreamName: ev.Stream, LogGroupIdentifier: b.group, Message: ev.Message, Timestamp: ms, IngestionTime: ms})
		}
	}
	return out
}

// eventWriter writes event stream messages, each flushed at once.
type eventWriter struct {
	w   io.Writer
	rc  *http.ResponseController
	enc *eventstream.Encoder
	// cbor writes payloads in CBOR (a CBOR request's stream), not JSON.
	cbor bool
}

// event writes an event of type typ with v as its JSON payload.
func (e *eventWriter) event(typ string, v any) error {
	return e.write(esEvent, esEventType, typ, v)
}

// exception writes err as an exception message, which ends a stream.
func (e *eventWriter) exception(err *Error) {
	_ = e.write(esException, esExceptionType, err.Code, jsonError{Type: err.Code, Message: err.Message})
}

func (e *eventWriter) write(kind, typeHeader, typ string, v any) error {
	b, ct, err := e.marshal(v)
	if err != nil {
		return err
	}
	var m eventstream.Message
	m.Headers.Set(esMessageType, eventstream.StringValue(kind))
	m.Headers.Set(typeHeader, eventstream.StringValue(typ))
	m.Headers.Set(esContentType, eventstream.StringValue(ct))
	m.Payload = b
	if err := e.enc.Encode(e.w, m); err != nil {
		return err
	}
	return e.rc.Flush()
}

// marshal encodes a payload, with its content type.
func (e *eventWriter) marshal(v any) ([]byte, string, error) {
	if f, ok := v.(fastOutput); ok {
		if e.cbor {
			return f.appendCBOR(make([]byte, 0, f.size())), contentCBOR, nil
		}
		return f.appendJSON(make([]byte, 0, f.size())), contentJSON, nil
	}
	if e.cbor {
		b, err := cborEnc.Marshal(v)
		return b, contentCBOR, err
	}
	b, err := json.Marshal(v)
	return b, contentJSON, err
}
