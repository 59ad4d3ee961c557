package sqs

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/sqs"
)

// fake is an in-memory sqs.Backend with SQS's receive semantics:
// visibility timeouts, receive counts, receipt handles per receive, long
// polls that wake at once on a send, and FIFO queues that hand out a
// group's messages in order with one batch of a group in flight at a time.
// Visibility timeouts are whole seconds, as on SQS.
type fake struct {
	mu      sync.Mutex
	queues  map[string]*fakeQueue
	changed chan struct{} // closed when a receive may now find messages
	seq     int
}

type fakeQueue struct {
	fifo bool
	vis  time.Duration
	msgs []*fakeMessage // in send order
}

type fakeMessage struct {
	msg       sqs.Message
	group     string
	visibleAt time.Time
	received  int
}

var _ sqs.Backend = (*fake)(nil)

func newFake() *fake {
	return &fake{queues: map[string]*fakeQueue{}, changed: make(chan struct{})}
}

func (f *fake) signal() {
	close(f.changed)
	f.changed = make(chan struct{})
}

func (f *fake) Apply(ctx context.Context, queues []sqs.QueueConfig) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range queues {
		q := &fakeQueue{fifo: c.Attributes["FifoQueue"] == "true", vis: 30 * time.Second}
		if v, ok := c.Attributes["VisibilityTimeout"]; ok {
			s, err := strconv.Atoi(v)
			if err != nil {
				return errs.E(errs.Invalid, "VisibilityTimeout", err)
			}
			q.vis = time.Duration(s) * time.Second
		}
		f.queues[c.Name] = q
	}
	return nil
}

func (f *fake) queue(name string) (*fakeQueue, error) {
	q, ok := f.queues[name]
	if !ok {
		return nil, errs.E(errs.NotFound, name, errs.Errorf("QueueDoesNotExist"))
	}
	return q, nil
}

func (f *fake) Attributes(ctx context.Context, queue string) (map[string]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	q, err := f.queue(queue)
	if err != nil {
		return nil, err
	}
	visible, inFlight := 0, 0
	for _, m := range q.msgs {
		if m.visibleAt.After(time.Now()) {
			inFlight++
		} else {
			visible++
		}
	}
	return map[string]string{
		"VisibilityTimeout":                     strconv.Itoa(int(q.vis / time.Second)),
		"FifoQueue":                             strconv.FormatBool(q.fifo),
		"ApproximateNumberOfMessages":           strconv.Itoa(visible),
		"ApproximateNumberOfMessagesNotVisible": strconv.Itoa(inFlight),
	}, nil
}

func (f *fake) Send(ctx context.Context, queue string, in []sqs.SendInput) ([]sqs.SendResult, []error, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	q, err := f.queue(queue)
	if err != nil {
		return nil, nil, err
	}
	out := make([]sqs.SendResult, len(in))
	for i, s := range in {
		f.seq++
		id := "m" + strconv.Itoa(f.seq)
		sum := md5.Sum([]byte(s.Body))
		m := &fakeMessage{group: s.GroupID, msg: sqs.Message{
			MessageID: id, Body: s.Body, MD5OfBody: hex.EncodeToString(sum[:]),
			MessageAttributes: s.Attributes,
			Attributes: map[string]string{
				"SenderId":      "AIDAFAKE",
				"SentTimestamp": strconv.FormatInt(time.Now().UnixMilli(), 10),
			},
		}}
		if q.fifo {
			m.msg.Attributes["MessageGroupId"] = s.GroupID
			m.msg.Attributes["MessageDeduplicationId"] = s.DeduplicationID
			m.msg.Attributes["SequenceNumber"] = strconv.Itoa(f.seq)
		}
		q.msgs = append(q.msgs, m)
		out[i] = sqs.SendResult{ID: s.ID, MessageID: id, MD5OfMessageBody: m.msg.MD5OfBody}
	}
	f.signal()
	return out, make([]error, len(in)), nil
}

func (f *fake) Receive(ctx context.Context, queue string, in sqs.ReceiveInput) ([]sqs.Message, error) {
	deadline := time.Now()
	if in.WaitTime != nil {
		deadline = deadline.Add(*in.WaitTime)
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err // a receive cut short takes nothing
		}
		f.mu.Lock()
		q, err := f.queue(queue)
		if err != nil {
			f.mu.Unlock()
			return nil, err
		}
		now := time.Now()
		msgs, next := q.take(max(in.MaxMessages, 1), now)
		if len(msgs) > 0 || !now.Before(deadline) {
			f.mu.Unlock()
			return msgs, nil
		}
		changed := f.changed
		f.mu.Unlock()
		wake := deadline
		if !next.IsZero() && next.Before(wake) {
			wake = next
		}
		t := time.NewTimer(wake.Sub(now))
		select {
		case <-changed:
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		}
		t.Stop()
	}
}

// take receives up to n messages at now; next is when the earliest
// message in flight becomes visible again.
func (q *fakeQueue) take(n int, now time.Time) (out []sqs.Message, next time.Time) {
	blocked := map[string]bool{} // FIFO groups with a message in flight
	for _, m := range q.msgs {
		inFlight := m.visibleAt.After(now)
		if inFlight && (next.IsZero() || m.visibleAt.Before(next)) {
			next = m.visibleAt
		}
		if len(out) == n {
			continue
		}
		if q.fifo && blocked[m.group] {
			continue
		}
		if inFlight {
			blocked[m.group] = true
			continue
		}
		m.received++
		m.visibleAt = now.Add(q.vis)
		msg := m.msg
		msg.ReceiptHandle = m.msg.MessageID + "#" + strconv.Itoa(m.received)
		msg.Attributes = map[string]string{}
		for k, v := range m.msg.Attributes {
			msg.Attributes[k] = v
		}
		msg.Attributes["ApproximateReceiveCount"] = strconv.Itoa(m.received)
		if m.received == 1 {
			m.msg.Attributes["ApproximateFirstReceiveTimestamp"] = strconv.FormatInt(now.UnixMilli(), 10)
		}
		msg.Attributes["ApproximateFirstReceiveTimestamp"] = m.msg.Attributes["ApproximateFirstReceiveTimestamp"]
		out = append(out, msg)
	}
	return out, next
}

func (f *fake) Delete(ctx context.Context, queue, receiptHandle string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	q, err := f.queue(queue)
	if err != nil {
		return err
	}
	for i, m := range q.msgs {
		if m.msg.MessageID+"#"+strconv.Itoa(m.received) == receiptHandle {
			q.msgs = append(q.msgs[:i], q.msgs[i+1:]...)
			f.signal()
			return nil
		}
	}
	return errs.E(errs.Invalid, receiptHandle, errs.Errorf("ReceiptHandleIsInvalid"))
}

func (f *fake) ChangeVisibility(ctx context.Context, queue, receiptHandle string, seconds int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	q, err := f.queue(queue)
	if err != nil {
		return err
	}
	id, _, _ := strings.Cut(receiptHandle, "#")
	for _, m := range q.msgs {
		if m.msg.MessageID == id {
			m.visibleAt = time.Now().Add(time.Duration(seconds) * time.Second)
			f.signal()
			return nil
		}
	}
	return errs.E(errs.Invalid, receiptHandle, errs.Errorf("ReceiptHandleIsInvalid"))
}
