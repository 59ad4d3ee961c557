package kafka

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/verge-edge/verge/internal/esm"
)

// A failure is a batch given up on, as its failure record tells it: the
// batch's place in the topic, not its records.
type failure struct {
	requestID, functionARN, condition string
	invokes                           int
	lastError                         string // "" when the function answered normally
	at                                time.Time
	bootstrap                         string
	payloadSize, size                 int
	key                               string // "topic-partition"
	first, last                       position
}

type position struct {
	offset int64
	at     time.Time
}

// The failure record, fields in AWS's order.
type failureRecord struct {
	RequestContext  esm.RequestContext  `json:"requestContext"`
	ResponseContext esm.ResponseContext `json:"responseContext"`
	Version         string              `json:"version"`
	Timestamp       string              `json:"timestamp"`
	KafkaBatchInfo  kafkaBatchInfo      `json:"KafkaBatchInfo"`
}

type kafkaBatchInfo struct {
	BatchSize        int                    `json:"batchSize"`
	BootstrapServers string                 `json:"bootstrapServers"`
	PayloadSize      int                    `json:"payloadSize"`
	RecordsInfo      map[string]recordsInfo `json:"recordsInfo"`
}

// recordsInfo gives offsets as strings and timestamps as ISO 8601, as
// AWS's example does.
type recordsInfo struct {
	FirstRecordOffset    string `json:"firstRecordOffset"`
	LastRecordOffset     string `json:"lastRecordOffset"`
	FirstRecordTimestamp string `json:"firstRecordTimestamp"`
	LastRecordTimestamp  string `json:"lastRecordTimestamp"`
}

func (f *failure) marshal() []byte {
	rec := failureRecord{
		RequestContext: esm.RequestContext{
			RequestID: f.requestID, FunctionARN: f.functionARN,
			Condition: f.condition, ApproximateInvokeCount: f.invokes,
		},
		ResponseContext: esm.ResponseContext{StatusCode: 200, ExecutedVersion: executedVersion},
		Version:         failureVersion,
		Timestamp:       f.at.UTC().Format(layoutMillis),
		KafkaBatchInfo: kafkaBatchInfo{
			BatchSize: f.size, BootstrapServers: f.bootstrap, PayloadSize: f.payloadSize,
			RecordsInfo: map[string]recordsInfo{f.key: {
				FirstRecordOffset:    strconv.FormatInt(f.first.offset, 10),
				LastRecordOffset:     strconv.FormatInt(f.last.offset, 10),
				FirstRecordTimestamp: f.first.at.UTC().Format(layoutMillis),
				LastRecordTimestamp:  f.last.at.UTC().Format(layoutMillis),
			}},
		},
	}
	if f.lastError != "" {
		rec.ResponseContext.FunctionError = &f.lastError
	}
	b, err := json.Marshal(rec)
	if err != nil {
		panic(err) // strings and numbers only: cannot fail
	}
	return b
}
