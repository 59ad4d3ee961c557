package awsapi

import (
	"net/http"

	"github.com/verge-edge/verge/internal/kinesis"
)

type listShardsIn struct {
	StreamName              string       `json:"StreamName"`
	StreamARN               string       `json:"StreamARN"`
	NextToken               string       `json:"NextToken"`
	ExclusiveStartShardID   string       `json:"ExclusiveStartShardId"`
	MaxResults              *int         `json:"MaxResults"`
	StreamCreationTimestamp *timestamp   `json:"StreamCreationTimestamp"`
	ShardFilter             *shardFilter `json:"ShardFilter"`
}

type shardFilter struct {
	Type      string    `json:"Type"`
	ShardID   string    `json:"ShardId"`
	Timestamp timestamp `json:"Timestamp"`
}

// listShards is ListShards: a page of the stream's shards, filtered. A
// NextToken names the stream itself, so it comes without one.
func (a *kinesisAPI) listShards(w http.ResponseWriter, r *http.Request) error {
	var in listShardsIn
	if err := readInput(r, &in); err != nil {
		return err
	}
	var v violations
	v.between(in.MaxResults, "maxResults", 1, maxKinesisPage)
	if f := in.ShardFilter; f != nil {
		if f.Type == "" {
			v.null("shardFilter.type")
		}
		v.oneOf(f.Type, "shardFilter.type", "AFTER_SHARD_ID", "AT_TRIM_HORIZON", "FROM_TRIM_HORIZON", "AT_LATEST", "AT_TIMESTAMP", "FROM_TIMESTAMP")
	}
	if err := v.err(); err != nil {
		return err
	}
	var name string
	if in.NextToken != "" {
		if in.StreamName != "" || in.StreamARN != "" {
			return &kinesis.Error{Code: kinesis.CodeInvalidArgument, Message: "NextToken and StreamName or StreamARN cannot be provided together."}
		}
	} else {
		var err error
		if name, err = a.stream(in.StreamName, in.StreamARN); err != nil {
			return err
		}
	}
	q := kinesis.ListShardsInput{NextToken: in.NextToken, ExclusiveStartShardID: in.ExclusiveStartShardID, MaxResults: orDefault(in.MaxResults, 0)}
	if f := in.ShardFilter; f != nil {
		q.FilterType, q.FilterShardID, q.FilterTimestamp = f.Type, f.ShardID, f.Timestamp.Time
	}
	shards, next, err := a.k().ListShards(r.Context(), name, q)
	if err != nil {
		return err
	}
	return writeOutput(w, r, struct {
		Shards    []wireShard `json:"Shards"`
		NextToken string      `json:"NextToken,omitempty"`
	}{wireShards(shards), next})
}
