package dynamodb

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// A StreamRecord is one change of a table as DynamoDB Streams' GetRecords
// returns it; a Lambda event's record is the same with the stream's ARN
// (eventSourceARN) added.
type StreamRecord struct {
	EventID      string        `json:"eventID"`
	EventName    string        `json:"eventName"`
	EventVersion string        `json:"eventVersion"`
	EventSource  string        `json:"eventSource"`
	AWSRegion    string        `json:"awsRegion"`
	Dynamodb     StreamData    `json:"dynamodb"`
	UserIdentity *UserIdentity `json:"userIdentity,omitempty"`
}

// StreamData is a StreamRecord's change: the keys, the images the view
// keeps, and where the change is in the stream.
type StreamData struct {
	// ApproximateCreationDateTime is in epoch seconds, as both the
	// Streams API (a JSON 1.0 timestamp) and Lambda's events carry it.
	ApproximateCreationDateTime json.Number     `json:"ApproximateCreationDateTime"`
	Keys                        json.RawMessage `json:"Keys"`
	NewImage                    json.RawMessage `json:"NewImage,omitempty"`
	OldImage                    json.RawMessage `json:"OldImage,omitempty"`
	SequenceNumber              string          `json:"SequenceNumber"`
	SizeBytes                   int             `json:"SizeBytes"`
	StreamViewType              string          `json:"StreamViewType"`
}

// A UserIdentity marks a removal by TTL: the service did it.
type UserIdentity struct {
	Type        string `json:"type"`
	PrincipalID string `json:"principalId"`
}

// Stream record constants.
const (
	eventVersion = "1.1"
	eventSource  = "aws:dynamodb"
	ttlPrincipal = "dynamodb.amazonaws.com"
	// seqDigits is the width of a sequence number: AWS's are 21 to 40
	// digits; a fixed width keeps them in string order too.
	seqDigits = 21
)

// SequenceNumber is the stream sequence number of log sequence seq.
func SequenceNumber(seq uint64) string { return fmt.Sprintf("%0*d", seqDigits, seq) }

// ParseSequenceNumber reads a SequenceNumber back; false when it is not
// one.
func ParseSequenceNumber(s string) (uint64, bool) {
	if len(s) == 0 || len(s) > 40 {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

// StreamARN is the ARN of table t's current stream.
func StreamARN(t store.Table) string { return arn.Table(t.Name) + "/stream/" + t.StreamLabel }

// NewStreamRecord is the stream record of r, a change of table t.
func NewStreamRecord(t store.Table, r store.Record) StreamRecord {
	sum := sha256.Sum256([]byte(t.ID + "/" + strconv.FormatUint(r.Seq, 10)))
	rec := StreamRecord{
		EventID:      hex.EncodeToString(sum[:16]),
		EventName:    r.Event,
		EventVersion: eventVersion,
		EventSource:  eventSource,
		AWSRegion:    arn.Region,
		Dynamodb: StreamData{
			ApproximateCreationDateTime: json.Number(strconv.FormatInt(r.Created.Unix(), 10)),
			Keys:                        r.Keys,
			NewImage:                    r.New,
			OldImage:                    r.Old,
			SequenceNumber:              SequenceNumber(r.Seq),
			SizeBytes:                   r.Size,
			StreamViewType:              t.StreamView,
		},
	}
	if r.Service {
		rec.UserIdentity = &UserIdentity{Type: "Service", PrincipalID: ttlPrincipal}
	}
	return rec
}
