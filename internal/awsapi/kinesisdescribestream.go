package awsapi

import "net/http"

type describeStreamIn struct {
	StreamName            string `json:"StreamName"`
	StreamARN             string `json:"StreamARN"`
	Limit                 *int   `json:"Limit"`
	ExclusiveStartShardID string `json:"ExclusiveStartShardId"`
}

type streamDescription struct {
	StreamName              string            `json:"StreamName"`
	StreamARN               string            `json:"StreamARN"`
	StreamStatus            string            `json:"StreamStatus"`
	StreamModeDetails       streamModeDetails `json:"StreamModeDetails"`
	Shards                  []wireShard       `json:"Shards"`
	HasMoreShards           bool              `json:"HasMoreShards"`
	RetentionPeriodHours    int               `json:"RetentionPeriodHours"`
	StreamCreationTimestamp timestamp         `json:"StreamCreationTimestamp"`
	EnhancedMonitoring      []enhancedMetrics `json:"EnhancedMonitoring"`
	EncryptionType          string            `json:"EncryptionType"`
	KeyID                   string            `json:"KeyId,omitempty"`
}

// describeStream is DescribeStream: the stream and a page of its shards.
func (a *kinesisAPI) describeStream(w http.ResponseWriter, r *http.Request) error {
	var in describeStreamIn
	if err := readInput(r, &in); err != nil {
		return err
	}
	var v violations
	v.between(in.Limit, "limit", 1, maxKinesisPage)
	if err := v.err(); err != nil {
		return err
	}
	name, err := a.stream(in.StreamName, in.StreamARN)
	if err != nil {
		return err
	}
	d, err := a.k().Describe(r.Context(), name, orDefault(in.Limit, defaultDescribeShards), in.ExclusiveStartShardID)
	if err != nil {
		return err
	}
	enc, key := a.encryption(name)
	return writeOutput(w, r, struct {
		StreamDescription streamDescription `json:"StreamDescription"`
	}{streamDescription{
		StreamName: d.Name, StreamARN: d.ARN, StreamStatus: d.Status, StreamModeDetails: streamModeDetails{d.Mode},
		Shards: wireShards(d.Shards), HasMoreShards: d.HasMoreShards, RetentionPeriodHours: d.RetentionHours,
		StreamCreationTimestamp: stamp(d.Created), EnhancedMonitoring: a.enhanced(name), EncryptionType: enc, KeyID: key,
	}})
}

// enhanced is a stream's EnhancedMonitoring, as Describe reports it.
func (a *kinesisAPI) enhanced(stream string) []enhancedMetrics {
	a.mu.Lock()
	defer a.mu.Unlock()
	m := append([]string{}, a.monitoring[stream]...)
	return []enhancedMetrics{{ShardLevelMetrics: m}}
}

// encryption is a stream's EncryptionType and KeyId.
func (a *kinesisAPI) encryption(stream string) (string, string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if k, ok := a.keys[stream]; ok {
		return encryptionKMS, k
	}
	return encryptionNone, ""
}

// recordEncryption is the EncryptionType of a stream's records: KMS once
// StartStreamEncryption recorded a key, else left out.
func (a *kinesisAPI) recordEncryption(stream string) string {
	if enc, _ := a.encryption(stream); enc == encryptionKMS {
		return enc
	}
	return ""
}

// forget drops what the endpoint kept of a stream created or deleted.
func (a *kinesisAPI) forget(stream string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.monitoring, stream)
	delete(a.keys, stream)
}
