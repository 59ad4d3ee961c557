package kinesis

import (
	"context"
	"encoding/binary"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/verge-edge/verge/internal/arn"
)

// A stored is a record as its message body holds it (see doc.go).
type stored struct {
	ms   int64
	key  string
	data []byte
}

// encodeRecord is a record's message body: arrival ms and key length,
// then the key and the data.
func encodeRecord(ms int64, key string, data []byte) []byte {
	b := make([]byte, recordHeader, recordHeader+len(key)+len(data))
	binary.BigEndian.PutUint64(b, uint64(ms))
	binary.BigEndian.PutUint16(b[8:], uint16(len(key)))
	b = append(b, key...)
	return append(b, data...)
}

// decodeRecord reads a message body; data aliases b.
func decodeRecord(b []byte) (stored, bool) {
	if len(b) < recordHeader {
		return stored{}, false
	}
	n := int(binary.BigEndian.Uint16(b[8:]))
	if len(b) < recordHeader+n {
		return stored{}, false
	}
	return stored{
		ms:   int64(binary.BigEndian.Uint64(b)),
		key:  string(b[recordHeader : recordHeader+n]),
		data: b[recordHeader+n:],
	}, true
}

// checkEntries validates a PutRecords request as AWS does, before any
// record is written.
func checkEntries(entries []PutEntry) error {
	if len(entries) == 0 {
		return fail(CodeValidation, "1 validation error detected: Value '[]' at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	if len(entries) > MaxPutRecords {
		return fail(CodeValidation, "1 validation error detected: Value '[%d records]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500", len(entries))
	}
	total := 0
	for i, e := range entries {
		n := utf8.RuneCountInString(e.PartitionKey)
		switch {
		case n == 0:
			return fail(CodeValidation, "1 validation error detected: Value '' at 'records.%d.member.partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1", i+1)
		case n > MaxPartitionKey:
			return fail(CodeValidation, "1 validation error detected: Value '%s' at 'records.%d.member.partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256", e.PartitionKey, i+1)
		case len(e.Data) > MaxRecordSize:
			return fail(CodeValidation, "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=%d cap=%d]' at 'records.%d.member.data' failed to satisfy constraint: Member must have length less than or equal to 1048576", len(e.Data), len(e.Data), i+1)
		case len(e.Data)+len(e.PartitionKey) > MaxRecordSize:
			return fail(CodeInvalidArgument, "Record size exceeds 1 MB limit: the partition key and data of record %d total %d bytes.", i+1, len(e.Data)+len(e.PartitionKey))
		}
		if e.ExplicitHashKey != "" {
			if _, ok := parseHashKey(e.ExplicitHashKey); !ok {
				return fail(CodeInvalidArgument, "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was %s", e.ExplicitHashKey)
			}
		}
		total += len(e.Data) + len(e.PartitionKey)
	}
	if total > MaxPutRequestSize {
		return fail(CodeInvalidArgument, "Records size exceeds 5 MB limit")
	}
	return nil
}

// PutRecords stores entries, each in the open shard its hash key falls
// in, and returns once every stored record is acknowledged. Records over a
// shard's write limit fail one by one, as AWS's do.
func (s *Service) PutRecords(ctx context.Context, name string, entries []PutEntry) ([]PutResult, error) {
	if err := checkEntries(entries); err != nil {
		return nil, err
	}
	st, err := s.get(name)
	if err != nil {
		return nil, err
	}
	// Held until every ack is in: a reshard waits, so no record lands in
	// a shard after it closed.
	st.mu.RLock()
	defer st.mu.RUnlock()
	if st.gone.Load() {
		return nil, errNoStream(name)
	}
	p := &putting{st: st, ms: s.now().UnixMilli(), res: make([]PutResult, len(entries)),
		shards: make([]*shard, len(entries)), futures: make([]jetstream.PubAckFuture, len(entries))}
	s.publish(p, name, entries)
	s.await(p)
	s.wakeAll(p.shards)
	return p.res, nil
}

// putting is one PutRecords in flight.
type putting struct {
	st      *stream
	ms      int64
	res     []PutResult
	shards  []*shard
	futures []jetstream.PubAckFuture
}

// publish routes, admits and publishes each entry asynchronously.
func (s *Service) publish(p *putting, name string, entries []PutEntry) {
	throttled := !s.o.Unthrottled && p.st.m.Mode == Provisioned
	now := time.UnixMilli(p.ms)
	for i, e := range entries {
		k, ok := parseHashKey(e.ExplicitHashKey)
		if !ok {
			k = keyOf(e.PartitionKey)
		}
		sh := p.st.route(k)
		if throttled && !sh.admit(now, float64(len(e.Data)+len(e.PartitionKey))) {
			p.res[i].ErrorCode = CodeThroughputExceeded
			p.res[i].ErrorMessage = "Rate exceeded for shard " + sh.id + " in stream " + name + " under account " + arn.Account + "."
			continue
		}
		f, err := s.js.PublishAsync(sh.subject, encodeRecord(p.ms, e.PartitionKey, e.Data))
		if err != nil {
			internalFailure(&p.res[i])
			continue
		}
		p.res[i].ShardID = sh.id
		p.shards[i], p.futures[i] = sh, f
	}
}

// await collects the acknowledgements. It does not give up when the
// request's context ends, since a record acknowledged later would have
// been stored without the lock; only after ackTimeout.
func (s *Service) await(p *putting) {
	timeout := time.NewTimer(ackTimeout)
	defer timeout.Stop()
	for i, f := range p.futures {
		if f == nil {
			continue
		}
		select {
		case ack := <-f.Ok():
			sh := p.shards[i]
			p.res[i].Sequence = seq{tag: p.st.tag, shard: sh.idx, js: ack.Sequence, ms: p.ms}.String()
			raise(&sh.last, ack.Sequence)
			sh.arrival.Store(p.ms)
			raise(&p.st.last, ack.Sequence)
		case <-f.Err():
			internalFailure(&p.res[i])
		case <-timeout.C:
			for j := i; j < len(p.futures); j++ {
				if p.futures[j] != nil {
					internalFailure(&p.res[j])
				}
			}
			return
		}
	}
}

// admit takes a record of size bytes from sh's write limits.
func (sh *shard) admit(now time.Time, size float64) bool {
	if !sh.writeN.take(now, 1) {
		return false
	}
	if !sh.writeB.take(now, size) {
		sh.writeN.give(1)
		return false
	}
	return true
}

func internalFailure(r *PutResult) {
	r.ErrorCode = CodeInternalFailure
	r.ErrorMessage = "Internal service failure."
	r.Sequence, r.ShardID = "", ""
}

// wakeAll signals each shard written once.
func (s *Service) wakeAll(shards []*shard) {
	var done *shard
	for _, sh := range shards {
		if sh != nil && sh != done {
			sh.signal()
			done = sh
		}
	}
}

// raise sets v to n when n is larger.
func raise(v *atomic.Uint64, n uint64) {
	for {
		o := v.Load()
		if n <= o || v.CompareAndSwap(o, n) {
			return
		}
	}
}

// PutRecord stores one record. Unlike a PutRecords entry, a record over
// its shard's limit or not stored fails the call, as AWS's PutRecord
// does.
func (s *Service) PutRecord(ctx context.Context, name string, e PutEntry) (PutResult, error) {
	res, err := s.PutRecords(ctx, name, []PutEntry{e})
	if err != nil {
		return PutResult{}, err
	}
	if r := res[0]; r.ErrorCode != "" {
		return PutResult{}, &Error{Code: r.ErrorCode, Message: r.ErrorMessage}
	}
	return res[0], nil
}
