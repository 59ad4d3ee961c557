package awsapi

import "github.com/verge-edge/verge/internal/kinesis"

// The wire shapes Kinesis's operations share. Their json tags name the
// members in JSON and in CBOR.

type hashKeyRange struct {
	StartingHashKey string `json:"StartingHashKey"`
	EndingHashKey   string `json:"EndingHashKey"`
}

type sequenceRange struct {
	StartingSequenceNumber string `json:"StartingSequenceNumber"`
	EndingSequenceNumber   string `json:"EndingSequenceNumber,omitempty"`
}

type wireShard struct {
	ShardID               string        `json:"ShardId"`
	ParentShardID         string        `json:"ParentShardId,omitempty"`
	AdjacentParentShardID string        `json:"AdjacentParentShardId,omitempty"`
	HashKeyRange          hashKeyRange  `json:"HashKeyRange"`
	SequenceNumberRange   sequenceRange `json:"SequenceNumberRange"`
}

func wireShards(shards []kinesis.Shard) []wireShard {
	out := make([]wireShard, len(shards))
	for i, s := range shards {
		out[i] = wireShard{ShardID: s.ID, ParentShardID: s.ParentShardID, AdjacentParentShardID: s.AdjacentParentShardID,
			HashKeyRange:        hashKeyRange{s.StartingHashKey, s.EndingHashKey},
			SequenceNumberRange: sequenceRange{s.StartingSequence, s.EndingSequence}}
	}
	return out
}

type wireRecord struct {
	SequenceNumber              string    `json:"SequenceNumber"`
	ApproximateArrivalTimestamp timestamp `json:"ApproximateArrivalTimestamp"`
	Data                        []byte    `json:"Data"`
	PartitionKey                string    `json:"PartitionKey"`
	EncryptionType              string    `json:"EncryptionType,omitempty"`
}

func wireRecords(recs []kinesis.Record, encryption string) []wireRecord {
	out := make([]wireRecord, len(recs))
	for i, r := range recs {
		data := r.Data
		if data == nil {
			data = []byte{}
		}
		out[i] = wireRecord{SequenceNumber: r.Sequence, ApproximateArrivalTimestamp: stamp(r.Arrival), Data: data, PartitionKey: r.PartitionKey, EncryptionType: encryption}
	}
	return out
}

type wireChildShard struct {
	ShardID      string       `json:"ShardId"`
	ParentShards []string     `json:"ParentShards"`
	HashKeyRange hashKeyRange `json:"HashKeyRange"`
}

// wireChildShards are a closed shard's children; nil (left out) for none.
func wireChildShards(cs []kinesis.ChildShard) []wireChildShard {
	if len(cs) == 0 {
		return nil
	}
	out := make([]wireChildShard, len(cs))
	for i, c := range cs {
		out[i] = wireChildShard{ShardID: c.ShardID, ParentShards: c.ParentShards, HashKeyRange: hashKeyRange{c.StartingHashKey, c.EndingHashKey}}
	}
	return out
}

type streamModeDetails struct {
	StreamMode string `json:"StreamMode"`
}

type enhancedMetrics struct {
	ShardLevelMetrics []string `json:"ShardLevelMetrics"`
}

type wireConsumer struct {
	ConsumerName              string    `json:"ConsumerName"`
	ConsumerARN               string    `json:"ConsumerARN"`
	ConsumerStatus            string    `json:"ConsumerStatus"`
	ConsumerCreationTimestamp timestamp `json:"ConsumerCreationTimestamp"`
}

func toWireConsumer(c kinesis.Consumer) wireConsumer {
	return wireConsumer{ConsumerName: c.Name, ConsumerARN: c.ARN, ConsumerStatus: c.Status, ConsumerCreationTimestamp: stamp(c.Created)}
}

// wireTag is a tag as the list operations write it.
type wireTag struct {
	Key   string `json:"Key"`
	Value string `json:"Value,omitempty"`
}

// streamIn is the input of the operations that take a stream only.
type streamIn struct {
	StreamName string `json:"StreamName"`
	StreamARN  string `json:"StreamARN"`
}
