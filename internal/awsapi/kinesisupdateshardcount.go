package awsapi

import (
	"net/http"

	"github.com/verge-edge/verge/internal/arn"
)

type updateShardCountIn struct {
	StreamName       string `json:"StreamName"`
	StreamARN        string `json:"StreamARN"`
	TargetShardCount *int   `json:"TargetShardCount"`
	ScalingType      string `json:"ScalingType"`
}

// updateShardCount is UpdateShardCount: uniform scaling of a provisioned
// stream to TargetShardCount shards.
func (a *kinesisAPI) updateShardCount(w http.ResponseWriter, r *http.Request) error {
	var in updateShardCountIn
	if err := readInput(r, &in); err != nil {
		return err
	}
	var v violations
	if in.TargetShardCount == nil {
		v.null("targetShardCount")
	}
	v.between(in.TargetShardCount, "targetShardCount", 1, 1<<20)
	v.required(in.ScalingType, "scalingType")
	v.oneOf(in.ScalingType, "scalingType", scalingUniform)
	if err := v.err(); err != nil {
		return err
	}
	name, err := a.stream(in.StreamName, in.StreamARN)
	if err != nil {
		return err
	}
	current, err := a.k().UpdateShardCount(r.Context(), name, *in.TargetShardCount)
	if err != nil {
		return err
	}
	return writeOutput(w, r, struct {
		StreamName        string `json:"StreamName"`
		StreamARN         string `json:"StreamARN"`
		CurrentShardCount int    `json:"CurrentShardCount"`
		TargetShardCount  int    `json:"TargetShardCount"`
	}{name, arn.Stream(name), current, *in.TargetShardCount})
}
