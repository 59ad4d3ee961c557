package awsapi

import (
	"net/http"
	"strconv"

	"github.com/verge-edge/verge/internal/kinesis"
)

type getRecordsIn struct {
	ShardIterator string `json:"ShardIterator"`
	Limit         *int   `json:"Limit"`
	StreamARN     string `json:"StreamARN"`
}

type getRecordsOut struct {
	Records            []wireRecord     `json:"Records"`
	NextShardIterator  string           `json:"NextShardIterator,omitempty"`
	MillisBehindLatest int64            `json:"MillisBehindLatest"`
	ChildShards        []wireChildShard `json:"ChildShards,omitempty"`
}

// getRecords is GetRecords: up to Limit records from an iterator, and
// the iterator after them (none once a closed shard is read to its end).
func (a *kinesisAPI) getRecords(w http.ResponseWriter, r *http.Request) error {
	var in getRecordsIn
	if err := readInput(r, &in); err != nil {
		return err
	}
	var v violations
	v.required(in.ShardIterator, "shardIterator")
	if len(in.ShardIterator) > maxIterator {
		v.add(in.ShardIterator, "shardIterator", "Member must have length less than or equal to "+strconv.Itoa(maxIterator))
	}
	v.between(in.Limit, "limit", 1, maxGetRecords)
	if err := v.err(); err != nil {
		return err
	}
	stream := kinesis.IteratorStream(in.ShardIterator)
	if in.StreamARN != "" {
		name, err := a.stream("", in.StreamARN)
		if err != nil {
			return err
		}
		if stream != "" && stream != name {
			return &kinesis.Error{Code: kinesis.CodeInvalidArgument, Message: "StreamARN " + in.StreamARN + " is not the stream of the ShardIterator."}
		}
	}
	enc := a.recordEncryption(stream)
	recs, err := a.k().GetRecords(r.Context(), in.ShardIterator, orDefault(in.Limit, maxGetRecords))
	if err != nil {
		return err
	}
	return writeOutput(w, r, getRecordsOut{Records: wireRecords(recs.Records, enc), NextShardIterator: recs.Next,
		MillisBehindLatest: recs.MillisBehind, ChildShards: wireChildShards(recs.ChildShards)})
}
