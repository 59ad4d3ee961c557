package dynamodb

import (
	"context"

	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// ShardIteratorTypes.
const (
	iterTrimHorizon = "TRIM_HORIZON"
	iterLatest      = "LATEST"
	iterAt          = "AT_SEQUENCE_NUMBER"
	iterAfter       = "AFTER_SEQUENCE_NUMBER"
)

type getShardIteratorInput struct {
	StreamArn         *string `json:"StreamArn"`
	ShardID           *string `json:"ShardId"`
	ShardIteratorType *string `json:"ShardIteratorType"`
	SequenceNumber    *string `json:"SequenceNumber"`
}

type getShardIteratorOutput struct {
	ShardIterator string `json:"ShardIterator"`
}

func (s *Service) getShardIterator(ctx context.Context, body []byte) (any, error) {
	var in getShardIteratorInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var vs violations
	if in.StreamArn == nil {
		vs.add(nil, "streamArn", "must not be null")
	}
	switch {
	case in.ShardID == nil:
		vs.add(nil, "shardId", "must not be null")
	case len(*in.ShardID) < 28:
		vs.add(*in.ShardID, "shardId", "must have length greater than or equal to 28")
	case len(*in.ShardID) > 65:
		vs.add(*in.ShardID, "shardId", "must have length less than or equal to 65")
	}
	if in.ShardIteratorType == nil {
		vs.add(nil, "shardIteratorType", "must not be null")
	} else {
		vs.oneOf(*in.ShardIteratorType, "shardIteratorType", iterTrimHorizon, iterLatest, iterAt, iterAfter)
	}
	if err := vs.err(); err != nil {
		return nil, err
	}
	ts, err := s.streamTable(*in.StreamArn)
	if err != nil {
		return nil, err
	}
	if *in.ShardID != ts.shard() {
		return nil, &Error{Code: CodeResourceNotFound, Message: msgNotFound + ": Shard does not exist"}
	}
	after, err := s.position(ctx, ts, *in.ShardIteratorType, in.SequenceNumber)
	if err != nil {
		return nil, err
	}
	it := iterator{table: ts.t.Name, id: ts.t.ID, label: ts.Label, after: after, issued: s.now().UnixMilli()}
	return getShardIteratorOutput{ShardIterator: s.encodeIterator(it)}, nil
}

// position is where an iterator of type typ starts: the sequence to read
// after. A sequence number older than the shard's oldest record served
// was trimmed (or is not of this stream). LATEST of a closed shard is its
// end.
func (s *Service) position(ctx context.Context, ts tableStream, typ string, seq *string) (uint64, error) {
	needSeq := typ == iterAt || typ == iterAfter
	switch {
	case needSeq && seq == nil:
		return 0, invalid("Must provide a sequence number for iterator type %s", typ)
	case !needSeq && seq != nil:
		return 0, invalid("Sequence number must not be provided for iterator type %s", typ)
	case typ == iterTrimHorizon:
		return store.StreamStart, nil
	case typ == iterLatest && ts.closed:
		return ts.To, nil
	case typ == iterLatest:
		return s.st.StreamTip(ts.t.Name)
	}
	n, ok := ParseSequenceNumber(*seq)
	if !ok || n == 0 {
		return 0, invalid("Invalid SequenceNumber: %s", *seq)
	}
	sh, err := s.shardOf(ctx, ts)
	if err != nil {
		return 0, err
	}
	if start, _ := ParseSequenceNumber(sh.SequenceNumberRange.StartingSequenceNumber); n < start {
		return 0, errTrimmed
	}
	if typ == iterAt {
		n--
	}
	return n, nil
}
