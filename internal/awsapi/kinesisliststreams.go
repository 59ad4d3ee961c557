package awsapi

import (
	"encoding/base64"
	"net/http"

	"github.com/verge-edge/verge/internal/kinesis"
)

type listStreamsIn struct {
	Limit                    *int   `json:"Limit"`
	ExclusiveStartStreamName string `json:"ExclusiveStartStreamName"`
	NextToken                string `json:"NextToken"`
}

type streamSummary struct {
	StreamName              string            `json:"StreamName"`
	StreamARN               string            `json:"StreamARN"`
	StreamStatus            string            `json:"StreamStatus"`
	StreamModeDetails       streamModeDetails `json:"StreamModeDetails"`
	StreamCreationTimestamp timestamp         `json:"StreamCreationTimestamp"`
}

type listStreamsOut struct {
	StreamNames     []string        `json:"StreamNames"`
	HasMoreStreams  bool            `json:"HasMoreStreams"`
	NextToken       string          `json:"NextToken,omitempty"`
	StreamSummaries []streamSummary `json:"StreamSummaries"`
}

// listStreams is ListStreams: a page of names in order, with their
// summaries, and a NextToken (the last name, opaque) while more follow.
func (a *kinesisAPI) listStreams(w http.ResponseWriter, r *http.Request) error {
	var in listStreamsIn
	if err := readInput(r, &in); err != nil {
		return err
	}
	var v violations
	v.between(in.Limit, "limit", 1, maxKinesisPage)
	v.name(in.ExclusiveStartStreamName, "exclusiveStartStreamName")
	if err := v.err(); err != nil {
		return err
	}
	start := in.ExclusiveStartStreamName
	if in.NextToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(in.NextToken)
		if err != nil || !streamNamePattern.Match(b) {
			return &kinesis.Error{Code: kinesis.CodeInvalidArgument, Message: "NextToken " + in.NextToken + " is not a token ListStreams returned."}
		}
		start = string(b)
	}
	names, more, err := a.k().ListStreams(r.Context(), orDefault(in.Limit, defaultListStreams), start)
	if err != nil {
		return err
	}
	out := listStreamsOut{StreamNames: names, HasMoreStreams: more, StreamSummaries: make([]streamSummary, 0, len(names))}
	if names == nil {
		out.StreamNames = []string{}
	}
	if more && len(names) > 0 {
		out.NextToken = base64.RawURLEncoding.EncodeToString([]byte(names[len(names)-1]))
	}
	for _, n := range names {
		d, err := a.k().Describe(r.Context(), n, 1, "")
		if err != nil {
			continue // deleted since it was listed
		}
		out.StreamSummaries = append(out.StreamSummaries, streamSummary{StreamName: d.Name, StreamARN: d.ARN, StreamStatus: d.Status,
			StreamModeDetails: streamModeDetails{d.Mode}, StreamCreationTimestamp: stamp(d.Created)})
	}
	return writeOutput(w, r, out)
}
