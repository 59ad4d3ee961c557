package kinesis

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
)

// A got is a record read back with its JetStream sequence.
type got struct {
	js uint64
	stored
}

// directGetRequest is JetStream's batched direct get.
type directGetRequest struct {
	Seq       uint64     `json:"seq,omitempty"`
	NextFor   string     `json:"next_by_subj"`
	Batch     int        `json:"batch"`
	MaxBytes  int        `json:"max_bytes,omitempty"`
	StartTime *time.Time `json:"start_time,omitempty"`
}

// fetch reads up to limit records of sh from JetStream sequence from (or,
// with at set, from the first stored at or after at), totalling about
// maxBytes, in one batched direct get.
func (s *Service) fetch(ctx context.Context, st *stream, sh *shard, from uint64, at *time.Time, limit, maxBytes int) ([]got, error) {
	if at == nil && from > sh.last.Load() {
		return nil, nil // nothing newer: no round trip
	}
	req := directGetRequest{Seq: max(from, 1), NextFor: sh.subject, Batch: limit, MaxBytes: maxBytes, StartTime: at}
	if at != nil {
		req.Seq = 0
	}
	body, _ := json.Marshal(req)
	nc := s.js.Conn()
	inbox := nats.NewInbox()
	sub, err := nc.SubscribeSync(inbox)
	if err != nil {
		return nil, fail(CodeInternalFailure, "reading the shard: %v", err)
	}
	defer sub.Unsubscribe()
	if err := nc.PublishRequest(directGetAPI+jsName(st.m.ID), inbox, body); err != nil {
		return nil, fail(CodeInternalFailure, "reading the shard: %v", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out := make([]got, 0, min(limit, 1024))
	for {
		m, err := sub.NextMsgWithContext(ctx)
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return nil, err
			}
			return nil, fail(CodeInternalFailure, "reading the shard: %v", err)
		}
		if len(m.Data) == 0 && m.Header.Get("Status") != "" {
			return out, nil // 204 EOB or 404 none
		}
		n, err := strconv.ParseUint(m.Header.Get("Nats-Sequence"), 10, 64)
		if err != nil {
			continue
		}
		r, ok := decodeRecord(m.Data)
		if !ok {
			continue
		}
		out = append(out, got{js: n, stored: r})
	}
}
