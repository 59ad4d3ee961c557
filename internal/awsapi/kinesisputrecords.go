package awsapi

import (
	"net/http"
	"regexp"
	"strconv"

	"github.com/verge-edge/verge/internal/kinesis"
)

type putEntryIn struct {
	Data            []byte  `json:"Data"`
	PartitionKey    *string `json:"PartitionKey"`
	ExplicitHashKey string  `json:"ExplicitHashKey"`
}

type putRecordsIn struct {
	StreamName string        `json:"StreamName"`
	StreamARN  string        `json:"StreamARN"`
	Records    *[]putEntryIn `json:"Records"`
}

type putResultOut struct {
	SequenceNumber string `json:"SequenceNumber,omitempty"`
	ShardID        string `json:"ShardId,omitempty"`
	ErrorCode      string `json:"ErrorCode,omitempty"`
	ErrorMessage   string `json:"ErrorMessage,omitempty"`
}

type putRecordsOut struct {
	FailedRecordCount int            `json:"FailedRecordCount"`
	Records           []putResultOut `json:"Records"`
	EncryptionType    string         `json:"EncryptionType"`
}

var hashKeyPattern = regexp.MustCompile(`^(0|[1-9]\d{0,38})$`)

// putRecords is PutRecords: up to 500 records, each stored or failed on
// its own (a shard over its limits fails its records with
// ProvisionedThroughputExceededException).
func (a *kinesisAPI) putRecords(w http.ResponseWriter, r *http.Request) error {
	var in putRecordsIn
	if err := readInput(r, &in); err != nil {
		return err
	}
	var v violations
	switch {
	case in.Records == nil:
		v.null("records")
	case len(*in.Records) == 0:
		v.add("[]", "records", "Member must have length greater than or equal to 1")
	case len(*in.Records) > maxPutRecords:
		v.add("["+strconv.Itoa(len(*in.Records))+" records]", "records", "Member must have length less than or equal to "+strconv.Itoa(maxPutRecords))
	}
	var entries []kinesis.PutEntry
	if in.Records != nil {
		entries = make([]kinesis.PutEntry, len(*in.Records))
		for i, e := range *in.Records {
			entries[i] = checkEntry(&v, e, "records."+strconv.Itoa(i+1)+".member.")
		}
	}
	if err := v.err(); err != nil {
		return err
	}
	name, err := a.stream(in.StreamName, in.StreamARN)
	if err != nil {
		return err
	}
	if err := checkPutSize(entries); err != nil {
		return err
	}
	res, err := a.k().PutRecords(r.Context(), name, entries)
	if err != nil {
		return err
	}
	enc, _ := a.encryption(name)
	out := putRecordsOut{Records: make([]putResultOut, len(res)), EncryptionType: enc}
	for i, p := range res {
		if p.ErrorCode != "" {
			out.FailedRecordCount++
			out.Records[i] = putResultOut{ErrorCode: p.ErrorCode, ErrorMessage: p.ErrorMessage}
			continue
		}
		out.Records[i] = putResultOut{SequenceNumber: p.Sequence, ShardID: p.ShardID}
	}
	return writeOutput(w, r, out)
}

// checkEntry validates a record to put (its members under prefix) and
// returns it as the service takes it.
func checkEntry(v *violations, e putEntryIn, prefix string) kinesis.PutEntry {
	switch {
	case e.Data == nil:
		v.null(prefix + "data")
	case len(e.Data) > maxRecordData:
		n := strconv.Itoa(len(e.Data))
		v.add("java.nio.HeapByteBuffer[pos=0 lim="+n+" cap="+n+"]", prefix+"data", "Member must have length less than or equal to "+strconv.Itoa(maxRecordData))
	}
	var key string
	switch {
	case e.PartitionKey == nil:
		v.null(prefix + "partitionKey")
	case *e.PartitionKey == "":
		v.add("", prefix+"partitionKey", "Member must have length greater than or equal to 1")
	case len(*e.PartitionKey) > maxPartitionKey:
		v.add(*e.PartitionKey, prefix+"partitionKey", "Member must have length less than or equal to "+strconv.Itoa(maxPartitionKey))
	default:
		key = *e.PartitionKey
	}
	if e.ExplicitHashKey != "" && !hashKeyPattern.MatchString(e.ExplicitHashKey) {
		v.add(e.ExplicitHashKey, prefix+"explicitHashKey", "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,38})")
	}
	return kinesis.PutEntry{Data: e.Data, PartitionKey: key, ExplicitHashKey: e.ExplicitHashKey}
}

// checkPutSize applies PutRecords' limit on a request's data and keys.
func checkPutSize(entries []kinesis.PutEntry) error {
	n := 0
	for _, e := range entries {
		n += len(e.Data) + len(e.PartitionKey)
	}
	if n > maxPutRecordsBytes {
		return &kinesis.Error{Code: kinesis.CodeInvalidArgument, Message: "Records size exceeds 5 MB limit"}
	}
	return nil
}
