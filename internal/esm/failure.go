package esm

import (
	"encoding/json"
	"time"

	"github.com/verge-edge/verge/internal/jsonx"
)

// A failureRecord is what Lambda sends to a stream mapping's OnFailure
// destination when it gives up on a batch: the batch's place in the
// stream, not its records.
type failureRecord struct {
	RequestContext  RequestContext   `json:"requestContext"`
	ResponseContext *ResponseContext `json:"responseContext,omitempty"`
	Version         string           `json:"version"`
	Timestamp       string           `json:"timestamp"`
	// The batch's details follow, under the source's BatchInfo name.
}

// RequestContext is a failure record's requestContext, the same for every
// event source mapping (esm/kafka's too).
type RequestContext struct {
	RequestID              string `json:"requestId"`
	FunctionARN            string `json:"functionArn"`
	Condition              string `json:"condition"`
	ApproximateInvokeCount int    `json:"approximateInvokeCount"`
}

// A ResponseContext describes the last invocation; FunctionError is null
// when the function answered without an error but the answer failed the
// batch (a bad batchItemFailures list, a window without state).
type ResponseContext struct {
	StatusCode      int     `json:"statusCode"`
	ExecutedVersion string  `json:"executedVersion"`
	FunctionError   *string `json:"functionError"`
}

type batchInfo struct {
	ShardID                         string `json:"shardId"`
	StartSequenceNumber             string `json:"startSequenceNumber"`
	EndSequenceNumber               string `json:"endSequenceNumber"`
	ApproximateArrivalOfFirstRecord string `json:"approximateArrivalOfFirstRecord"`
	ApproximateArrivalOfLastRecord  string `json:"approximateArrivalOfLastRecord"`
	BatchSize                       int    `json:"batchSize"`
	StreamARN                       string `json:"streamArn"`
}

// A giveUp is a batch given up on, as the failure record tells it.
type giveUp struct {
	requestID   string
	functionARN string
	condition   string
	invokes     int
	// lastError is the functionError of the last attempt, "" when the
	// function answered normally; invoked is false when no attempt
	// reached the function (the records aged out first).
	lastError string
	invoked   bool
	at        time.Time
	shard     string
	source    Source
	records   []Record
}

// marshal builds the failure record, fields in AWS's order, the batch's
// details last under the source's BatchInfo key.
func (g *giveUp) marshal() ([]byte, error) {
	key := g.source.BatchInfo()
	layout := layoutMillis
	if key == batchInfoDynamoDB {
		layout = layoutSeconds
	}
	f := failureRecord{
		RequestContext: RequestContext{
			RequestID: g.requestID, FunctionARN: g.functionARN,
			Condition: g.condition, ApproximateInvokeCount: g.invokes,
		},
		Version:   failureVersion,
		Timestamp: g.at.UTC().Format(layoutMillis),
	}
	if g.invoked {
		f.ResponseContext = &ResponseContext{StatusCode: 200, ExecutedVersion: executedVersion}
		if g.lastError != "" {
			f.ResponseContext.FunctionError = &g.lastError
		}
	}
	first, last := g.records[0], g.records[len(g.records)-1]
	info := batchInfo{
		ShardID:                         g.shard,
		StartSequenceNumber:             first.Seq,
		EndSequenceNumber:               last.Seq,
		ApproximateArrivalOfFirstRecord: first.Arrival.UTC().Format(layout),
		ApproximateArrivalOfLastRecord:  last.Arrival.UTC().Format(layout),
		BatchSize:                       len(g.records),
		StreamARN:                       g.source.ARN(),
	}
	head, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	tail, err := json.Marshal(info)
	if err != nil {
		return nil, err
	}
	b := append(head[:len(head)-1], ',')
	b = jsonx.AppendString(b, key)
	b = append(b, ':')
	b = append(b, tail...)
	return append(b, '}'), nil
}
