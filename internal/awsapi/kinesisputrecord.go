package awsapi

import (
	"net/http"

	"github.com/verge-edge/verge/internal/kinesis"
)

type putRecordIn struct {
	StreamName                string  `json:"StreamName"`
	StreamARN                 string  `json:"StreamARN"`
	Data                      []byte  `json:"Data"`
	PartitionKey              *string `json:"PartitionKey"`
	ExplicitHashKey           string  `json:"ExplicitHashKey"`
	SequenceNumberForOrdering string  `json:"SequenceNumberForOrdering"`
}

// putRecord is PutRecord: one record, whose failure (a shard over its
// limits) is the call's error. Records of a partition key are ordered by
// the shard's sequence numbers, so SequenceNumberForOrdering adds nothing.
func (a *kinesisAPI) putRecord(w http.ResponseWriter, r *http.Request) error {
	var in putRecordIn
	if err := readInput(r, &in); err != nil {
		return err
	}
	var v violations
	entry := checkEntry(&v, putEntryIn{Data: in.Data, PartitionKey: in.PartitionKey, ExplicitHashKey: in.ExplicitHashKey}, "")
	if err := v.err(); err != nil {
		return err
	}
	name, err := a.stream(in.StreamName, in.StreamARN)
	if err != nil {
		return err
	}
	res, err := a.k().PutRecords(r.Context(), name, []kinesis.PutEntry{entry})
	if err != nil {
		return err
	}
	if len(res) != 1 {
		return &kinesis.Error{Code: kinesis.CodeInternalFailure, Message: "the stream service returned no result for the record"}
	}
	if p := res[0]; p.ErrorCode != "" {
		return &kinesis.Error{Code: p.ErrorCode, Message: p.ErrorMessage}
	}
	enc, _ := a.encryption(name)
	return writeOutput(w, r, struct {
		ShardID        string `json:"ShardId"`
		SequenceNumber string `json:"SequenceNumber"`
		EncryptionType string `json:"EncryptionType"`
	}{res[0].ShardID, res[0].Sequence, enc})
}
