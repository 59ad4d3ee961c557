package awsapi

import (
	"net/http"

	"github.com/verge-edge/verge/internal/kinesis"
)

type createStreamIn struct {
	StreamName        string             `json:"StreamName"`
	ShardCount        *int               `json:"ShardCount"`
	StreamModeDetails *streamModeDetails `json:"StreamModeDetails"`
	Tags              map[string]string  `json:"Tags"`
}

// createStream is CreateStream: a provisioned stream of ShardCount shards
// (1 when not given) or an on-demand one.
func (a *kinesisAPI) createStream(w http.ResponseWriter, r *http.Request) error {
	var in createStreamIn
	if err := readInput(r, &in); err != nil {
		return err
	}
	var v violations
	v.required(in.StreamName, "streamName")
	v.name(in.StreamName, "streamName")
	v.between(in.ShardCount, "shardCount", 1, 1<<20)
	c := kinesis.StreamConfig{Name: in.StreamName, ShardCount: orDefault(in.ShardCount, 0), Tags: in.Tags}
	if m := in.StreamModeDetails; m != nil {
		if m.StreamMode == "" {
			v.null("streamModeDetails.streamMode")
		}
		v.oneOf(m.StreamMode, "streamModeDetails.streamMode", kinesis.Provisioned, kinesis.OnDemand)
		c.Mode = m.StreamMode
	}
	if err := v.err(); err != nil {
		return err
	}
	if err := a.k().CreateStream(r.Context(), c); err != nil {
		return err
	}
	a.forget(in.StreamName)
	return writeOutput(w, r, nil)
}
