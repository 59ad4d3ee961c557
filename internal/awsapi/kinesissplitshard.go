package awsapi

import "net/http"

type splitShardIn struct {
	StreamName         string `json:"StreamName"`
	StreamARN          string `json:"StreamARN"`
	ShardToSplit       string `json:"ShardToSplit"`
	NewStartingHashKey string `json:"NewStartingHashKey"`
}

// splitShard is SplitShard: the shard closes and two children open on
// either side of NewStartingHashKey.
func (a *kinesisAPI) splitShard(w http.ResponseWriter, r *http.Request) error {
	var in splitShardIn
	if err := readInput(r, &in); err != nil {
		return err
	}
	var v violations
	v.required(in.ShardToSplit, "shardToSplit")
	v.name(in.ShardToSplit, "shardToSplit")
	v.required(in.NewStartingHashKey, "newStartingHashKey")
	if in.NewStartingHashKey != "" && !hashKeyPattern.MatchString(in.NewStartingHashKey) {
		v.add(in.NewStartingHashKey, "newStartingHashKey", "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})")
	}
	if err := v.err(); err != nil {
		return err
	}
	name, err := a.stream(in.StreamName, in.StreamARN)
	if err != nil {
		return err
	}
	if err := a.k().SplitShard(r.Context(), name, in.ShardToSplit, in.NewStartingHashKey); err != nil {
		return err
	}
	return writeOutput(w, r, nil)
}
