package awsapi

import (
	"net/http"

	"github.com/verge-edge/verge/internal/kinesis"
)

// describeLimits is DescribeLimits: the account's shard quota (the one
// the stream service enforces) and its use, counted over every stream.
func (a *kinesisAPI) describeLimits(w http.ResponseWriter, r *http.Request) error {
	var in struct{}
	if err := readInput(r, &in); err != nil {
		return err
	}
	open, onDemand := 0, 0
	for start := ""; ; {
		names, more, err := a.k().ListStreams(r.Context(), maxKinesisPage, start)
		if err != nil {
			return err
		}
		for _, n := range names {
			d, err := a.k().Describe(r.Context(), n, 1, "")
			if err != nil {
				continue // deleted since it was listed
			}
			open += d.OpenShards
			if d.Mode == kinesis.OnDemand {
				onDemand++
			}
		}
		if !more || len(names) == 0 {
			break
		}
		start = names[len(names)-1]
	}
	return writeOutput(w, r, struct {
		ShardLimit               int `json:"ShardLimit"`
		OpenShardCount           int `json:"OpenShardCount"`
		OnDemandStreamCount      int `json:"OnDemandStreamCount"`
		OnDemandStreamCountLimit int `json:"OnDemandStreamCountLimit"`
	}{kinesis.AccountShardLimit, open, onDemand, onDemandStreamLimit})
}
