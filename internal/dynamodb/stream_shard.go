package dynamodb

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// streamLabelLayout is a stream label's form: the time it was enabled.
const streamLabelLayout = "2006-01-02T15:04:05.000"

// shardID is the stable ID of the shard of a table's stream labelled
// label. A stream has one shard, open while the stream is enabled: the
// store's log of a table is one ordered sequence, with nothing to split
// it by. The ID has AWS's form: the stream's label time in ms (20 digits)
// and a hash of the table and label (8 hex digits).
func shardID(tableID, label string) string {
	ms := int64(0)
	if at, err := time.Parse(streamLabelLayout, label); err == nil {
		ms = at.UnixMilli()
	}
	sum := sha256.Sum256([]byte(tableID + "/" + label))
	return fmt.Sprintf("shardId-%020d-%s", ms, hex.EncodeToString(sum[:4]))
}

// A tableStream is one of a table's streams: its current one, or a past
// one (disabled, still readable), whose shard is closed at To.
type tableStream struct {
	t store.Table
	store.PastStream
	closed bool
}

func (ts tableStream) arn() string   { return arn.Table(ts.t.Name) + "/stream/" + ts.Label }
func (ts tableStream) shard() string { return shardID(ts.t.ID, ts.Label) }

// streamsOf are table t's streams readable at now: its past ones, then
// its current one if enabled.
func streamsOf(t store.Table, now time.Time) []tableStream {
	var out []tableStream
	for _, p := range t.PastStreams {
		if p.Live(now) {
			out = append(out, tableStream{t: t, PastStream: p, closed: true})
		}
	}
	if t.StreamView != "" {
		out = append(out, tableStream{t: t, PastStream: store.PastStream{Label: t.StreamLabel, View: t.StreamView}})
	}
	return out
}

// parseStreamARN is the table name and label of a stream ARN.
func parseStreamARN(a string) (table, label string, ok bool) {
	rest, ok := cutTableARN(a)
	if !ok {
		return "", "", false
	}
	table, label, ok = strings.Cut(rest, "/stream/")
	return table, label, ok && table != "" && label != ""
}

// streamNotFound is ResourceNotFoundException for a stream ARN.
func streamNotFound(a string) *Error {
	return &Error{Code: CodeResourceNotFound, Message: msgNotFound + ": Stream: " + a + " not found"}
}

// streamTable is the stream a of its table, current or past: a stream
// of a table deleted and made again, or disabled more than 24 hours ago,
// is not found.
func (s *Service) streamTable(a string) (tableStream, error) {
	name, label, ok := parseStreamARN(a)
	if !ok {
		return tableStream{}, invalid("Invalid StreamArn")
	}
	t, err := s.st.Describe(name)
	if err != nil {
		return tableStream{}, streamNotFound(a)
	}
	return streamLabelled(t, label, s.now(), a)
}

// streamLabelled is table t's stream labelled label readable at now.
func streamLabelled(t store.Table, label string, now time.Time, a string) (tableStream, error) {
	for _, ts := range streamsOf(t, now) {
		if ts.Label == label {
			return ts, nil
		}
	}
	return tableStream{}, streamNotFound(a)
}

// An iterator is a position in a table's stream shard. Encoded it is
// base64 of: a version byte, the table's name, id and stream label
// (length-prefixed), the sequence to read after, the time it was issued
// (ms), then the first 16 bytes of an HMAC-SHA256 of all that under the
// service's key.
type iterator struct {
	table, id, label string
	after            uint64
	issued           int64
}

const (
	iteratorVersion = 1
	iteratorMAC     = 16
	// maxIterator is the longest ShardIterator the API takes.
	maxIterator = 2048
	// iteratorLife is how long an iterator reads, as on AWS.
	iteratorLife = 15 * time.Minute
)

func (s *Service) mac(b []byte) []byte {
	h := hmac.New(sha256.New, s.key)
	h.Write(b)
	return h.Sum(nil)[:iteratorMAC]
}

func (s *Service) encodeIterator(it iterator) string {
	b := []byte{iteratorVersion}
	for _, str := range []string{it.table, it.id, it.label} {
		b = binary.AppendUvarint(b, uint64(len(str)))
		b = append(b, str...)
	}
	b = binary.AppendUvarint(b, it.after)
	b = binary.AppendVarint(b, it.issued)
	return base64.StdEncoding.EncodeToString(append(b, s.mac(b)...))
}

// errBadIterator is what GetRecords answers an iterator it did not make.
var errBadIterator = &Error{Code: CodeValidation, Message: "Invalid ShardIterator"}

// decodeIterator reads an iterator this service made. The decoding is
// strict, so an iterator has one spelling: no padding variants and no
// line breaks (which base64 decoders skip).
func (s *Service) decodeIterator(str string) (iterator, error) {
	if len(str) == 0 || len(str) > maxIterator || strings.ContainsAny(str, "\r\n") {
		return iterator{}, errBadIterator
	}
	b, err := base64.StdEncoding.Strict().DecodeString(str)
	if err != nil || len(b) < 1+iteratorMAC || b[0] != iteratorVersion {
		return iterator{}, errBadIterator
	}
	body, sum := b[:len(b)-iteratorMAC], b[len(b)-iteratorMAC:]
	if !hmac.Equal(sum, s.mac(body)) {
		return iterator{}, errBadIterator
	}
	it, ok := parseIterator(body[1:])
	if !ok || s.encodeIterator(it) != str { // e.g. a varint spelt long
		return iterator{}, errBadIterator
	}
	return it, nil
}

// parseIterator reads an iterator's fields after the version byte.
func parseIterator(b []byte) (iterator, bool) {
	var it iterator
	for _, dst := range []*string{&it.table, &it.id, &it.label} {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return iterator{}, false
		}
		*dst, b = string(b[k:k+int(n)]), b[k+int(n):]
	}
	after, k := binary.Uvarint(b)
	if k <= 0 {
		return iterator{}, false
	}
	b = b[k:]
	issued, k := binary.Varint(b)
	if k <= 0 || k != len(b) {
		return iterator{}, false
	}
	it.after, it.issued = after, issued
	return it, true
}

// streamARN is the ARN of the stream an iterator reads.
func (it iterator) streamARN() string { return arn.Table(it.table) + "/stream/" + it.label }

// iteratorStream is the ARN of the stream an iterator names, "" for what
// is not an iterator. Its MAC is not checked here: the name is for
// authorization, decided before GetRecords runs, and GetRecords refuses a
// forged iterator all the same.
func iteratorStream(str string) string {
	if len(str) > maxIterator || strings.ContainsAny(str, "\r\n") {
		return ""
	}
	b, err := base64.StdEncoding.Strict().DecodeString(str)
	if err != nil || len(b) < 1+iteratorMAC || b[0] != iteratorVersion {
		return ""
	}
	it, ok := parseIterator(b[1 : len(b)-iteratorMAC])
	if !ok {
		return ""
	}
	return arn.Table(it.table) + "/stream/" + it.label
}
