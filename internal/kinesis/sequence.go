package kinesis

import (
	"hash/fnv"
	"strconv"
)

// A seq is a decoded sequence number: which stream (a tag of its id) and
// shard it came from, the record's JetStream sequence and its arrival.
// Encoded, it is seqLead, then each field as zero-padded decimal, 56
// digits in all: fixed width, so sequence numbers compare the same as
// strings and as integers, and increase with the JetStream sequence
// within a shard.
type seq struct {
	tag   uint64
	shard int
	js    uint64
	ms    int64
}

// String is s's 56 digits.
func (s seq) String() string {
	b := make([]byte, 0, seqWidth)
	b = append(b, seqLead...)
	b = appendPadded(b, s.tag, seqTagDigits)
	b = appendPadded(b, uint64(s.shard), seqShardDigs)
	b = appendPadded(b, s.js, seqJSDigits)
	b = appendPadded(b, uint64(max(s.ms, 0)), seqMsDigits)
	return string(b)
}

// appendPadded appends v in exactly n digits (its low n digits).
func appendPadded(b []byte, v uint64, n int) []byte {
	var d [20]byte
	for i := n - 1; i >= 0; i-- {
		d[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, d[:n]...)
}

// parseSeq decodes a sequence number this service made.
func parseSeq(s string) (seq, bool) {
	if len(s) != seqWidth || s[:2] != seqLead {
		return seq{}, false
	}
	var out seq
	var ok bool
	p := 2
	field := func(n int) uint64 {
		v, err := strconv.ParseUint(s[p:p+n], 10, 64)
		p += n
		if err != nil {
			ok = false
		}
		return v
	}
	ok = true
	out.tag = field(seqTagDigits)
	out.shard = int(field(seqShardDigs))
	out.js = field(seqJSDigits)
	out.ms = int64(field(seqMsDigits))
	return out, ok
}

// streamTag is the digits of a stream id a sequence number carries, so
// that one from another stream (or an older stream of the same name) is
// refused.
func streamTag(id string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return h.Sum64() % 1e10
}

// validSequence reports whether s matches AWS's SequenceNumber pattern,
// 0|([1-9]\d{0,128}).
func validSequence(s string) bool {
	if s == "0" {
		return true
	}
	if s == "" || len(s) > 129 || s[0] == '0' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// CompareSequence compares two sequence numbers as AWS does, as unsigned
// integers of any size: -1, 0 or +1. A malformed one is
// InvalidArgumentException.
func CompareSequence(a, b string) (int, error) {
	for _, s := range [2]string{a, b} {
		if !validSequence(s) {
			return 0, fail(CodeInvalidArgument, "Invalid SequenceNumber %s.", s)
		}
	}
	switch {
	case len(a) < len(b):
		return -1, nil
	case len(a) > len(b):
		return 1, nil
	case a < b:
		return -1, nil
	case a > b:
		return 1, nil
	}
	return 0, nil
}
