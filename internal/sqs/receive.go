package sqs

import (
	"sync"

	"context"
	"errors"
	"fmt"
	"github.com/nats-io/nats.go"
	"strconv"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Receive takes up to in.MaxMessages visible messages and puts them in
// flight, waiting for some up to the wait time when there are none. Each
// message's receive state is durable before Receive returns it.
func (s *Service) Receive(ctx context.Context, name string, in ReceiveInput) ([]Message, error) {
	q, err := s.get(name)
	if err != nil {
		return nil, err
	}
	n := in.MaxMessages
	if n == 0 {
		n = 1
	}
	if n < 1 || n > MaxBatch {
		return nil, invalidValue("MaxNumberOfMessages", strconv.Itoa(n), "Must be between 1 and 10, if provided.")
	}
	q.mu.Lock()
	cfg := q.cfg
	q.mu.Unlock()
	vis := cfg.visibility
	if in.VisibilityTimeout != nil {
		vis = *in.VisibilityTimeout
		if vis < 0 || vis > MaxVisibility {
			return nil, invalidValue("VisibilityTimeout", strconv.Itoa(vis), "Must be between 0 and 43200, if provided.")
		}
	}
	wait := time.Duration(cfg.wait) * time.Second
	if in.WaitTime != nil {
		wait = *in.WaitTime
		if wait < 0 || wait > MaxWait*time.Second {
			return nil, invalidValue("WaitTimeSeconds", strconv.Itoa(int(wait/time.Second)), "Must be >= 0 and <= 20, if provided.")
		}
	}
	if in.AttemptID != "" && cfg.fifo {
		if out := q.replay(in.AttemptID, s.now()); out != nil {
			return out, nil
		}
	}
	var deadline <-chan time.Time
	for {
		now := s.now()
		q.mu.Lock()
		if q.deleted {
			q.mu.Unlock()
			return nil, errNoQueue()
		}
		if q.inflight >= maxInflight {
			q.mu.Unlock()
			return nil, fail(CodeOverLimit, "The maximum number of in-flight messages (%d) is reached.", maxInflight)
		}
		got, moves, expired := q.take(n, time.Duration(vis)*time.Second, now)
		states := make(map[uint64][]byte, len(got))
		for _, m := range got {
			states[m.seq] = stateValue(m)
		}
		counts := make([]int, len(got))
		for i, m := range got {
			counts[i] = m.receives
		}
		var notify chan struct{}
		if len(got) == 0 && len(moves) == 0 && len(expired) == 0 {
			notify = q.notify
			q.waiters++
		}
		q.mu.Unlock()
		s.drop(ctx, q, expired)
		s.redrive(ctx, q, cfg, moves)
		if len(got) > 0 {
			if err := s.saveStates(ctx, q, states); err != nil {
				return nil, fmt.Errorf("saving the receive state: %w", err)
			}
			out, err := s.messages(ctx, q, got, counts)
			if err != nil {
				return nil, err
			}
			if in.AttemptID != "" && cfg.fifo {
				q.remember(in.AttemptID, now, got, counts, out)
			}
			return out, nil
		}
		if notify == nil {
			continue // some were moved or dropped: look again
		}
		if deadline == nil {
			if wait <= 0 {
				q.unwait()
				return nil, nil
			}
			t := time.NewTimer(wait)
			defer t.Stop()
			deadline = t.C
		}
		select {
		case <-notify:
			q.unwait()
		case <-deadline:
			q.unwait()
			return nil, nil
		case <-ctx.Done():
			q.unwait()
			return nil, nil
		}
	}
}

func (q *queue) unwait() {
	q.mu.Lock()
	q.waiters--
	q.mu.Unlock()
}

// messages builds the received messages.
func (s *Service) messages(ctx context.Context, q *queue, got []*msg, counts []int) ([]Message, error) {
	out := make([]Message, 0, len(got))
	for i, m := range got {
		r, err := s.recordOf(ctx, q, m)
		if err != nil {
			if errors.Is(err, jetstream.ErrMsgNotFound) {
				continue // expired under us
			}
			return nil, err
		}
		out = append(out, s.message(q, m, r, counts[i]))
	}
	return out, nil
}

// message is the received form of m at its receive number recv.
func (s *Service) message(q *queue, m *msg, r *record, recv int) Message {
	attrs := map[string]string{
		SysSenderID:                         senderID,
		SysSentTimestamp:                    strconv.FormatInt(r.Sent, 10),
		SysApproximateReceiveCount:          strconv.Itoa(recv),
		SysApproximateFirstReceiveTimestamp: strconv.FormatInt(m.first, 10),
	}
	if q.fifo {
		attrs[SysMessageGroupID] = r.Group
		attrs[SysMessageDeduplicationID] = r.Dedup
		attrs[SysSequenceNumber] = sequenceNumber(m.seq)
	} else if r.Group != "" {
		attrs[SysMessageGroupID] = r.Group
	}
	if t, ok := r.Sys[SysAWSTraceHeader]; ok {
		attrs[SysAWSTraceHeader] = t.StringValue
	}
	if r.Source != "" {
		attrs[SysDeadLetterQueueSourceArn] = r.Source
	}
	return Message{
		MessageID:              r.ID,
		ReceiptHandle:          makeHandle(q.key, m.seq, recv),
		Body:                   r.Body,
		MD5OfBody:              MD5OfBody(r.Body),
		MD5OfMessageAttributes: r.MD5A,
		Attributes:             attrs,
		MessageAttributes:      r.Attrs,
	}
}

// replay is a FIFO receive attempt's earlier result while all of its
// messages are still in flight from that receive.
func (q *queue) replay(id string, now time.Time) []Message {
	q.mu.Lock()
	defer q.mu.Unlock()
	a := q.attempts[id]
	if a == nil {
		return nil
	}
	if now.Sub(a.at) > attemptWindow {
		delete(q.attempts, id)
		return nil
	}
	for i, m := range a.msgs {
		if m.gone || !m.inflight || m.receives != a.recv[i] {
			delete(q.attempts, id)
			return nil
		}
	}
	return a.out
}

func (q *queue) remember(id string, now time.Time, got []*msg, counts []int, out []Message) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for k, a := range q.attempts {
		if now.Sub(a.at) > attemptWindow {
			delete(q.attempts, k)
		}
	}
	q.attempts[id] = &attempt{at: now, msgs: got, recv: counts, out: out}
}

// drop forgets messages past their retention (the stream's MaxAge removes
// them too).
func (s *Service) drop(ctx context.Context, q *queue, ms []*msg) {
	for _, m := range ms {
		s.release(m)
		q.stream.DeleteMsg(ctx, m.seq)
		if m.receives > 0 {
			s.state.Delete(ctx, stateKey(q, m.seq))
		}
	}
}

// redrive moves messages past the redrive policy's receive count to the
// dead-letter queue: stored there first, then deleted here, so a crash
// between duplicates a message and never loses one.
func (s *Service) redrive(ctx context.Context, q *queue, cfg *config, ms []*msg) {
	if len(ms) == 0 {
		return
	}
	dname, _ := QueueNameOf(cfg.redrive.Target)
	dlq, err := s.get(dname)
	if err != nil {
		s.o.Logger.Warn("sqs: dead-letter queue missing; messages kept", "queue", q.name, "dlq", dname)
		s.putBack(q, ms)
		return
	}
	var kept []*msg
	for _, m := range ms {
		if err := s.transfer(ctx, q, dlq, m, q.arn); err != nil {
			s.o.Logger.Warn("sqs: moving a message to the dead-letter queue failed", "queue", q.name, "error", err)
			kept = append(kept, m)
		}
	}
	s.putBack(q, kept)
}

// putBack reindexes messages whose move failed.
func (s *Service) putBack(q *queue, ms []*msg) {
	if len(ms) == 0 {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, m := range ms {
		m.gone, m.inflight, m.due = false, false, time.Time{}
		q.add(m, s.now())
	}
}

// transfer stores m in dst, keeping its MessageId (and noting the source
// queue when source is set), then deletes it from q.
func (s *Service) transfer(ctx context.Context, q, dst *queue, m *msg, source string) error {
	r, err := s.recordOf(ctx, q, m)
	if err != nil {
		return err
	}
	c := *r
	c.Due = 0
	if source != "" {
		c.Source = source
	} else {
		c.Source = ""
	}
	c.Sent = s.now().UnixMilli()
	if !dst.fifo {
		c.Dedup = ""
	} else if c.Group == "" {
		c.Group = "default"
	}
	raw := c.encode()
	ack, err := s.js.Publish(ctx, dst.subject, raw)
	if err != nil {
		return err
	}
	nm := &msg{seq: ack.Sequence, id: c.ID, group: c.Group, sent: c.Sent, size: len(raw)}
	s.hold(nm, &c)
	dst.mu.Lock()
	if !dst.deleted {
		dst.add(nm, s.now())
		dst.wake()
	}
	dst.mu.Unlock()
	s.release(m)
	if err := q.stream.DeleteMsg(ctx, m.seq); err != nil && !errors.Is(err, jetstream.ErrMsgNotFound) {
		return nil // stored in both: a duplicate, never a loss
	}
	if m.receives > 0 {
		s.state.Delete(ctx, stateKey(q, m.seq))
	}
	return nil
}

// Delete deletes the message a receipt handle names. A handle of an
// earlier receive deletes the message too, as SQS does; one of a message
// already gone succeeds.
func (s *Service) Delete(ctx context.Context, name, handle string) error {
	q, err := s.get(name)
	if err != nil {
		return err
	}
	seq, _, ok := parseHandle(q.key, handle)
	if !ok {
		return errBadHandle(handle)
	}
	q.mu.Lock()
	m := q.msgs[seq]
	if m == nil {
		q.mu.Unlock()
		return nil
	}
	q.remove(m)
	wake := q.fifo
	if wake {
		q.wake() // its group may be served now
	}
	q.mu.Unlock()
	s.release(m)
	if err := q.stream.DeleteMsg(ctx, seq); err != nil && !errors.Is(err, jetstream.ErrMsgNotFound) {
		return fail(CodeInternal, "deleting the message: %v", err)
	}
	if m.receives > 0 {
		if err := s.state.Delete(ctx, stateKey(q, seq)); err != nil {
			return fail(CodeInternal, "deleting the message's state: %v", err)
		}
	}
	return nil
}

// ChangeVisibility sets an in-flight message's visibility timeout from
// now; 0 makes it visible at once.
func (s *Service) ChangeVisibility(ctx context.Context, name, handle string, seconds int) error {
	q, err := s.get(name)
	if err != nil {
		return err
	}
	seq, nonce, ok := parseHandle(q.key, handle)
	if !ok {
		return errBadHandle(handle)
	}
	if seconds < 0 || seconds > MaxVisibility {
		return invalidValue("VisibilityTimeout", strconv.Itoa(seconds), "VisibilityTimeout must be an integer between 0 and 43200")
	}
	now := s.now()
	q.mu.Lock()
	m := q.msgs[seq]
	if m == nil || !m.inflight || m.receives != nonce {
		q.mu.Unlock()
		return invalidValue("ReceiptHandle", handle, "Message does not exist or is not available for visibility timeout change.")
	}
	due := now.Add(time.Duration(seconds) * time.Second)
	if due.Sub(m.received).Truncate(time.Second) > totalVisibilityCap { // SQS counts whole seconds
		q.mu.Unlock()
		return invalidValue("VisibilityTimeout", strconv.Itoa(seconds), "Total VisibilityTimeout for the message is beyond the limit [43200 seconds]")
	}
	if seconds == 0 {
		heapRemove(q, m)
		q.settle(m)
		q.wake()
	} else {
		m.due = due
		q.schedule(m)
		q.arm()
	}
	v := stateValue(m)
	q.mu.Unlock()
	if _, err := s.state.Put(ctx, stateKey(q, seq), v); err != nil {
		return fail(CodeInternal, "saving the message's state: %v", err)
	}
	return nil
}

func heapRemove(q *queue, m *msg) {
	if m.heapIdx >= 0 {
		removeAt(&q.pending, m.heapIdx)
	}
}

// DeleteBatch deletes the messages of several receipt handles at once:
// the stream deletes run side by side and the state deletes are published
// together. The error of each handle is at its index (nil when deleted).
func (s *Service) DeleteBatch(ctx context.Context, name string, handles []string) []error {
	out := make([]error, len(handles))
	q, err := s.get(name)
	if err != nil {
		for i := range out {
			out[i] = err
		}
		return out
	}
	seqs := make([]uint64, len(handles))
	var gone []*msg
	q.mu.Lock()
	for i, h := range handles {
		seq, _, ok := parseHandle(q.key, h)
		if !ok {
			out[i] = errBadHandle(h)
			continue
		}
		seqs[i] = seq
		if m := q.msgs[seq]; m != nil {
			q.remove(m)
			gone = append(gone, m)
		}
	}
	if q.fifo && len(gone) > 0 {
		q.wake()
	}
	q.mu.Unlock()
	var wg sync.WaitGroup
	errs := make([]error, len(gone))
	for i, m := range gone {
		s.release(m)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := q.stream.DeleteMsg(ctx, m.seq); err != nil && !errors.Is(err, jetstream.ErrMsgNotFound) {
				errs[i] = fail(CodeInternal, "deleting the message: %v", err)
			}
		}()
	}
	var futures []jetstream.PubAckFuture
	for _, m := range gone {
		if m.receives == 0 {
			continue
		}
		nm := nats.NewMsg("$KV." + bucketState + "." + stateKey(q, m.seq))
		nm.Header.Set(headerKVOperation, "DEL")
		if f, err := s.js.PublishMsgAsync(nm); err == nil {
			futures = append(futures, f)
		}
	}
	for _, f := range futures {
		select {
		case <-f.Ok():
		case <-f.Err():
		case <-ctx.Done():
		}
	}
	wg.Wait()
	bySeq := map[uint64]error{}
	for i, m := range gone {
		if errs[i] != nil {
			bySeq[m.seq] = errs[i]
		}
	}
	for i := range handles {
		if out[i] == nil {
			out[i] = bySeq[seqs[i]]
		}
	}
	return out
}

// ChangeVisibilityBatch changes the visibility of several messages; the
// error of each is at its index.
func (s *Service) ChangeVisibilityBatch(ctx context.Context, name string, handles []string, seconds []int) []error {
	out := make([]error, len(handles))
	for i, h := range handles {
		out[i] = s.ChangeVisibility(ctx, name, h, seconds[i])
	}
	return out
}
