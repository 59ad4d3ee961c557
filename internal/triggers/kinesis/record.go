package kinesis

import (
	"encoding/base64"
	"strconv"
	"time"

	"github.com/verge-edge/verge/internal/jsonx"
)

// A Record is what one event record says of a stream record.
type Record struct {
	ShardID      string
	Sequence     string
	PartitionKey string
	Data         []byte
	Arrival      time.Time
}

// A Source is what every record of a stream says of where it came from.
type Source struct {
	StreamARN string
	Region    string
	// Role is the invoking function's execution role (invokeIdentityArn).
	Role string
}

// Append appends r's event record to b:
// {"kinesis":{…},"eventSource":"aws:kinesis",…,"eventSourceARN":…}.
func (src *Source) Append(b []byte, r *Record) []byte {
	b = append(b, `{"kinesis":{"kinesisSchemaVersion":"`+schemaVersion+`","partitionKey":`...)
	b = jsonx.AppendString(b, r.PartitionKey)
	b = append(b, `,"sequenceNumber":`...)
	b = jsonx.AppendString(b, r.Sequence)
	b = append(b, `,"data":"`...)
	b = base64.StdEncoding.AppendEncode(b, r.Data)
	b = append(b, `","approximateArrivalTimestamp":`...)
	b = appendSeconds(b, r.Arrival)
	b = append(b, `},"eventSource":"`+eventSource+`","eventVersion":"`+eventVersion+`","eventID":`...)
	b = jsonx.AppendString(b, r.ShardID+":"+r.Sequence)
	b = append(b, `,"eventName":"`+eventName+`","invokeIdentityArn":`...)
	b = jsonx.AppendString(b, src.Role)
	b = append(b, `,"awsRegion":`...)
	b = jsonx.AppendString(b, src.Region)
	b = append(b, `,"eventSourceARN":`...)
	b = jsonx.AppendString(b, src.StreamARN)
	return append(b, '}')
}

// Size is an upper bound of the bytes Append adds for r, to size buffers.
func (src *Source) Size(r *Record) int {
	return 400 + 2*len(r.ShardID) + 6*(2*len(r.Sequence)+len(r.PartitionKey)+len(src.Role)+len(src.Region)+len(src.StreamARN)) + base64.StdEncoding.EncodedLen(len(r.Data))
}

// appendSeconds appends t as AWS's approximateArrivalTimestamp: seconds
// since the epoch with millisecond precision, as a JSON number
// (1480641523.477; 1480641523 when the milliseconds are zero).
func appendSeconds(b []byte, t time.Time) []byte {
	ms := t.UnixMilli()
	if ms < 0 {
		return strconv.AppendFloat(b, float64(ms)/1000, 'f', -1, 64)
	}
	b = strconv.AppendInt(b, ms/1000, 10)
	if frac := ms % 1000; frac != 0 {
		b = append(b, '.', byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
		for b[len(b)-1] == '0' {
			b = b[:len(b)-1]
		}
	}
	return b
}
