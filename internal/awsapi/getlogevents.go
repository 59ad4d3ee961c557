package awsapi

import (
	"net/http"
	"time"

	"github.com/verge-edge/verge/internal/logs"
)

type getLogEventsInput struct {
	groupRef
	LogStreamName string  `json:"logStreamName"`
	StartTime     *int64  `json:"startTime"`
	EndTime       *int64  `json:"endTime"`
	StartFromHead bool    `json:"startFromHead"`
	Limit         *int32  `json:"limit"`
	NextToken     *string `json:"nextToken"`
}

type outputLogEvent struct {
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
}

type getLogEventsOutput struct {
	Events            []outputLogEvent `json:"events"`
	NextForwardToken  string           `json:"nextForwardToken"`
	NextBackwardToken string           `json:"nextBackwardToken"`
}

// getLogEvents is GetLogEvents: a stream's events in [startTime, endTime),
// the newest limit of them, or the oldest with startFromHead. The tokens
// are indexes into that range; a forward token returns itself at the end,
// which is how the SDKs' paginators know to stop.
func (l *logsAPI) getLogEvents(w http.ResponseWriter, r *http.Request) error {
	var in getLogEventsInput
	if err := readJSON(r, &in); err != nil {
		return err
	}
	group, err := in.name()
	if err != nil {
		return err
	}
	if in.LogStreamName == "" {
		return errInvalidParameter.With("1 validation error detected: Value null at 'logStreamName' failed to satisfy constraint: Member must not be null")
	}
	limit, err := checkLimit(in.Limit, maxEventsLimit, maxEventsLimit)
	if err != nil {
		return err
	}
	q := logs.Query{Since: fromMillis(in.StartTime)}
	if in.EndTime != nil { // exclusive here, unlike FilterLogEvents
		q.Until = fromMillis(in.EndTime).Add(-time.Millisecond)
	}
	if !q.Until.IsZero() && q.Until.Before(q.Since) {
		return errInvalidParameter.With("endTime must be greater than startTime.")
	}
	all, err := l.store.Query(group, q)
	if err != nil {
		return storeError(err)
	}
	evs := all[:0]
	for _, ev := range all {
		if ev.Stream == in.LogStreamName {
			evs = append(evs, ev)
		}
	}
	// A stream exists when made by CreateLogStream or through its events.
	if len(evs) == 0 {
		ok, err := l.store.HasStream(group, in.LogStreamName)
		if err != nil {
			return storeError(err)
		}
		if !ok {
			return errNotFound.With("The specified log stream does not exist.")
		}
	}
	n := int64(len(evs))
	var from, to int64
	switch {
	case in.NextToken != nil:
		kind, v, err := parseToken(*in.NextToken, 1, tokenForward, tokenBackward)
		if err != nil {
			return err
		}
		pos := min(v[0], n)
		if kind == tokenForward {
			from, to = pos, min(n, pos+int64(limit))
		} else {
			from, to = max(0, pos-int64(limit)), pos
		}
	case in.StartFromHead:
		from, to = 0, min(n, int64(limit))
	default:
		from, to = max(0, n-int64(limit)), n
	}
	out := getLogEventsOutput{
		Events:            make([]outputLogEvent, 0, to-from),
		NextForwardToken:  makeToken(tokenForward, to),
		NextBackwardToken: makeToken(tokenBackward, from),
	}
	for _, ev := range evs[from:to] {
		ms := millis(ev.Time)
		out.Events = append(out.Events, outputLogEvent{Timestamp: ms, Message: ev.Message, IngestionTime: ms})
	}
	return writeJSON(w, http.StatusOK, out)
}
