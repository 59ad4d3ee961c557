package awsapi

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"

	"github.com/verge-edge/verge/internal/logs"
)

type filterLogEventsInput struct {
	groupRef
	LogStreamNames      []string `json:"logStreamNames"`
	LogStreamNamePrefix string   `json:"logStreamNamePrefix"`
	StartTime           *int64   `json:"startTime"`
	EndTime             *int64   `json:"endTime"`
	FilterPattern       string   `json:"filterPattern"`
	Limit               *int32   `json:"limit"`
	NextToken           *string  `json:"nextToken"`
}

type filteredLogEvent struct {
	LogStreamName string `json:"logStreamName"`
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
	EventID       string `json:"eventId"`
}

type filterLogEventsOutput struct {
	Events    []filteredLogEvent `json:"events"`
	NextToken string             `json:"nextToken,omitempty"`
}

// filterLogEvents is FilterLogEvents: a group's events in [startTime,
// endTime] that match filterPattern (logs.Filter's grammar), oldest first,
// from the streams named. The token is the time reached and how many
// events at that millisecond were returned, so a page boundary inside a
// millisecond loses and repeats nothing.
func (l *logsAPI) filterLogEvents(w http.ResponseWriter, r *http.Request) error {
	var in filterLogEventsInput
	if err := readJSON(r, &in); err != nil {
		return err
	}
	group, err := in.name()
	if err != nil {
		return err
	}
	if len(in.LogStreamNames) > 0 && in.LogStreamNamePrefix != "" {
		return errInvalidParameter.With("logStreamNames and logStreamNamePrefix are mutually exclusive parameters.")
	}
	limit, err := checkLimit(in.Limit, maxEventsLimit, maxEventsLimit)
	if err != nil {
		return err
	}
	q := logs.Query{Since: fromMillis(in.StartTime), Until: fromMillis(in.EndTime), Filter: in.FilterPattern}
	if !q.Until.IsZero() && q.Until.Before(q.Since) {
		return errInvalidParameter.With("endTime must be greater than or equal to startTime.")
	}
	var at, skipped int64 = -1 << 62, 0
	if in.NextToken != nil {
		_, v, err := parseToken(*in.NextToken, 2, tokenTime)
		if err != nil {
			return err
		}
		at, skipped = v[0], v[1]
	}
	skip := skipped
	all, err := l.store.Query(group, q)
	if err != nil {
		return storeError(err)
	}
	want := streamMatcher(in.LogStreamNames, in.LogStreamNamePrefix)
	out := filterLogEventsOutput{Events: []filteredLogEvent{}}
	var ids eventIDs
	for _, ev := range all {
		if !want(ev.Stream) {
			continue
		}
		ms := millis(ev.Time)
		id := ids.next(ev)
		if ms < at {
			continue
		}
		if ms == at && skip > 0 {
			skip--
			continue
		}
		if len(out.Events) == limit {
			last := out.Events[limit-1].Timestamp
			n := int64(0)
			for _, e := range out.Events {
				if e.Timestamp == last {
					n++
				}
			}
			if last == at { // the page began inside this millisecond
				n += skipped
			}
			out.NextToken = makeToken(tokenTime, last, n)
			break
		}
		out.Events = append(out.Events, filteredLogEvent{LogStreamName: ev.Stream, Timestamp: ms, Message: ev.Message, IngestionTime: ms, EventID: id})
	}
	return writeJSON(w, http.StatusOK, out)
}

// streamMatcher selects streams by names or by a prefix; neither selects
// every stream.
func streamMatcher(names []string, prefix string) func(string) bool {
	if len(names) == 0 {
		return func(s string) bool { return strings.HasPrefix(s, prefix) }
	}
	set := map[string]bool{}
	for _, n := range names {
		set[n] = true
	}
	return func(s string) bool { return set[s] }
}

// eventIDs gives events stable ids: a hash of the event and of how many
// identical events came before it in its millisecond. `aws logs tail
// --follow` polls from the newest time it saw and drops the ids it has
// seen, so an event must keep its id from one call to the next. Events
// come in time order, so only the current millisecond is remembered.
type eventIDs struct {
	ms   int64
	seen map[string]int
}

func (e *eventIDs) next(ev logs.Event) string {
	ms := millis(ev.Time)
	if e.seen == nil || ms != e.ms {
		e.ms, e.seen = ms, map[string]int{}
	}
	key := strconv.FormatInt(ms, 10) + "\x00" + ev.Stream + "\x00" + ev.Message
	n := e.seen[key]
	e.seen[key] = n + 1
	sum := sha256.Sum256([]byte(key + "\x00" + strconv.Itoa(n)))
	return hex.EncodeToString(sum[:16])
}
