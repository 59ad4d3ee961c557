package dynamodb

import (
	"context"
	"slices"
	"strings"
)

type listStreamsInput struct {
	TableName               *string `json:"TableName"`
	Limit                   *int    `json:"Limit"`
	ExclusiveStartStreamArn *string `json:"ExclusiveStartStreamArn"`
}

type streamSummary struct {
	StreamArn   string `json:"StreamArn"`
	StreamLabel string `json:"StreamLabel"`
	TableName   string `json:"TableName"`
}

type listStreamsOutput struct {
	Streams                []streamSummary `json:"Streams"`
	LastEvaluatedStreamArn string          `json:"LastEvaluatedStreamArn,omitempty"`
}

// maxListStreams is ListStreams' page size and largest Limit.
const maxListStreams = 100

// listStreams lists the tables' streams, enabled or disabled (for 24
// hours after), in ARN order.
func (s *Service) listStreams(ctx context.Context, body []byte) (any, error) {
	var in listStreamsInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var vs violations
	if in.TableName != nil {
		vs.name(in.TableName, "tableName")
	}
	limit := maxListStreams
	if in.Limit != nil {
		limit = *in.Limit
		if limit < 1 {
			vs.add(limit, "limit", "must have value greater than or equal to 1")
		}
	}
	if err := vs.err(); err != nil {
		return nil, err
	}
	limit = min(limit, maxListStreams)
	names := s.st.Tables()
	if in.TableName != nil {
		names = []string{*in.TableName}
	}
	out := listStreamsOutput{Streams: []streamSummary{}}
	now := s.now()
	for _, n := range names {
		t, err := s.st.Describe(n)
		if err != nil {
			continue
		}
		for _, ts := range streamsOf(t, now) {
			out.Streams = append(out.Streams, streamSummary{StreamArn: ts.arn(), StreamLabel: ts.Label, TableName: t.Name})
		}
	}
	slices.SortFunc(out.Streams, func(a, b streamSummary) int { return strings.Compare(a.StreamArn, b.StreamArn) })
	if start := in.ExclusiveStartStreamArn; start != nil {
		i, _ := slices.BinarySearchFunc(out.Streams, *start, func(x streamSummary, a string) int { return strings.Compare(x.StreamArn, a) })
		if i < len(out.Streams) && out.Streams[i].StreamArn == *start {
			i++
		}
		out.Streams = out.Streams[i:]
	}
	if len(out.Streams) > limit {
		out.Streams = out.Streams[:limit]
		out.LastEvaluatedStreamArn = out.Streams[limit-1].StreamArn
	}
	return out, nil
}
