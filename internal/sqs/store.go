package sqs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/verge-edge/verge/internal/jsonx"
)

// A record is a message as its queue's stream stores it.
type record struct {
	ID    string                      `json:"i"`
	Body  string                      `json:"b"`
	Attrs map[string]MessageAttribute `json:"a,omitempty"`
	Sys   map[string]MessageAttribute `json:"s,omitempty"`
	Group string                      `json:"g,omitempty"`
	Dedup string                      `json:"d,omitempty"`
	Sent  int64                       `json:"t"`           // ms
	Due   int64                       `json:"v,omitempty"` // delayed until, ms
	// Source is the ARN of the queue a dead-lettered message came from.
	Source string `json:"q,omitempty"`
	MD5A   string `json:"ma,omitempty"`
	MD5S   string `json:"ms,omitempty"`
}

// encode is a record's stored form: JSON without HTML escaping, so a
// body of 256 KiB of '<' stays 256 KiB (escaped it would be six times
// that).
func (r *record) encode() []byte {
	if len(r.Attrs) > 0 || len(r.Sys) > 0 {
		return r.encodeJSON()
	}
	// Without attributes, encodeJSON's bytes written by hand: every
	// message is encoded once on its way to the stream.
	b := make([]byte, 0, len(r.Body)+192)
	b = append(b, `{"i":`...)
	b = jsonx.AppendString(b, r.ID)
	b = append(b, `,"b":`...)
	b = jsonx.AppendString(b, r.Body)
	for _, f := range [...]struct{ name, v string }{{`,"g":`, r.Group}, {`,"d":`, r.Dedup}} {
		if f.v != "" {
			b = append(b, f.name...)
			b = jsonx.AppendString(b, f.v)
		}
	}
	b = append(b, `,"t":`...)
	b = strconv.AppendInt(b, r.Sent, 10)
	if r.Due != 0 {
		b = append(b, `,"v":`...)
		b = strconv.AppendInt(b, r.Due, 10)
	}
	for _, f := range [...]struct{ name, v string }{{`,"q":`, r.Source}, {`,"ma":`, r.MD5A}, {`,"ms":`, r.MD5S}} {
		if f.v != "" {
			b = append(b, f.name...)
			b = jsonx.AppendString(b, f.v)
		}
	}
	return append(b, "}\n"...)
}

// encodeJSON is encode by encoding/json.
func (r *record) encodeJSON() []byte {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	e.Encode(r)
	return b.Bytes()
}

// stateKey is a message's key in the receive state bucket.
func stateKey(q *queue, seq uint64) string { return q.id + "." + strconv.FormatUint(seq, 10) }

// stateValue is a message's receive state: receive count, first receive
// (ms) and invisible-until (ms).
func stateValue(m *msg) []byte {
	b := strconv.AppendInt(nil, int64(m.receives), 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, m.first, 10)
	b = append(b, ' ')
	var due int64
	if m.inflight {
		due = m.due.UnixMilli()
	}
	return strconv.AppendInt(b, due, 10)
}

func parseState(v []byte) (receives int, first, due int64, ok bool) {
	f := strings.Fields(string(v))
	if len(f) != 3 {
		return 0, 0, 0, false
	}
	r, e1 := strconv.Atoi(f[0])
	a, e2 := strconv.ParseInt(f[1], 10, 64)
	b, e3 := strconv.ParseInt(f[2], 10, 64)
	return r, a, b, e1 == nil && e2 == nil && e3 == nil
}

// saveStates writes the receive state of ms, all at once, and waits for
// every acknowledgement.
func (s *Service) saveStates(ctx context.Context, q *queue, states map[uint64][]byte) error {
	if len(states) == 1 {
		for seq, v := range states {
			_, err := s.state.Put(ctx, stateKey(q, seq), v)
			return err
		}
	}
	futures := make([]jetstream.PubAckFuture, 0, len(states))
	for seq, v := range states {
		f, err := s.js.PublishAsync("$KV."+bucketState+"."+stateKey(q, seq), v)
		if err != nil {
			return err
		}
		futures = append(futures, f)
	}
	for _, f := range futures {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			return err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// hold decides whether a record stays in memory, and counts it.
func (s *Service) hold(m *msg, r *record) {
	if s.mem.Load()+int64(m.size) <= s.o.MemoryBudget {
		s.mem.Add(int64(m.size))
		m.rec.Store(r)
	}
}

// release forgets a message's in-memory record.
func (s *Service) release(m *msg) {
	if m.rec.Swap(nil) != nil {
		s.mem.Add(-int64(m.size))
	}
}

// recordOf is m's record, from memory or the stream.
func (s *Service) recordOf(ctx context.Context, q *queue, m *msg) (*record, error) {
	if r := m.rec.Load(); r != nil {
		return r, nil
	}
	raw, err := q.stream.GetMsg(ctx, m.seq)
	if err != nil {
		return nil, err
	}
	var r record
	if err := json.Unmarshal(raw.Data, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// load rebuilds every queue from the KV and the streams.
func (s *Service) load(ctx context.Context) error {
	keys, err := s.meta.ListKeys(ctx)
	if err != nil {
		return err
	}
	var names []string
	for k := range keys.Keys() {
		if strings.HasPrefix(k, metaQueue) {
			names = append(names, k)
		}
	}
	for _, k := range names {
		e, err := s.meta.Get(ctx, k)
		if err != nil {
			continue
		}
		var m meta
		if json.Unmarshal(e.Value(), &m) != nil {
			continue
		}
		cfg, err := parseConfig(m.Attrs, nil, true)
		if err != nil {
			s.o.Logger.Warn("sqs: a stored queue's attributes are invalid; skipped", "queue", m.Name, "error", err)
			continue
		}
		q, err := s.open(ctx, &m, cfg)
		if err != nil {
			return err
		}
		if err := s.rebuild(ctx, q); err != nil {
			return err
		}
		s.queues[m.Name] = q
	}
	return s.loadTasks(ctx)
}

// rebuild reads q's stream and receive state into its index.
func (s *Service) rebuild(ctx context.Context, q *queue) error {
	info, err := q.stream.Info(ctx)
	if err != nil {
		return err
	}
	if info.State.Msgs == 0 {
		return nil
	}
	states := map[uint64][]byte{}
	w, err := s.state.Watch(ctx, q.id+".>", jetstream.IgnoreDeletes())
	if err != nil {
		return err
	}
	for e := range w.Updates() {
		if e == nil {
			break
		}
		_, seqs, _ := strings.Cut(e.Key(), ".")
		if seq, err := strconv.ParseUint(seqs, 10, 64); err == nil {
			states[seq] = e.Value()
		}
	}
	w.Stop()
	c, err := q.stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		return err
	}
	now := s.now()
	q.mu.Lock()
	defer q.mu.Unlock()
	for left := info.State.Msgs; left > 0; {
		batch, err := c.Fetch(500, jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			return err
		}
		n := 0
		for jm := range batch.Messages() {
			n++
			md, err := jm.Metadata()
			if err != nil {
				continue
			}
			var r record
			if json.Unmarshal(jm.Data(), &r) != nil {
				continue
			}
			m := &msg{seq: md.Sequence.Stream, id: r.ID, group: r.Group, sent: r.Sent, size: len(jm.Data())}
			if r.Due > 0 {
				m.due = time.UnixMilli(r.Due)
			}
			if v, ok := states[m.seq]; ok {
				if recv, first, due, ok := parseState(v); ok {
					m.receives, m.first = recv, first
					if due > now.UnixMilli() {
						m.inflight, m.due = true, time.UnixMilli(due)
						m.received = m.due.Add(-time.Duration(q.cfg.visibility) * time.Second)
					}
				}
			}
			s.hold(m, &r)
			q.add(m, now)
			if md.NumPending == 0 {
				left = 0
			}
		}
		if err := batch.Error(); err != nil && !errors.Is(err, jetstream.ErrNoMessages) {
			return err
		}
		if n == 0 {
			break // expired since Info
		}
		left -= min(left, uint64(n))
	}
	return nil
}
