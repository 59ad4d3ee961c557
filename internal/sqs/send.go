package sqs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/verge-edge/verge/internal/uid"
)

// Send stores messages. It returns a result or an error per entry (the
// other nil), or an error for the whole call (no such queue, a store that
// failed). A message is durable before Send returns its result.
func (s *Service) Send(ctx context.Context, name string, in []SendInput) ([]SendResult, []error, error) {
	q, err := s.get(name)
	if err != nil {
		return nil, nil, err
	}
	results := make([]SendResult, len(in))
	errs := make([]error, len(in))
	now := s.now()
	type pending struct {
		i   int
		rec *record
		raw []byte
		key string // FIFO dedup key
		f   jetstream.PubAckFuture
	}
	todo := make([]pending, 0, len(in)) // values: one allocation for the lot
	q.mu.Lock()
	cfg := q.cfg
	q.mu.Unlock()
	for i, e := range in {
		rec, err := s.check(cfg, e, now)
		if err != nil {
			errs[i] = err
			continue
		}
		p := pending{i: i, rec: rec}
		if cfg.fifo {
			p.key = dedupKey(q, cfg, rec)
			orig, dup, err := s.claimDedup(ctx, p.key, rec.ID)
			if err != nil {
				errs[i] = fail(CodeInternal, "deduplication: %v", err)
				continue
			}
			if dup {
				id, seqNum, _ := strings.Cut(orig, " ")
				results[i] = SendResult{ID: e.ID, MessageID: id, MD5OfMessageBody: MD5OfBody(e.Body),
					MD5OfMessageAttributes: rec.MD5A, MD5OfSystemAttributes: rec.MD5S, SequenceNumber: seqNum}
				continue
			}
		}
		p.raw = rec.encode()
		todo = append(todo, p)
	}
	// Publish together, then wait for every acknowledgement. Even a single
	// message is published asynchronously: concurrent callers' publishes
	// then share the connection's round trips, which under load costs less
	// than a request each (BenchmarkSQSSend8 in internal/awsapi).
	for k := range todo {
		p := &todo[k]
		p.f, err = s.js.PublishAsync(q.subject, p.raw)
		if err != nil {
			errs[p.i] = fail(CodeInternal, "storing the message: %v", err)
		}
	}
	var timeout <-chan time.Time // as js.Publish bounds a context without a deadline
	if _, ok := ctx.Deadline(); !ok && len(todo) > 0 {
		t := time.NewTimer(publishTimeout)
		defer t.Stop()
		timeout = t.C
	}
	added := make([]*msg, 0, len(todo))
	for k := range todo {
		p := &todo[k]
		var seq uint64
		if p.f != nil {
			select {
			case ack := <-p.f.Ok():
				seq = ack.Sequence
			case err := <-p.f.Err():
				errs[p.i] = fail(CodeInternal, "storing the message: %v", err)
			case <-ctx.Done():
				errs[p.i] = fail(CodeInternal, "storing the message: %v", ctx.Err())
			case <-timeout:
				timeout = expired // the later waits end too
				errs[p.i] = fail(CodeInternal, "storing the message: no acknowledgement from JetStream within %v", publishTimeout)
			}
		}
		if seq == 0 {
			if p.key != "" {
				s.dedup.Delete(context.Background(), p.key)
			}
			continue
		}
		r := p.rec
		res := SendResult{ID: in[p.i].ID, MessageID: r.ID, MD5OfMessageBody: MD5OfBody(r.Body), MD5OfMessageAttributes: r.MD5A, MD5OfSystemAttributes: r.MD5S}
		if cfg.fifo {
			res.SequenceNumber = sequenceNumber(seq)
			s.dedup.Put(ctx, p.key, []byte(r.ID+" "+res.SequenceNumber))
		}
		results[p.i] = res
		m := &msg{seq: seq, id: r.ID, group: r.Group, sent: r.Sent, size: len(p.raw)}
		if r.Due > 0 {
			m.due = time.UnixMilli(r.Due)
		}
		s.hold(m, r)
		added = append(added, m)
	}
	if len(added) > 0 {
		q.mu.Lock()
		if !q.deleted {
			for _, m := range added {
				q.add(m, now)
			}
			q.wake()
		}
		q.mu.Unlock()
	}
	return results, errs, nil
}

// publishTimeout bounds the wait for a publish acknowledgement when the
// caller's context has no deadline, as jetstream's default API timeout
// bounds js.Publish.
const publishTimeout = 5 * time.Second

// expired is a timeout that has passed.
var expired = func() <-chan time.Time {
	c := make(chan time.Time)
	close(c)
	return c
}()

// sequenceNumber is a FIFO message's SequenceNumber: 20 digits,
// increasing with the stream sequence.
func sequenceNumber(seq uint64) string { return fmt.Sprintf("1%019d", seq) }

// dedupKey is a FIFO message's key in the deduplication bucket: by queue
// (and group, for the messageGroup scope) and the id's hash, which keeps
// any id's characters out of the key.
func dedupKey(q *queue, cfg *config, r *record) string {
	h := sha256.New()
	if cfg.raw[AttrDeduplicationScope] == "messageGroup" {
		h.Write([]byte(r.Group))
		h.Write([]byte{0})
	}
	h.Write([]byte(r.Dedup))
	return q.id + "." + hex.EncodeToString(h.Sum(nil)[:20])
}

// claimDedup records id under key for five minutes; dup is true, with the
// original's "MessageId SequenceNumber", when the key is taken.
func (s *Service) claimDedup(ctx context.Context, key, id string) (orig string, dup bool, err error) {
	_, err = s.dedup.Create(ctx, key, []byte(id))
	if err == nil {
		return "", false, nil
	}
	if !errors.Is(err, jetstream.ErrKeyExists) {
		return "", false, err
	}
	e, err := s.dedup.Get(ctx, key)
	if err != nil {
		return "", false, err
	}
	return string(e.Value()), true, nil
}

// check validates one message for queue cfg and makes its record.
func (s *Service) check(cfg *config, e SendInput, now time.Time) (*record, error) {
	if e.Body == "" {
		return nil, fail(CodeMissingParameter, "The request must contain the parameter MessageBody.")
	}
	if !validBody(e.Body) {
		return nil, fail(CodeInvalidMessageContents, "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF")
	}
	asize, err := checkAttributes(e.Attributes)
	if err != nil {
		return nil, err
	}
	for n, a := range e.SystemAttributes {
		if n != SysAWSTraceHeader {
			return nil, fail(CodeInvalidParameterValue, "Message system attribute name '%s' is invalid.", n)
		}
		if a.DataType != "String" || a.StringValue == "" {
			return nil, fail(CodeInvalidParameterValue, "Message system attribute '%s' must be of type String.", n)
		}
	}
	if size := len(e.Body) + asize; size > cfg.maxSize {
		return nil, fail(CodeInvalidParameterValue, "One or more parameters are invalid. Reason: Message must be shorter than %d bytes.", cfg.maxSize)
	}
	r := &record{ID: uid.New(), Body: e.Body, Attrs: e.Attributes, Sys: e.SystemAttributes, Sent: now.UnixMilli()}
	r.MD5A = MD5OfAttributes(e.Attributes)
	r.MD5S = MD5OfAttributes(e.SystemAttributes)
	delay := cfg.delay
	if e.DelaySeconds != nil {
		if cfg.fifo {
			return nil, fail(CodeInvalidParameterValue, "Value %d for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.", *e.DelaySeconds)
		}
		if *e.DelaySeconds < 0 || *e.DelaySeconds > MaxDelay {
			return nil, invalidValue("DelaySeconds", fmt.Sprint(*e.DelaySeconds), "DelaySeconds must be >= 0 and <= 900.")
		}
		delay = *e.DelaySeconds
	}
	if delay > 0 {
		r.Due = now.Add(time.Duration(delay) * time.Second).UnixMilli()
	}
	if !cfg.fifo {
		if e.GroupID != "" && !validDedupChars(e.GroupID) {
			return nil, invalidValue("MessageGroupId", e.GroupID, "MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.")
		}
		if e.DeduplicationID != "" {
			return nil, fail(CodeInvalidParameterValue, "The request include parameter that is not valid for this queue type")
		}
		r.Group = e.GroupID // fair queues: kept, not ordered
		return r, nil
	}
	if e.GroupID == "" {
		return nil, fail(CodeMissingParameter, "The request must contain the parameter MessageGroupId.")
	}
	if !validDedupChars(e.GroupID) {
		return nil, invalidValue("MessageGroupId", e.GroupID, "MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.")
	}
	r.Group = e.GroupID
	r.Dedup = e.DeduplicationID
	if r.Dedup == "" {
		if !cfg.contentDedup {
			return nil, fail(CodeInvalidParameterValue, "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
		}
		sum := sha256.Sum256([]byte(e.Body))
		r.Dedup = hex.EncodeToString(sum[:])
	} else if !validDedupChars(r.Dedup) {
		return nil, invalidValue("MessageDeduplicationId", r.Dedup, "MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.")
	}
	return r, nil
}
