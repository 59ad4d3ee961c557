package awsapi

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
)

// A fastOutput is a large answer that encodes itself, in both protocols,
// without reflection: GetRecords' and SubscribeToShard's records (10 MiB
// a call). Its encodings equal encoding/json's and cborEnc's, byte for
// byte (kinesisencode_test.go).
type fastOutput interface {
	// size estimates the encoding's length, to allocate once.
	size() int
	appendJSON(b []byte) []byte
	appendCBOR(b []byte) []byte
}

// CBOR's major types.
const (
	cborUint   = 0
	cborNegint = 1
	cborBytes  = 2
	cborText   = 3
	cborArray  = 4
	cborMap    = 5
	cborTag    = 6
)

// appendCBORHead appends a data item's head: its major type and argument.
func appendCBORHead(b []byte, major byte, n uint64) []byte {
	m := major << 5
	switch {
	case n < 24:
		return append(b, m|byte(n))
	case n <= 0xff:
		return append(b, m|24, byte(n))
	case n <= 0xffff:
		return append(b, m|25, byte(n>>8), byte(n))
	case n <= 0xffffffff:
		return append(b, m|26, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(b, m|27, byte(n>>56), byte(n>>48), byte(n>>40), byte(n>>32), byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}

func appendCBORText(b []byte, s string) []byte {
	return append(appendCBORHead(b, cborText, uint64(len(s))), s...)
}

func appendCBORInt(b []byte, n int64) []byte {
	if n < 0 {
		return appendCBORHead(b, cborNegint, uint64(-1-n))
	}
	return appendCBORHead(b, cborUint, uint64(n))
}

// appendCBORStamp appends t as tag 1 of epoch milliseconds.
func appendCBORStamp(b []byte, t timestamp) []byte {
	return appendCBORInt(appendCBORHead(b, cborTag, cborTagEpoch), t.UnixMilli())
}

// appendJSONStamp appends t as epoch seconds.
func appendJSONStamp(b []byte, t timestamp) []byte {
	return strconv.AppendFloat(b, float64(t.UnixMilli())/1e3, 'f', -1, 64)
}

// recordsSize estimates the encoding of recs.
func recordsSize(recs []wireRecord) int {
	n := 64
	for _, r := range recs {
		n += base64.StdEncoding.EncodedLen(len(r.Data)) + len(r.SequenceNumber) + len(r.PartitionKey) + 128
	}
	return n
}

func appendRecordsJSON(b []byte, recs []wireRecord) []byte {
	if recs == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, r := range recs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"SequenceNumber":`...)
		b = appendJSONString(b, r.SequenceNumber)
		b = append(b, `,"ApproximateArrivalTimestamp":`...)
		b = appendJSONStamp(b, r.ApproximateArrivalTimestamp)
		if r.Data == nil {
			b = append(b, `,"Data":null`...)
		} else {
			b = append(b, `,"Data":"`...)
			b = base64.StdEncoding.AppendEncode(b, r.Data)
			b = append(b, '"')
		}
		b = append(b, `,"PartitionKey":`...)
		b = appendJSONString(b, r.PartitionKey)
		if r.EncryptionType != "" {
			b = append(b, `,"EncryptionType":`...)
			b = appendJSONString(b, r.EncryptionType)
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

func appendRecordsCBOR(b []byte, recs []wireRecord) []byte {
	if recs == nil {
		return append(b, 0xf6) // null
	}
	b = appendCBORHead(b, cborArray, uint64(len(recs)))
	for _, r := range recs {
		fields := uint64(4)
		if r.EncryptionType != "" {
			fields++
		}
		b = appendCBORHead(b, cborMap, fields)
		b = appendCBORText(b, "SequenceNumber")
		b = appendCBORText(b, r.SequenceNumber)
		b = appendCBORText(b, "ApproximateArrivalTimestamp")
		b = appendCBORStamp(b, r.ApproximateArrivalTimestamp)
		b = appendCBORText(b, "Data")
		if r.Data == nil {
			b = append(b, 0xf6)
		} else {
			b = append(appendCBORHead(b, cborBytes, uint64(len(r.Data))), r.Data...)
		}
		b = appendCBORText(b, "PartitionKey")
		b = appendCBORText(b, r.PartitionKey)
		if r.EncryptionType != "" {
			b = appendCBORText(b, "EncryptionType")
			b = appendCBORText(b, r.EncryptionType)
		}
	}
	return b
}

// appendChildShards appends a member of child shards, which are few, by
// reflection: nothing when there are none (omitempty).
func appendChildShards(b []byte, cs []wireChildShard, cborOut bool) []byte {
	if len(cs) == 0 {
		return b
	}
	if cborOut {
		v, _ := cborEnc.Marshal(cs)
		return append(appendCBORText(b, "ChildShards"), v...)
	}
	v, _ := json.Marshal(cs)
	return append(append(b, `,"ChildShards":`...), v...)
}

func (o getRecordsOut) size() int { return recordsSize(o.Records) + len(o.NextShardIterator) }

func (o getRecordsOut) appendJSON(b []byte) []byte {
	b = append(b, `{"Records":`...)
	b = appendRecordsJSON(b, o.Records)
	if o.NextShardIterator != "" {
		b = append(b, `,"NextShardIterator":`...)
		b = appendJSONString(b, o.NextShardIterator)
	}
	b = append(b, `,"MillisBehindLatest":`...)
	b = strconv.AppendInt(b, o.MillisBehindLatest, 10)
	return append(appendChildShards(b, o.ChildShards, false), '}')
}

func (o getRecordsOut) appendCBOR(b []byte) []byte {
	fields := uint64(2)
	if o.NextShardIterator != "" {
		fields++
	}
	if len(o.ChildShards) > 0 {
		fields++
	}
	b = appendCBORHead(b, cborMap, fields)
	b = appendCBORText(b, "Records")
	b = appendRecordsCBOR(b, o.Records)
	if o.NextShardIterator != "" {
		b = appendCBORText(b, "NextShardIterator")
		b = appendCBORText(b, o.NextShardIterator)
	}
	b = appendCBORText(b, "MillisBehindLatest")
	b = appendCBORInt(b, o.MillisBehindLatest)
	return appendChildShards(b, o.ChildShards, true)
}

func (o subscribeToShardEvent) size() int {
	return recordsSize(o.Records) + len(o.ContinuationSequenceNumber)
}

func (o subscribeToShardEvent) appendJSON(b []byte) []byte {
	b = append(b, `{"Records":`...)
	b = appendRecordsJSON(b, o.Records)
	b = append(b, `,"ContinuationSequenceNumber":`...)
	b = appendJSONString(b, o.ContinuationSequenceNumber)
	b = append(b, `,"MillisBehindLatest":`...)
	b = strconv.AppendInt(b, o.MillisBehindLatest, 10)
	return append(appendChildShards(b, o.ChildShards, false), '}')
}

func (o subscribeToShardEvent) appendCBOR(b []byte) []byte {
	fields := uint64(3)
	if len(o.ChildShards) > 0 {
		fields++
	}
	b = appendCBORHead(b, cborMap, fields)
	b = appendCBORText(b, "Records")
	b = appendRecordsCBOR(b, o.Records)
	b = appendCBORText(b, "ContinuationSequenceNumber")
	b = appendCBORText(b, o.ContinuationSequenceNumber)
	b = appendCBORText(b, "MillisBehindLatest")
	b = appendCBORInt(b, o.MillisBehindLatest)
	return appendChildShards(b, o.ChildShards, true)
}

var (
	_ fastOutput = getRecordsOut{}
	_ fastOutput = subscribeToShardEvent{}
)
