package awsapi

import "net/http"

type streamDescriptionSummary struct {
	StreamName              string            `json:"StreamName"`
	StreamARN               string            `json:"StreamARN"`
	StreamStatus            string            `json:"StreamStatus"`
	StreamModeDetails       streamModeDetails `json:"StreamModeDetails"`
	RetentionPeriodHours    int               `json:"RetentionPeriodHours"`
	StreamCreationTimestamp timestamp         `json:"StreamCreationTimestamp"`
	EnhancedMonitoring      []enhancedMetrics `json:"EnhancedMonitoring"`
	EncryptionType          string            `json:"EncryptionType"`
	KeyID                   string            `json:"KeyId,omitempty"`
	OpenShardCount          int               `json:"OpenShardCount"`
	ConsumerCount           int               `json:"ConsumerCount"`
}

// describeStreamSummary is DescribeStreamSummary: the stream without its
// shards, with its counts of open shards and consumers.
func (a *kinesisAPI) describeStreamSummary(w http.ResponseWriter, r *http.Request) error {
	var in streamIn
	if err := readInput(r, &in); err != nil {
		return err
	}
	name, err := a.stream(in.StreamName, in.StreamARN)
	if err != nil {
		return err
	}
	d, err := a.k().Describe(r.Context(), name, 1, "")
	if err != nil {
		return err
	}
	enc, key := a.encryption(name)
	return writeOutput(w, r, struct {
		StreamDescriptionSummary streamDescriptionSummary `json:"StreamDescriptionSummary"`
	}{streamDescriptionSummary{
		StreamName: d.Name, StreamARN: d.ARN, StreamStatus: d.Status, StreamModeDetails: streamModeDetails{d.Mode},
		RetentionPeriodHours: d.RetentionHours, StreamCreationTimestamp: stamp(d.Created), EnhancedMonitoring: a.enhanced(name),
		EncryptionType: enc, KeyID: key, OpenShardCount: d.OpenShards, ConsumerCount: d.Consumers,
	}})
}
