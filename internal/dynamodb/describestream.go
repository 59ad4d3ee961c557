package dynamodb

import (
	"context"
	"encoding/json"
	"time"

	"github.com/verge-edge/verge/internal/dynamodb/store"
)

type describeStreamInput struct {
	StreamArn             *string `json:"StreamArn"`
	Limit                 *int    `json:"Limit"`
	ExclusiveStartShardID *string `json:"ExclusiveStartShardId"`
}

type seqRange struct {
	StartingSequenceNumber string `json:"StartingSequenceNumber,omitempty"`
	EndingSequenceNumber   string `json:"EndingSequenceNumber,omitempty"`
}

type shard struct {
	ShardID             string   `json:"ShardId"`
	SequenceNumberRange seqRange `json:"SequenceNumberRange"`
}

type streamDescription struct {
	StreamArn               string       `json:"StreamArn"`
	StreamLabel             string       `json:"StreamLabel"`
	StreamStatus            string       `json:"StreamStatus"`
	StreamViewType          string       `json:"StreamViewType"`
	CreationRequestDateTime json.Number  `json:"CreationRequestDateTime"`
	TableName               string       `json:"TableName"`
	KeySchema               []keyElement `json:"KeySchema"`
	Shards                  []shard      `json:"Shards"`
	LastEvaluatedShardID    string       `json:"LastEvaluatedShardId,omitempty"`
}

type describeStreamOutput struct {
	StreamDescription streamDescription `json:"StreamDescription"`
}

func (s *Service) describeStream(ctx context.Context, body []byte) (any, error) {
	var in describeStreamInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var vs violations
	if in.StreamArn == nil {
		vs.add(nil, "streamArn", "must not be null")
	}
	if in.Limit != nil && *in.Limit < 1 {
		vs.add(*in.Limit, "limit", "must have value greater than or equal to 1")
	}
	if err := vs.err(); err != nil {
		return nil, err
	}
	ts, err := s.streamTable(*in.StreamArn)
	if err != nil {
		return nil, err
	}
	t := ts.t
	d := streamDescription{
		StreamArn:      ts.arn(),
		StreamLabel:    ts.Label,
		StreamStatus:   "ENABLED",
		StreamViewType: ts.View,
		TableName:      t.Name,
		KeySchema:      wireKey(t.Key),
		Shards:         []shard{},
	}
	if at, err := time.Parse(streamLabelLayout, ts.Label); err == nil {
		d.CreationRequestDateTime = epoch(at)
	} else {
		d.CreationRequestDateTime = epoch(t.Created)
	}
	if ts.closed {
		d.StreamStatus = "DISABLED"
	}
	if in.ExclusiveStartShardID == nil || *in.ExclusiveStartShardID < ts.shard() {
		sh, err := s.shardOf(ctx, ts)
		if err != nil {
			return nil, err
		}
		d.Shards = append(d.Shards, sh)
	}
	return describeStreamOutput{StreamDescription: d}, nil
}

// shardOf describes stream ts's shard: it starts at its oldest record
// served (the next write's when there is none) and, once the stream is
// disabled, ends at the last sequence it covers.
func (s *Service) shardOf(ctx context.Context, ts tableStream) (shard, error) {
	sh := shard{ShardID: ts.shard()}
	r, err := s.st.ReadStreamOf(ctx, ts.t.Name, ts.Label, store.StreamStart, 1, 0)
	if err != nil {
		return shard{}, err
	}
	start := r.Next + 1
	if len(r.Records) > 0 {
		start = r.Records[0].Seq
	}
	if ts.closed {
		start = min(start, ts.To)
		sh.SequenceNumberRange.EndingSequenceNumber = SequenceNumber(ts.To)
	}
	sh.SequenceNumberRange.StartingSequenceNumber = SequenceNumber(start)
	return sh, nil
}
