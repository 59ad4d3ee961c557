package awsapi

import "net/http"

type mergeShardsIn struct {
	StreamName           string `json:"StreamName"`
	StreamARN            string `json:"StreamARN"`
	ShardToMerge         string `json:"ShardToMerge"`
	AdjacentShardToMerge string `json:"AdjacentShardToMerge"`
}

// mergeShards is MergeShards: two open shards with adjacent hash key
// ranges close and one child covering both opens.
func (a *kinesisAPI) mergeShards(w http.ResponseWriter, r *http.Request) error {
	var in mergeShardsIn
	if err := readInput(r, &in); err != nil {
		return err
	}
	var v violations
	v.required(in.ShardToMerge, "shardToMerge")
	v.name(in.ShardToMerge, "shardToMerge")
	v.required(in.AdjacentShardToMerge, "adjacentShardToMerge")
	v.name(in.AdjacentShardToMerge, "adjacentShardToMerge")
	if err := v.err(); err != nil {
		return err
	}
	name, err := a.stream(in.StreamName, in.StreamARN)
	if err != nil {
		return err
	}
	if err := a.k().MergeShards(r.Context(), name, in.ShardToMerge, in.AdjacentShardToMerge); err != nil {
		return err
	}
	return writeOutput(w, r, nil)
}
