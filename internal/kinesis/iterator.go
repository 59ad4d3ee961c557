package kinesis

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"time"

	"github.com/verge-edge/verge/internal/arn"
)

// An iterator is a position in a shard. Encoded it is base64 of: a
// version byte, the stream's name and id (length-prefixed), the shard
// index, the JetStream sequence to read from, AT_TIMESTAMP's time (ms, 0
// for none), the creation time (ms), then the first 16 bytes of an
// HMAC-SHA256 of all that under the node key.
type iterator struct {
	name    string
	id      string
	shard   int
	from    uint64
	at      int64
	created int64
}

const (
	iteratorVersion = 1
	macSize         = 16
	maxIterator     = 512
)

func (s *Service) mac(b []byte) []byte {
	h := hmac.New(sha256.New, s.nodeKey)
	h.Write(b)
	return h.Sum(nil)[:macSize]
}

func (s *Service) encodeIterator(it iterator) string {
	b := make([]byte, 0, 64+len(it.name))
	b = append(b, iteratorVersion)
	b = binary.AppendUvarint(b, uint64(len(it.name)))
	b = append(b, it.name...)
	b = binary.AppendUvarint(b, uint64(len(it.id)))
	b = append(b, it.id...)
	b = binary.AppendUvarint(b, uint64(it.shard))
	b = binary.AppendUvarint(b, it.from)
	b = binary.AppendVarint(b, it.at)
	b = binary.AppendVarint(b, it.created)
	b = append(b, s.mac(b)...)
	return base64.StdEncoding.EncodeToString(b)
}

// decodeIterator reads an iterator this node made; anything else is
// InvalidArgumentException.
func (s *Service) decodeIterator(str string) (iterator, error) {
	bad := fail(CodeInvalidArgument, "Invalid ShardIterator.")
	if len(str) == 0 || len(str) > maxIterator {
		return iterator{}, bad
	}
	b, err := decodeOpaque(str)
	if err != nil || len(b) < 1+macSize || b[0] != iteratorVersion {
		return iterator{}, bad
	}
	body, sum := b[:len(b)-macSize], b[len(b)-macSize:]
	if !hmac.Equal(sum, s.mac(body)) {
		return iterator{}, bad
	}
	it, ok := parseIterator(body[1:])
	if !ok {
		return iterator{}, bad
	}
	return it, nil
}

// parseIterator reads an iterator's fields after the version byte.
func parseIterator(b []byte) (iterator, bool) {
	var it iterator
	str := func() (string, bool) {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return "", false
		}
		s := string(b[k : k+int(n)])
		b = b[k+int(n):]
		return s, true
	}
	uv := func() (uint64, bool) {
		n, k := binary.Uvarint(b)
		if k <= 0 {
			return 0, false
		}
		b = b[k:]
		return n, true
	}
	sv := func() (int64, bool) {
		n, k := binary.Varint(b)
		if k <= 0 {
			return 0, false
		}
		b = b[k:]
		return n, true
	}
	var ok1, ok2, ok3, ok4, ok5, ok6 bool
	var shard uint64
	it.name, ok1 = str()
	it.id, ok2 = str()
	shard, ok3 = uv()
	it.from, ok4 = uv()
	it.at, ok5 = sv()
	it.created, ok6 = sv()
	it.shard = int(shard)
	return it, ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && len(b) == 0 && shard <= maxShardIndex
}

// errNoShard is a shard missing from a stream.
func errNoShard(id, name string) error {
	return fail(CodeResourceNotFound, "Shard %s in stream %s under account %s does not exist", id, name, arn.Account)
}

// lookup is the stream and shard of in.
func (s *Service) lookup(name, shardID string) (*stream, *shard, error) {
	st, err := s.get(name)
	if err != nil {
		return nil, nil, err
	}
	i, ok := parseShardID(shardID)
	st.mu.RLock()
	sh := st.shards[i]
	st.mu.RUnlock()
	if !ok || sh == nil {
		return nil, nil, errNoShard(shardID, name)
	}
	return st, sh, nil
}

// position resolves an iterator request to the JetStream sequence to read
// from (and the AT_TIMESTAMP time to filter on).
func (s *Service) position(st *stream, sh *shard, in IteratorInput) (from uint64, at int64, err error) {
	needSeq := in.Type == AtSequenceNumber || in.Type == AfterSequenceNumber
	switch {
	case needSeq && in.Sequence == "":
		return 0, 0, fail(CodeInvalidArgument, "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified %s and no StartingSequenceNumber.", in.Type)
	case !needSeq && in.Sequence != "" && in.Type != AtTimestamp:
		return 0, 0, fail(CodeInvalidArgument, "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified %s and also a StartingSequenceNumber.", in.Type)
	}
	switch in.Type {
	case TrimHorizon:
		return sh.startJS, 0, nil
	case Latest:
		return st.last.Load() + 1, 0, nil
	case AtTimestamp:
		if in.At.IsZero() {
			return 0, 0, fail(CodeInvalidArgument, "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.")
		}
		if in.At.After(s.now()) {
			return 0, 0, fail(CodeInvalidArgument, "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: %d, currentTimestampInMillis: %d", in.At.UnixMilli(), s.now().UnixMilli())
		}
		return sh.startJS, in.At.UnixMilli(), nil
	case AtSequenceNumber, AfterSequenceNumber:
		q, err := s.sequenceIn(st, sh, in.Sequence)
		if err != nil {
			return 0, 0, err
		}
		if in.Type == AfterSequenceNumber {
			return q.js + 1, 0, nil
		}
		return q.js, 0, nil
	}
	return 0, 0, fail(CodeValidation, "1 validation error detected: Value '%s' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, AT_SEQUENCE_NUMBER, AT_TIMESTAMP, TRIM_HORIZON, LATEST]", in.Type)
}

// sequenceIn decodes a starting sequence number of sh.
func (s *Service) sequenceIn(st *stream, sh *shard, str string) (seq, error) {
	if !validSequence(str) {
		return seq{}, fail(CodeValidation, "1 validation error detected: Value '%s' at 'startingSequenceNumber' failed to satisfy constraint: Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})", str)
	}
	q, ok := parseSeq(str)
	if !ok || q.tag != st.tag {
		return seq{}, fail(CodeInvalidArgument, "StartingSequenceNumber %s used in GetShardIterator on shard %s in stream %s under account %s is invalid because it did not come from this stream.", str, sh.id, st.m.Name, arn.Account)
	}
	if q.shard != sh.idx {
		return seq{}, fail(CodeInvalidArgument, "Invalid StartingSequenceNumber. It encodes %s, while it was used in a call to a shard with %s", shardID(q.shard), sh.id)
	}
	return q, nil
}

// GetShardIterator returns an iterator at a position of a shard.
func (s *Service) GetShardIterator(ctx context.Context, in IteratorInput) (string, error) {
	st, sh, err := s.lookup(in.Stream, in.ShardID)
	if err != nil {
		return "", err
	}
	from, at, err := s.position(st, sh, in)
	if err != nil {
		return "", err
	}
	return s.encodeIterator(iterator{name: st.m.Name, id: st.m.ID, shard: sh.idx, from: from, at: at, created: s.now().UnixMilli()}), nil
}

// javaDate formats t as Java's Date.toString does in UTC, as AWS's
// messages show times.
func javaDate(t time.Time) string { return t.UTC().Format("Mon Jan 02 15:04:05 MST 2006") }

// GetRecords reads up to limit records (10,000 when 0) at an iterator.
func (s *Service) GetRecords(ctx context.Context, iter string, limit int) (Records, error) {
	if limit < 0 || limit > MaxGetRecords {
		return Records{}, fail(CodeValidation, "1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000", limit)
	}
	if limit == 0 {
		limit = MaxGetRecords
	}
	it, err := s.decodeIterator(iter)
	if err != nil {
		return Records{}, err
	}
	now := s.now()
	if created := time.UnixMilli(it.created); now.Sub(created) > IteratorLifetime {
		return Records{}, fail(CodeExpiredIterator, "Iterator expired. The iterator was created at time %s while right now it is %s which is further in the future than the tolerated delay of %d milliseconds.", javaDate(created), javaDate(now), IteratorLifetime.Milliseconds())
	}
	st, sh, err := s.lookup(it.name, shardID(it.shard))
	if err != nil {
		return Records{}, err
	}
	if st.m.ID != it.id {
		return Records{}, errNoShard(shardID(it.shard), it.name)
	}
	throttled := !s.o.Unthrottled && st.m.Mode == Provisioned
	if throttled && (!sh.readN.take(now, 1) || !sh.readB.overdraw(now, 0)) {
		return Records{}, fail(CodeThroughputExceeded, "Rate exceeded for Shard - %s in stream %s under account %s.", sh.id, st.m.Name, arn.Account)
	}
	out, next, end, err := s.read(ctx, st, sh, it.from, it.at, limit, MaxGetRecordsBytes)
	if err != nil {
		return Records{}, err
	}
	if throttled {
		n := 0
		for _, r := range out.Records {
			n += len(r.Data) + len(r.PartitionKey)
		}
		sh.readB.charge(now, float64(n))
	}
	if !end {
		out.Next = s.encodeIterator(iterator{name: st.m.Name, id: st.m.ID, shard: sh.idx, from: next, created: now.UnixMilli()})
	}
	return out, nil
}

// read returns records of sh from JetStream sequence from: the records,
// the position after them, and whether a closed shard is read to its end
// (ChildShards then set).
func (s *Service) read(ctx context.Context, st *stream, sh *shard, from uint64, at int64, limit, maxBytes int) (Records, uint64, bool, error) {
	var atp *time.Time
	if at != 0 {
		t := time.UnixMilli(at)
		atp = &t
	}
	gots, err := s.fetch(ctx, st, sh, from, atp, limit, maxBytes)
	if err != nil {
		return Records{}, from, false, err
	}
	out := Records{Records: make([]Record, 0, len(gots))}
	next := from
	var lastMs int64
	for _, g := range gots {
		next = g.js + 1
		if g.ms < at {
			continue
		}
		lastMs = g.ms
		out.Records = append(out.Records, Record{
			Sequence:     seq{tag: st.tag, shard: sh.idx, js: g.js, ms: g.ms}.String(),
			Arrival:      time.UnixMilli(g.ms),
			Data:         g.data,
			PartitionKey: g.key,
		})
	}
	tip := sh.last.Load()
	if next <= tip && lastMs > 0 {
		out.MillisBehind = max(0, s.now().UnixMilli()-lastMs)
	}
	st.mu.RLock()
	closed := sh.m.Closed
	end := closed && next > tip
	if end {
		out.ChildShards = st.children(sh.idx)
	}
	st.mu.RUnlock()
	return out, next, end, nil
}
