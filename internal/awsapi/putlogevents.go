package awsapi

import (
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/verge-edge/verge/internal/logs"
)

// PutLogEvents' limits, as AWS documents them.
const (
	maxPutEvents      = 10000
	maxPutBatchBytes  = 1 << 20
	putEventOverhead  = 26 // bytes counted per event beside its message
	maxPutFuture      = 2 * time.Hour
	maxPutPast        = 14 * 24 * time.Hour
	maxPutBatchSpan   = 24 * time.Hour
	sequenceTokenSize = 56 // digits, as AWS's tokens have
)

type inputLogEvent struct {
	Timestamp *int64  `json:"timestamp"`
	Message   *string `json:"message"`
}

type putLogEventsInput struct {
	LogGroupName  *string         `json:"logGroupName"`
	LogStreamName *string         `json:"logStreamName"`
	LogEvents     []inputLogEvent `json:"logEvents"`
	SequenceToken *string         `json:"sequenceToken"` // ignored, as AWS now does
}

type rejectedLogEventsInfo struct {
	TooNewLogEventStartIndex *int `json:"tooNewLogEventStartIndex,omitempty"`
	TooOldLogEventEndIndex   *int `json:"tooOldLogEventEndIndex,omitempty"`
	ExpiredLogEventEndIndex  *int `json:"expiredLogEventEndIndex,omitempty"`
}

type putLogEventsOutput struct {
	NextSequenceToken     string                 `json:"nextSequenceToken"`
	RejectedLogEventsInfo *rejectedLogEventsInfo `json:"rejectedLogEventsInfo,omitempty"`
}

// sequence numbers the tokens PutLogEvents returns; clients may send them
// back and they are ignored.
var sequence atomic.Uint64

// putLogEvents is PutLogEvents: a batch in chronological order to an
// existing stream. A batch that breaks a limit fails whole; events too far
// in the future, older than 14 days or than the group's retention are
// left out and reported in rejectedLogEventsInfo, and the rest stored.
func (l *logsAPI) putLogEvents(w http.ResponseWriter, r *http.Request) error {
	var in putLogEventsInput
	if err := readJSON(r, &in); err != nil {
		return err
	}
	if err := checkPutLogEvents(&in); err != nil {
		return err
	}
	group, stream := *in.LogGroupName, *in.LogStreamName
	info, err := l.store.Info(group)
	if err != nil {
		return storeError(err)
	}
	now := time.Now()
	evs, rejected := admit(in.LogEvents, now, info.Retention)
	if len(evs) > 0 && evs[len(evs)-1].Time.Sub(evs[0].Time) > maxPutBatchSpan {
		return errInvalidParameter.With("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
	}
	if err := l.store.PutEvents(r.Context(), group, stream, evs); err != nil {
		return streamError(err)
	}
	out := putLogEventsOutput{NextSequenceToken: fmt.Sprintf("%0*d", sequenceTokenSize, sequence.Add(1))}
	if rejected != (rejectedLogEventsInfo{}) {
		out.RejectedLogEventsInfo = &rejected
	}
	return writeJSON(w, http.StatusOK, out)
}

// checkPutLogEvents validates a request against the model and the batch
// limits that fail it whole.
func checkPutLogEvents(in *putLogEventsInput) error {
	var v validation
	v.groupName(in.LogGroupName)
	v.streamName(in.LogStreamName)
	v.list("logEvents", in.LogEvents == nil, len(in.LogEvents), 1, maxPutEvents)
	for i, ev := range in.LogEvents {
		member := "logEvents." + strconv.Itoa(i+1) + ".member."
		if ev.Timestamp == nil {
			v.add(nil, member+"timestamp", "Member must not be null")
		}
		if v.required(ev.Message, member+"message") {
			v.length(ev.Message, member+"message", 1, 0)
		}
	}
	if err := v.err(); err != nil {
		return err
	}
	size := 0
	for _, ev := range in.LogEvents {
		n := len(*ev.Message) + putEventOverhead
		if n > logs.MaxMessageBytes {
			return errInvalidParameter.Withf("Log event too large: %d bytes exceeds limit of %d", n, logs.MaxMessageBytes)
		}
		size += n
	}
	if size > maxPutBatchBytes {
		return errInvalidParameter.Withf("Upload too large: %d bytes exceeds limit of %d", size, maxPutBatchBytes)
	}
	for i := 1; i < len(in.LogEvents); i++ {
		if *in.LogEvents[i].Timestamp < *in.LogEvents[i-1].Timestamp {
			return errInvalidParameter.With("Log events in a single PutLogEvents request must be in chronological order.")
		}
	}
	return nil
}

// admit splits a chronological batch into the events to store and the
// indexes AWS reports for the others: the first too new (inclusive), and
// the ends (exclusive) of the runs too old and expired.
func admit(in []inputLogEvent, now time.Time, retention time.Duration) ([]logs.Event, rejectedLogEventsInfo) {
	var rej rejectedLogEventsInfo
	newest := now.Add(maxPutFuture).UnixMilli()
	oldest := now.Add(-maxPutPast).UnixMilli()
	expired := int64(-1 << 62)
	if retention > 0 {
		expired = now.Add(-retention).UnixMilli()
	}
	evs := make([]logs.Event, 0, len(in))
	for i, ev := range in {
		ts := *ev.Timestamp
		switch {
		case ts > newest:
			if rej.TooNewLogEventStartIndex == nil {
				rej.TooNewLogEventStartIndex = ptr(i)
			}
			continue
		case ts < oldest || ts < expired:
			if ts < oldest {
				rej.TooOldLogEventEndIndex = ptr(i + 1)
			}
			if ts < expired {
				rej.ExpiredLogEventEndIndex = ptr(i + 1)
			}
			continue
		}
		evs = append(evs, logs.Event{Time: time.UnixMilli(ts).UTC(), Message: *ev.Message})
	}
	return evs, rej
}

func ptr[T any](v T) *T { return &v }
