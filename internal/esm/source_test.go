package esm

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"
)

// memSource is a Source over in-memory shards: records may be added while
// a Manager reads, shards closed and children added (a reshard); Read
// waits on a channel for records to arrive.
type memSource struct {
	arn, info string

	mu      sync.Mutex
	shards  []*memShard
	seq     int
	changed chan struct{} // closed and replaced on every change
	// failReads is how many Reads fail before they work again.
	failReads int
	// tipGate, when set, holds every Tip until it is closed.
	tipGate chan struct{}
}

type memShard struct {
	id      string
	parents []string
	recs    []Record
	closed  bool
}

func newSource(shards ...string) *memSource {
	s := &memSource{arn: "arn:aws:kinesis:us-east-1:123456789012:stream/test", info: "KinesisBatchInfo", changed: make(chan struct{})}
	for _, id := range shards {
		s.shards = append(s.shards, &memShard{id: id})
	}
	return s
}

func (s *memSource) ARN() string       { return s.arn }
func (s *memSource) BatchInfo() string { return s.info }

func (s *memSource) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *memSource) shard(id string) *memShard {
	for _, sh := range s.shards {
		if sh.id == id {
			return sh
		}
	}
	panic("no shard " + id)
}

// put adds a record with key and data to shard, arrived now.
func (s *memSource) put(shard, key, data string) Record {
	return s.putAt(shard, key, data, time.Now())
}

// putAt adds a record that arrived at.
func (s *memSource) putAt(shard, key, data string, at time.Time) Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	seq := fmt.Sprintf("4959%016d", s.seq)
	ev, err := json.Marshal(map[string]any{
		"kinesis": map[string]any{
			"kinesisSchemaVersion": "1.0", "partitionKey": key, "sequenceNumber": seq,
			"data":                        base64.StdEncoding.EncodeToString([]byte(data)),
			"approximateArrivalTimestamp": float64(at.UnixMilli()) / 1000,
		},
		"eventSource": "aws:kinesis", "eventVersion": "1.0", "eventID": shard + ":" + seq,
		"eventName": "aws:kinesis:record", "invokeIdentityArn": "arn:aws:iam::123456789012:role/esm",
		"awsRegion": "us-east-1", "eventSourceARN": s.arn,
	})
	if err != nil {
		panic(err)
	}
	r := Record{Seq: seq, Key: key, Arrival: at, Event: ev}
	sh := s.shard(shard)
	sh.recs = append(sh.recs, r)
	s.notify()
	return r
}

// split closes parent and adds children of it.
func (s *memSource) split(parent string, children ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shard(parent).closed = true
	for _, c := range children {
		s.shards = append(s.shards, &memShard{id: c, parents: []string{parent}})
	}
	s.notify()
}

func (s *memSource) Shards(ctx context.Context) ([]Shard, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Shard, len(s.shards))
	for i, sh := range s.shards {
		out[i] = Shard{ID: sh.id, Parents: sh.parents}
	}
	return out, nil
}

func (s *memSource) Tip(ctx context.Context, shard string) (Position, error) {
	if s.tipGate != nil {
		select {
		case <-s.tipGate:
		case <-ctx.Done():
			return Position{}, ctx.Err()
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sh := s.shard(shard)
	if len(sh.recs) == 0 {
		return Position{Start: TrimHorizon}, nil
	}
	return Position{After: sh.recs[len(sh.recs)-1].Seq}, nil
}

func (s *memSource) Read(ctx context.Context, shard string, pos Position, max, maxBytes int, wait time.Duration) (Read, error) {
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		if s.failReads > 0 {
			s.failReads--
			s.mu.Unlock()
			return Read{}, errors.New("ProvisionedThroughputExceededException")
		}
		sh := s.shard(shard)
		i := sort.Search(len(sh.recs), func(i int) bool { return from(pos, sh.recs[i]) })
		var rd Read
		bytes := 0
		for j := i; j < len(sh.recs) && len(rd.Records) < max; j++ {
			if bytes += len(sh.recs[j].Event); len(rd.Records) > 0 && bytes > maxBytes {
				break
			}
			rd.Records = append(rd.Records, sh.recs[j])
		}
		rd.End = sh.closed && i+len(rd.Records) == len(sh.recs)
		if n := len(rd.Records); n > 0 {
			rd.Behind = sh.recs[len(sh.recs)-1].Arrival.Sub(rd.Records[n-1].Arrival)
		}
		changed := s.changed
		s.mu.Unlock()
		if len(rd.Records) > 0 || rd.End {
			return rd, nil
		}
		select {
		case <-changed:
		case <-deadline.C:
			return rd, nil
		case <-ctx.Done():
			return rd, ctx.Err()
		}
	}
}

// from reports whether reading from pos returns r.
func from(pos Position, r Record) bool {
	switch {
	case pos.After != "":
		return r.Seq > pos.After
	case pos.Start == AtTimestamp:
		return !r.Arrival.Before(pos.Timestamp)
	case pos.Start == Latest:
		panic("LATEST is resolved by Tip")
	}
	return true
}
