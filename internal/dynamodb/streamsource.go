package dynamodb

import (
	"context"
	"encoding/json"
	"time"

	"github.com/verge-edge/verge/internal/dynamodb/store"
	"github.com/verge-edge/verge/internal/esm"
	ddbevent "github.com/verge-edge/verge/internal/triggers/dynamodb"
)

// maxStreamRead is the most records one Read takes from the store:
// GetRecords' limit, so that a batch of 10,000 is several short reads.
const maxStreamRead = 1000

// A streamSource is a table's stream as an esm.Source: one shard, whose
// positions are the store's log sequences as SequenceNumber writes them.
type streamSource struct {
	s     *Service
	table string
	event ddbevent.Source
}

var _ esm.Source = (*streamSource)(nil)

// StreamSource is table's stream as an event source for esm (Lambda's
// DynamoDB Streams event source mapping); the table must have a stream.
// Its ARN is the stream's as the table is now: a stack's tables have
// fixed stream labels, so it does not change.
func (s *Service) StreamSource(table string) (esm.Source, error) {
	t, err := s.sourceTable(table)
	if err != nil {
		return nil, err
	}
	return &streamSource{s: s, table: table, event: ddbevent.Source{StreamARN: StreamARN(t)}}, nil
}

func (src *streamSource) ARN() string       { return src.event.StreamARN }
func (src *streamSource) BatchInfo() string { return "DDBStreamBatchInfo" }

// Shards is the stream's one shard.
func (src *streamSource) Shards(ctx context.Context) ([]esm.Shard, error) {
	t, err := src.s.sourceTable(src.table)
	if err != nil {
		return nil, err
	}
	return []esm.Shard{{ID: shardID(t.ID, t.StreamLabel)}}, nil
}

// Tip is the position after the table's newest write: what LATEST reads
// from.
func (src *streamSource) Tip(ctx context.Context, shard string) (esm.Position, error) {
	_, ok, err := src.shard(shard)
	if err != nil {
		return esm.Position{}, err
	}
	if !ok {
		return esm.Position{}, &Error{Code: CodeResourceNotFound, Message: "Shard " + shard + " is not the stream's"}
	}
	tip, err := src.s.st.StreamTip(src.table)
	if err != nil {
		return esm.Position{}, err
	}
	return esm.Position{After: SequenceNumber(tip)}, nil
}

// Read returns the records of shard from pos, waiting up to wait for one.
// A shard that is no longer the table's (the table was deleted and
// created again) has ended: its records went with the table.
func (src *streamSource) Read(ctx context.Context, shard string, pos esm.Position, limit, maxBytes int, wait time.Duration) (esm.Read, error) {
	t, ok, err := src.shard(shard)
	if err != nil {
		return esm.Read{}, err
	}
	if !ok {
		return esm.Read{End: true}, nil
	}
	after, err := src.position(ctx, pos)
	if err != nil {
		return esm.Read{}, err
	}
	out, err := src.s.st.ReadStream(ctx, src.table, after, max(1, min(limit, maxStreamRead)), wait)
	if err != nil {
		return esm.Read{}, err
	}
	return src.result(t, out, maxBytes)
}

// position is the sequence pos reads after.
func (src *streamSource) position(ctx context.Context, pos esm.Position) (uint64, error) {
	if pos.After != "" {
		seq, ok := ParseSequenceNumber(pos.After)
		if !ok {
			return 0, invalid("Invalid SequenceNumber: %s", pos.After)
		}
		return seq, nil
	}
	switch pos.Start {
	case esm.Latest:
		return src.s.st.StreamTip(src.table)
	case esm.AtTimestamp:
		return src.s.st.StreamAt(ctx, src.table, pos.Timestamp)
	}
	return 0, nil // TRIM_HORIZON: the oldest record kept
}

// result makes the event records of what the store read, stopping at
// maxBytes of events (after the first).
func (src *streamSource) result(t store.Table, out store.StreamRead, maxBytes int) (esm.Read, error) {
	var r esm.Read
	total := 0
	for _, rec := range out.Records {
		b, err := json.Marshal(NewStreamRecord(t, rec))
		if err != nil {
			return esm.Read{}, err
		}
		ev := src.event.Append(make([]byte, 0, src.event.Size(b)), b)
		if len(r.Records) > 0 && maxBytes > 0 && total+len(ev) > maxBytes {
			break
		}
		total += len(ev)
		r.Records = append(r.Records, esm.Record{Seq: SequenceNumber(rec.Seq), Key: partitionKey(t, rec.Keys), Arrival: rec.Created, Event: ev})
	}
	if n := len(r.Records); n > 0 && (n < len(out.Records) || out.Next < out.Tip) {
		r.Behind = max(0, src.s.now().Sub(out.Records[n-1].Created))
	}
	return r, nil
}

// partitionKey is the partition key's value of a key map, which orders
// the records of a ParallelizationFactor above 1 as Lambda does.
func partitionKey(t store.Table, keys []byte) string {
	if t.Key.Sort.Name == "" {
		return string(keys) // the partition key alone
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(keys, &m) != nil {
		return string(keys)
	}
	return string(m[t.Key.Partition.Name])
}

// shard describes the table if shard is its stream's shard.
func (src *streamSource) shard(shard string) (store.Table, bool, error) {
	t, err := src.s.sourceTable(src.table)
	if err != nil {
		return store.Table{}, false, err
	}
	return t, shardID(t.ID, t.StreamLabel) == shard, nil
}

// sourceTable describes a table that has a stream.
func (s *Service) sourceTable(name string) (store.Table, error) {
	t, err := s.st.Describe(name)
	if err != nil {
		return store.Table{}, err
	}
	if t.StreamView == "" {
		return store.Table{}, &Error{Code: CodeResourceNotFound, Message: "Table " + name + " has no stream"}
	}
	return t, nil
}
