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
	FirstEventTimestamp int64  `json:"firstEventTimestamp,omitempty"` // absent while empty
	LastEventTimestamp  int64  `json:"lastEventTimestamp,omitempty"`
	LastIngestionTime   int64  `json:"lastIngestionTime,omitempty"`
	StoredBytes         int64  `json:"storedBytes"`
}

type describeLogStreamsOutput struct {
	LogStreams []logStream `json:"logStreams"`
	NextToken  string      `json:"nextToken,omitempty"`
}

// describeLogStreams is DescribeLogStreams: a group's streams made by
// CreateLogStream and those that hold events (a sandbox's stream appears
// with its first line), by name or by their newest event. The ingestion
// time is the last PutLogEvents' for a stream made by CreateLogStream, and
// else the newest event's (the store keeps no other).
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
		created, ingested := s.Created, s.Ingested
		if created.IsZero() {
			created = s.First
		}
		if ingested.Before(s.Last) {
			ingested = s.Last
		}
		out.LogStreams = append(out.LogStreams, logStream{
			LogStreamName:       s.Name,
			Arn:                 arn.LogStream(group, s.Name),
			CreationTime:        millis(created),
			FirstEventTimestamp: optMillis(s.First),
			LastEventTimestamp:  optMillis(s.Last),
			LastIngestionTime:   optMillis(ingested),
			StoredBytes:         s.Bytes,
		})
	}
	return writeJSON(w, http.StatusOK, out)
}
