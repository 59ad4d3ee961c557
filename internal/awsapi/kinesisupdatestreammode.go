package awsapi

import (
	"net/http"

	"github.com/verge-edge/verge/internal/kinesis"
)

type updateStreamModeIn struct {
	StreamARN         string             `json:"StreamARN"`
	StreamModeDetails *streamModeDetails `json:"StreamModeDetails"`
}

// updateStreamMode is UpdateStreamMode: the stream switches between
// PROVISIONED and ON_DEMAND, keeping its shards.
func (a *kinesisAPI) updateStreamMode(w http.ResponseWriter, r *http.Request) error {
	var in updateStreamModeIn
	if err := readInput(r, &in); err != nil {
		return err
	}
	var v violations
	v.required(in.StreamARN, "streamARN")
	mode := ""
	if m := in.StreamModeDetails; m == nil {
		v.null("streamModeDetails")
	} else {
		mode = m.StreamMode
		v.required(mode, "streamModeDetails.streamMode")
		v.oneOf(mode, "streamModeDetails.streamMode", kinesis.Provisioned, kinesis.OnDemand)
	}
	if err := v.err(); err != nil {
		return err
	}
	name, err := a.stream("", in.StreamARN)
	if err != nil {
		return err
	}
	if err := a.k().UpdateStreamMode(r.Context(), name, mode); err != nil {
		return err
	}
	return writeOutput(w, r, nil)
}
