package awsapi

import (
	"net/http"
	"slices"
	"strings"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/logs"
)

type describeLogStreamsInput struct {
	groupRef
	LogStreamNamePrefix string  `json:"logStreamNamePrefix"`
	OrderBy             string  `json:"orderBy"`
	Descending          bool    `json:"descending"`
	Limit               *int32  `json:"limit"`
	NextToken           *string `json:"nextToken"`
}

type logStream struct {
	LogStreamName       string `json:"logStreamName"`
	Arn                 string `json:"arn"`
	CreationTime        int64  `json:"creationTime"`
	FirstEventTimestamp int64  `json:"firstEventTimestamp"`
	LastEventTimestamp  int64  `json:"lastEventTimestamp"`
	LastIngestionTime   int64  `json:"lastIngestionTime"`
	StoredBytes         int64  `json:"storedBytes"`
}

type describeLogStreamsOutput struct {
	LogStreams []logStream `json:"logStreams"`
	NextToken  string      `json:"nextToken,omitempty"`
}

// describeLogStreams is DescribeLogStreams: a group's streams that hold
// events (a sandbox's stream appears with its first line), by name or by
// their newest event. The store keeps no ingestion time: it is the
// event's.
func (l *logsAPI) describeLogStreams(w http.ResponseWriter, r *http.Request) error {
	var in describeLogStreamsInput
	if err := readJSON(r, &in); err != nil {
		return err
	}
	group, err := in.name()
	if err != nil {
		return err
	}
	switch in.OrderBy {
	case "", orderByName:
	case orderByLastEventTime:
		if in.LogStreamNamePrefix != "" {
			return errInvalidParameter.With("Cannot order by LastEventTime with a logStreamNamePrefix.")
		}
	default:
		return errInvalidParameter.Withf("1 validation error detected: Value '%s' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]", in.OrderBy)
	}
	limit, err := checkLimit(in.Limit, maxDescribeLimit, maxDescribeLimit)
	if err != nil {
		return err
	}
	all, err := l.store.Streams(group)
	if err != nil {
		return storeError(err)
	}
	streams := all[:0]
	for _, s := range all {
		if strings.HasPrefix(s.Name, in.LogStreamNamePrefix) {
			streams = append(streams, s)
		}
	}
	if in.OrderBy == orderByLastEventTime {
		slices.SortStableFunc(streams, func(a, b logs.StreamInfo) int { return a.Last.Compare(b.Last) })
	}
	if in.Descending {
		slices.Reverse(streams)
	}
	from, to, next, err := pageBounds(len(streams), in.NextToken, limit)
	if err != nil {
		return err
	}
	out := describeLogStreamsOutput{LogStreams: []logStream{}, NextToken: next}
	for _, s := range streams[from:to] {
		out.LogStreams = append(out.LogStreams, logStream{
			LogStreamName:       s.Name,
			Arn:                 arn.LogStream(group, s.Name),
			CreationTime:        millis(s.First),
			FirstEventTimestamp: millis(s.First),
			LastEventTimestamp:  millis(s.Last),
			LastIngestionTime:   millis(s.Last),
			StoredBytes:         s.Bytes,
		})
	}
	return writeJSON(w, http.StatusOK, out)
}
