package kafka

import (
	"encoding/base64"
	"strconv"
	"time"

	"github.com/verge-edge/verge/internal/jsonx"
)

// Event fields.
const (
	EventSource   = "SelfManagedKafka"
	createTime    = "CREATE_TIME"
	logAppendTime = "LOG_APPEND_TIME"
)

// A Header is one record header.
type Header struct {
	Key   string
	Value []byte
}

// A Record is what the event says of one Kafka record.
type Record struct {
	Topic     string
	Partition int32
	Offset    int64
	Timestamp time.Time
	// LogAppendTime reports the broker set Timestamp (timestampType
	// LOG_APPEND_TIME) rather than the producer (CREATE_TIME).
	LogAppendTime bool
	// Key and Value are nil when the record has none (a tombstone's
	// value); the event then leaves them out.
	Key, Value []byte
	Headers    []Header
}

// PartitionKey is the event's key for a topic's partition:
// "topic-partition".
func PartitionKey(topic string, partition int32) string {
	return topic + "-" + strconv.Itoa(int(partition))
}

// Append appends the event of batches to b; each batch holds records of
// one partition, in offset order, and gets its own "topic-partition" key.
func Append(b []byte, bootstrap string, batches ...[]Record) []byte {
	b = append(b, `{"eventSource":"`+EventSource+`","bootstrapServers":`...)
	b = jsonx.AppendString(b, bootstrap)
	b = append(b, `,"records":{`...)
	n := 0
	for _, batch := range batches {
		if len(batch) == 0 {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = jsonx.AppendString(b, PartitionKey(batch[0].Topic, batch[0].Partition))
		b = append(b, ':', '[')
		for i := range batch {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendRecord(b, &batch[i])
		}
		b = append(b, ']')
	}
	return append(b, '}', '}')
}

// AppendRecord appends r's object of the event's records arrays.
func AppendRecord(b []byte, r *Record) []byte {
	b = append(b, `{"topic":`...)
	b = jsonx.AppendString(b, r.Topic)
	b = append(b, `,"partition":`...)
	b = strconv.AppendInt(b, int64(r.Partition), 10)
	b = append(b, `,"offset":`...)
	b = strconv.AppendInt(b, r.Offset, 10)
	b = append(b, `,"timestamp":`...)
	b = strconv.AppendInt(b, r.Timestamp.UnixMilli(), 10)
	b = append(b, `,"timestampType":"`...)
	if r.LogAppendTime {
		b = append(b, logAppendTime...)
	} else {
		b = append(b, createTime...)
	}
	b = append(b, '"')
	if r.Key != nil {
		b = append(b, `,"key":"`...)
		b = base64.StdEncoding.AppendEncode(b, r.Key)
		b = append(b, '"')
	}
	if r.Value != nil {
		b = append(b, `,"value":"`...)
		b = base64.StdEncoding.AppendEncode(b, r.Value)
		b = append(b, '"')
	}
	b = append(b, `,"headers":[`...)
	for i, h := range r.Headers {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		b = jsonx.AppendString(b, h.Key)
		b = append(b, ':', '[')
		for j, c := range h.Value {
			if j > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, int64(int8(c)), 10)
		}
		b = append(b, ']', '}')
	}
	return append(b, ']', '}')
}

// Size is an upper bound of the bytes AppendRecord adds for r, and of
// what r adds to its partition's array, to cut batches at 6 MB and size
// buffers.
func Size(r *Record) int {
	n := 160 + 6*len(r.Topic) + base64.StdEncoding.EncodedLen(len(r.Key)) + base64.StdEncoding.EncodedLen(len(r.Value))
	for _, h := range r.Headers {
		n += 8 + 6*len(h.Key) + 5*len(h.Value)
	}
	return n
}

// Overhead is an upper bound of the bytes Append adds besides its
// records, for one partition's batch.
func Overhead(bootstrap, topic string) int {
	return 80 + 6*len(bootstrap) + 6*len(topic)
}
