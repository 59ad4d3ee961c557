package store

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"slices"
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
	// Tip is the newest log sequence of the table now (a past stream's
	// last): Next == Tip means the reader is caught up.
	Tip uint64
	// Trimmed reports a record after the position read from (not the
	// stream's start) that is past the stream's retention: the reader
	// fell behind the trim horizon.
	Trimmed bool
}

// directGet is JetStream's batched direct get request.
type directGet struct {
	Seq      uint64 `json:"seq"`
	NextFor  string `json:"next_by_subj"`
	Batch    int    `json:"batch"`
	MaxBytes int    `json:"max_bytes,omitempty"`
}

// ReadStream returns up to max records of the table's latest stream
// (while readable, disabled or not) written after sequence after (0:
// from the stream's start), in the stream's view. When there are none it
// waits up to wait for a write.
func (s *Store) ReadStream(ctx context.Context, tableName string, after uint64, max int, wait time.Duration) (StreamRead, error) {
	t, err := s.table(tableName)
	if err != nil {
		return StreamRead{}, err
	}
	t.mu.RLock()
	label := t.meta.StreamLabel
	t.mu.RUnlock()
	if after == 0 {
		after = StreamStart
	}
	return s.ReadStreamOf(ctx, tableName, label, after, max, wait)
}

// StreamStart is the position ReadStreamOf reads from the stream's oldest
// record kept at: unlike a sequence, it is never behind a trimmed one.
const StreamStart = math.MaxUint64

// ReadStreamOf is ReadStream of the table's stream labelled label, the
// current one or a past one still readable, after sequence after or from
// StreamStart. A past stream's reads end at its last sequence (Tip) and
// do not wait.
func (s *Store) ReadStreamOf(ctx context.Context, tableName, label string, after uint64, max int, wait time.Duration) (StreamRead, error) {
	t, err := s.table(tableName)
	if err != nil {
		return StreamRead{}, err
	}
	t.mu.RLock()
	m := t.meta
	t.mu.RUnlock()
	st, open, ok := m.streamOf(label, s.now())
	if !ok {
		return StreamRead{}, fail(CodeValidation, "the table %s has no stream %s", tableName, label)
	}
	trim := after != StreamStart
	if !trim {
		after = 0
	}
	after = maxU(after, st.From-min(st.From, 1))
	var timer <-chan time.Time
	trimmed := false // records skipped as past retention, read on after
	for {
		tip, wake := t.waiter()
		if !open {
			tip, wait = min(tip, st.To), 0
		}
		if after < tip {
			out, err := s.fetch(ctx, t, m.Key, st.View, after, tip, max)
			if err != nil {
				return StreamRead{}, err
			}
			trimmed = trimmed || trim && out.Trimmed
			out.Tip, out.Trimmed = tip, trimmed
			if len(out.Records) > 0 || out.Next == after {
				return out, nil
			}
			after = out.Next // no record kept in these entries: read on
			continue
		}
		if wait <= 0 || trimmed {
			return StreamRead{Next: after, Tip: tip, Trimmed: trimmed}, nil
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

// fetch reads up to max log entries of t after sequence after, to
// sequence to, in one batched direct get and cuts records in view from
// those that changed an item.
func (s *Store) fetch(ctx context.Context, t *table, key KeySchema, view string, after, to uint64, max int) (StreamRead, error) {
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
		if err != nil || seq > to {
			continue // the batch may run past a past stream's end
		}
		out.Next = seq
		e, ok := decodeEntry(msg.Data)
		if !ok || e.Event == "" {
			continue // changed nothing
		}
		if e.Time < horizon {
			out.Trimmed = true
			continue
		}
		out.Records = append(out.Records, record(key, view, seq, e))
	}
}

// record cuts the stream record in view of log entry e of a table keyed
// on key.
func record(key KeySchema, view string, seq uint64, e entry) Record {
	img := e.New
	if img == nil {
		img = e.Old
	}
	r := Record{
		Seq:     seq,
		Event:   e.Event,
		Keys:    key.keyMap(img),
		Old:     nilIfEmpty(e.Old),
		New:     nilIfEmpty(e.New),
		Created: time.UnixMilli(e.Time).UTC(),
		Service: e.Service,
	}
	return r.view(view)
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

// A PastStream is a table's stream since disabled. It covers the log
// from From to To and stays readable, in its own view, for 24 hours
// after Disabled, as on AWS.
type PastStream struct {
	Label    string    `json:"label"`
	View     string    `json:"view"`
	From     uint64    `json:"from,omitempty"`
	To       uint64    `json:"to"`
	Disabled time.Time `json:"disabled"`
}

// Live reports whether the stream is still readable at now.
func (p PastStream) Live(now time.Time) bool { return now.Sub(p.Disabled) < streamRetention }

// switchStream is m with its stream turned to view (from another view or
// none). A disabled stream is kept as a past stream ending at the log's
// tip; an enabled one starts after the tip, with a label no past stream
// kept has, so the two never share a record or an ARN.
func (m meta) switchStream(view string, t *table, now time.Time) meta {
	last, _ := t.waiter()
	m.PastStreams = slices.DeleteFunc(slices.Clone(m.PastStreams), func(p PastStream) bool { return !p.Live(now) })
	if m.StreamView != "" {
		m.PastStreams = append(m.PastStreams, PastStream{Label: m.StreamLabel, View: m.StreamView, From: m.StreamFrom, To: last, Disabled: now.UTC()})
	}
	m.StreamView = view
	if view == "" {
		return m
	}
	m.StreamFrom = last + 1
	if m.TableConfig.StreamLabel != "" {
		// A stack's fixed label names its one stream: the new one replaces
		// the past one of that name.
		m.StreamLabel = m.TableConfig.StreamLabel
		m.PastStreams = slices.DeleteFunc(m.PastStreams, func(p PastStream) bool { return p.Label == m.StreamLabel })
		return m
	}
	at := now.UTC().Truncate(time.Millisecond)
	for m.pastStream(at.Format(streamLabelLayout)) >= 0 {
		at = at.Add(time.Millisecond)
	}
	m.StreamLabel = at.Format(streamLabelLayout)
	return m
}

// pastStream is the index of the past stream labelled label, -1 if none.
func (m meta) pastStream(label string) int {
	return slices.IndexFunc(m.PastStreams, func(p PastStream) bool { return p.Label == label })
}

// streamOf is the table's stream labelled label readable at now: the
// current one (open, without a To) or a past one.
func (m meta) streamOf(label string, now time.Time) (st PastStream, open, ok bool) {
	if m.StreamView != "" && m.StreamLabel == label {
		return PastStream{Label: label, View: m.StreamView, From: m.StreamFrom}, true, true
	}
	if i := m.pastStream(label); i >= 0 && m.PastStreams[i].Live(now) {
		return m.PastStreams[i], false, true
	}
	return PastStream{}, false, false
}
