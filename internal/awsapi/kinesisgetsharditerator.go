package awsapi

import (
	"net/http"

	"github.com/verge-edge/verge/internal/kinesis"
)

type getShardIteratorIn struct {
	StreamName             string    `json:"StreamName"`
	StreamARN              string    `json:"StreamARN"`
	ShardID                string    `json:"ShardId"`
	ShardIteratorType      string    `json:"ShardIteratorType"`
	StartingSequenceNumber string    `json:"StartingSequenceNumber"`
	Timestamp              timestamp `json:"Timestamp"`
}

// getShardIterator is GetShardIterator: an iterator, valid 5 minutes,
// at a position of a shard.
func (a *kinesisAPI) getShardIterator(w http.ResponseWriter, r *http.Request) error {
	var in getShardIteratorIn
	if err := readInput(r, &in); err != nil {
		return err
	}
	var v violations
	v.required(in.ShardID, "shardId")
	v.required(in.ShardIteratorType, "shardIteratorType")
	v.oneOf(in.ShardIteratorType, "shardIteratorType", iteratorAtSequence, iteratorAfterSeq, iteratorTrimHorizon, iteratorLatest, iteratorAtTimestamp)
	if err := v.err(); err != nil {
		return err
	}
	name, err := a.stream(in.StreamName, in.StreamARN)
	if err != nil {
		return err
	}
	it, err := a.k().GetShardIterator(r.Context(), kinesis.IteratorInput{Stream: name, ShardID: in.ShardID, Type: in.ShardIteratorType,
		Sequence: in.StartingSequenceNumber, At: in.Timestamp.Time})
	if err != nil {
		return err
	}
	return writeOutput(w, r, struct {
		ShardIterator string `json:"ShardIterator"`
	}{it})
}
