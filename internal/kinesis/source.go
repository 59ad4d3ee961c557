package kinesis

import (
	"context"
	"time"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/esm"
	"github.com/verge-edge/verge/internal/triggers/kinesis"
)

// A source is a stream as an esm.Source.
type source struct {
	s     *Service
	name  string
	event kinesis.Source
}

var _ esm.Source = (*source)(nil)

// Source is the stream as an event source for esm; consumer is the name of
// an enhanced fan-out consumer ("" reads the shards directly). Its events
// name a generic role; SourceAs names the function's.
func (s *Service) Source(stream, consumer string) (esm.Source, error) {
	return s.SourceAs(stream, consumer, defaultRole)
}

// SourceAs is Source whose events name role as invokeIdentityArn.
func (s *Service) SourceAs(stream, consumer, role string) (esm.Source, error) {
	if n, ok := streamOfARN(stream); ok {
		stream = n
	}
	if _, err := s.get(stream); err != nil {
		return nil, err
	}
	if consumer != "" {
		if _, _, err := s.findConsumer(stream, consumer, ""); err != nil {
			return nil, err
		}
	}
	return &source{s: s, name: stream, event: kinesis.Source{StreamARN: arn.Stream(stream), Region: arn.Region, Role: role}}, nil
}

func (src *source) ARN() string       { return src.event.StreamARN }
func (src *source) BatchInfo() string { return "KinesisBatchInfo" }

// Shards lists the listed shards, each with its listed parents.
func (src *source) Shards(ctx context.Context) ([]esm.Shard, error) {
	st, err := src.s.get(src.name)
	if err != nil {
		return nil, err
	}
	now := src.s.now()
	st.mu.RLock()
	defer st.mu.RUnlock()
	out := make([]esm.Shard, 0, len(st.m.Shards))
	for i := range st.m.Shards {
		sm := &st.m.Shards[i]
		if !st.listed(sm, now) {
			continue
		}
		sh := esm.Shard{ID: shardID(sm.Index)}
		for _, p := range sm.Parents {
			// A parent past retention has nothing left to read first.
			if ps := st.shards[p]; ps != nil && st.listed(ps.m, now) {
				sh.Parents = append(sh.Parents, shardID(p))
			}
		}
		out = append(out, sh)
	}
	return out, nil
}

// Tip is the position after the newest record of the stream: what LATEST
// reads from.
func (src *source) Tip(ctx context.Context, shard string) (esm.Position, error) {
	st, sh, err := src.s.lookup(src.name, shard)
	if err != nil {
		return esm.Position{}, err
	}
	last := st.last.Load()
	return esm.Position{After: seq{tag: st.tag, shard: sh.idx, js: last, ms: src.s.now().UnixMilli()}.String()}, nil
}

// Read returns records of shard from pos, waiting up to wait for one.
func (src *source) Read(ctx context.Context, shard string, pos esm.Position, limit, maxBytes int, wait time.Duration) (esm.Read, error) {
	st, sh, err := src.s.lookup(src.name, shard)
	if err != nil {
		return esm.Read{}, err
	}
	in := IteratorInput{Stream: src.name, ShardID: shard, Type: pos.Start, At: pos.Timestamp}
	switch {
	case pos.After != "":
		in.Type, in.Sequence = AfterSequenceNumber, pos.After
	case in.Type == "":
		in.Type = TrimHorizon
	}
	st.mu.RLock()
	from, at, err := src.s.position(st, sh, in)
	st.mu.RUnlock()
	if err != nil {
		return esm.Read{}, err
	}
	limit = max(1, min(limit, MaxGetRecords))
	var deadline <-chan time.Time
	for {
		wake := sh.waiter()
		out, _, end, err := src.s.read(ctx, st, sh, from, at, limit, maxBytes)
		if err != nil {
			return esm.Read{}, err
		}
		if len(out.Records) > 0 || end || wait <= 0 {
			return src.result(sh, out, end, maxBytes), nil
		}
		if deadline == nil {
			t := time.NewTimer(wait)
			defer t.Stop()
			deadline = t.C
		}
		select {
		case <-wake:
		case <-deadline:
			return esm.Read{}, nil
		case <-ctx.Done():
			return esm.Read{}, ctx.Err()
		case <-src.s.closed:
			return esm.Read{}, nil
		}
		if st.gone.Load() {
			return esm.Read{}, errNoStream(src.name)
		}
	}
}

// result builds the esm records' events, stopping at maxBytes of events
// (after the first).
func (src *source) result(sh *shard, out Records, end bool, maxBytes int) esm.Read {
	r := esm.Read{End: end, Behind: time.Duration(out.MillisBehind) * time.Millisecond}
	total := 0
	for i := range out.Records {
		rec := &out.Records[i]
		ev := kinesis.Record{ShardID: sh.id, Sequence: rec.Sequence, PartitionKey: rec.PartitionKey, Data: rec.Data, Arrival: rec.Arrival}
		b := src.event.Append(make([]byte, 0, src.event.Size(&ev)), &ev)
		if i > 0 && maxBytes > 0 && total+len(b) > maxBytes {
			r.End = false
			break
		}
		total += len(b)
		r.Records = append(r.Records, esm.Record{Seq: rec.Sequence, Key: rec.PartitionKey, Arrival: rec.Arrival, Event: b})
	}
	return r
}
