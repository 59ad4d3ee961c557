package store

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
)

// A Record is one change of a table's stream: a write that changed an
// item, cut from its log entry.
type Record struct {
	// Seq is the log sequence of the write: records of a table come in
	// increasing Seq, and an item's in the order of its writes.
	Seq uint64
	// Event is EventInsert, EventModify or EventRemove.
	Event string
	// Keys is the item's key map in wire form.
	Keys []byte
	// Old and New are the item's images before and after the write (nil
	// when absent, or cut by the stream view).
	Old, New []byte
	// Created is the write's time, to the millisecond
	// (ApproximateCreationDateTime).
	Created time.Time
	// Size is the record's SizeBytes: the keys and the images it holds.
	Size int
	// Service marks a removal by TTL: its userIdentity is
	// {"type":"Service","principalId":"dynamodb.amazonaws.com"}.
	Service bool
}

// view cuts the record's images to what a stream view shows.
func (r Record) view(v string) Record {
	switch v {
	case ViewKeysOnly:
		r.Old, r.New = nil, nil
	case ViewNewImage:
		r.Old = nil
	case ViewOldImage:
		r.New = nil
	}
	r.Size = len(r.Keys) + len(r.Old) + len(r.New)
	return r
}

// A StreamRead is what ReadStream returns: the records and the sequence
// to read after next time (the last log entry examined, which may be an
// entry that made no record).
type StreamRead struct {
	Records []Record
	Next    uint64
	// Tip is the newest log sequence of the table now: Next == Tip means
	// the reader is caught up.
	Tip uint64
}

// directGet is JetStream's batched direct get request.
type directGet struct {
	Seq      uint64 `json:"seq"`
	NextFor  string `json:"next_by_subj"`
	Batch    int    `json:"batch"`
	MaxBytes int    `json:"max_bytes,omitempty"`
}

// ReadStream returns up to max records of the table's stream written
// after sequence after (0: from the stream's start), in the table's
// stream view. When there are none it waits up to wait for a write.
func (s *Store) ReadStream(ctx context.Context, tableName string, after uint64, max int, wait time.Duration) (StreamRead, error) {
	t, err := s.table(tableName)
	if err != nil {
		return StreamRead{}, err
	}
	t.mu.RLock()
	m := t.meta
	t.mu.RUnlock()
	if m.StreamView == "" {
		return StreamRead{}, fail(CodeValidation, "the table %s has no stream", tableName)
	}
	after = maxU(after, m.StreamFrom-min(m.StreamFrom, 1))
	var timer <-chan time.Time
	for {
		tip, wake := t.waiter()
		if after < tip {
			out, err := s.fetch(ctx, t, m, after, max)
			if err != nil {
				return StreamRead{}, err
			}
			out.Tip = tip
			if len(out.Records) > 0 || out.Next == after {
				return out, nil
			}
			after = out.Next // only entries that changed nothing: read on
			continue
		}
		if wait <= 0 {
			return StreamRead{Next: after, Tip: tip}, nil
		}
		if timer == nil {
			tm := time.NewTimer(wait)
			defer tm.Stop()
			timer = tm.C
		}
		select {
		case <-wake:
		case <-timer:
			return StreamRead{Next: after, Tip: tip}, nil
		case <-ctx.Done():
			return StreamRead{}, ctx.Err()
		}
	}
}

func maxU(a, b uint64) uint64 {
	if a > b {
		return a
	}
	return b
}

// fetch reads up to max log entries of t after sequence after in one
// batched direct get and cuts records from those that changed an item.
func (s *Store) fetch(ctx context.Context, t *table, m meta, after uint64, max int) (StreamRead, error) {
	body, _ := json.Marshal(directGet{Seq: after + 1, NextFor: t.filter(), Batch: max})
	nc := s.js.Conn()
	inbox := nats.NewInbox()
	sub, err := nc.SubscribeSync(inbox)
	if err != nil {
		return StreamRead{}, fail(CodeInternalServerError, "reading the stream: %v", err)
	}
	defer sub.Unsubscribe()
	if err := nc.PublishRequest(directGetAPI+streamName, inbox, body); err != nil {
		return StreamRead{}, fail(CodeInternalServerError, "reading the stream: %v", err)
	}
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	out := StreamRead{Next: after}
	horizon := s.now().Add(-streamRetention).UnixMilli()
	for {
		msg, err := sub.NextMsgWithContext(ctx)
		if errors.Is(err, context.Canceled) {
			return StreamRead{}, err
		}
		if err != nil {
			return StreamRead{}, fail(CodeInternalServerError, "reading the stream: %v", err)
		}
		if len(msg.Data) == 0 && msg.Header.Get("Status") != "" {
			return out, nil // end of batch, or nothing
		}
		seq, err := strconv.ParseUint(msg.Header.Get("Nats-Sequence"), 10, 64)
		if err != nil {
			continue
		}
		out.Next = seq
		e, ok := decodeEntry(msg.Data)
		if !ok || e.Event == "" || e.Time < horizon {
			continue // changed nothing, or past the stream's retention
		}
		out.Records = append(out.Records, m.record(seq, e))
	}
}

// record cuts the stream record of log entry e.
func (m meta) record(seq uint64, e entry) Record {
	img := e.New
	if img == nil {
		img = e.Old
	}
	r := Record{
		Seq:     seq,
		Event:   e.Event,
		Keys:    m.Key.keyMap(img),
		Old:     nilIfEmpty(e.Old),
		New:     nilIfEmpty(e.New),
		Created: time.UnixMilli(e.Time).UTC(),
		Service: e.Service,
	}
	return r.view(m.StreamView)
}

// StreamTip is the newest log sequence of the table: reading after it
// returns only later writes (what LATEST resolves to).
func (s *Store) StreamTip(tableName string) (uint64, error) {
	t, err := s.table(tableName)
	if err != nil {
		return 0, err
	}
	tip, _ := t.waiter()
	return tip, nil
}

// StreamAt is the position (a sequence to read after) of the first record
// of the table's stream written at or after at (AT_TIMESTAMP): reading
// after it returns that record first.
func (s *Store) StreamAt(ctx context.Context, tableName string, at time.Time) (uint64, error) {
	t, err := s.table(tableName)
	if err != nil {
		return 0, err
	}
	seq, err := s.firstSince(ctx, t.filter(), at)
	if err != nil {
		return 0, fail(CodeInternalServerError, "reading the stream: %v", err)
	}
	if seq == math.MaxUint64 {
		tip, _ := t.waiter()
		return tip, nil
	}
	return seq - 1, nil
}
