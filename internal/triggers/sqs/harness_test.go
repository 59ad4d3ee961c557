package sqs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/verge-edge/verge/internal/sqs"
)

// newBackend is the queue service the tests run on: the one line to change
// to run them on internal/sqs.
func newBackend(t *testing.T) sqs.Backend { return newFake() }

// A harness runs a Manager on a backend with a recording function. It
// names messages by their bodies.
type harness struct {
	t *testing.T
	q sqs.Backend
	m *Manager

	mu      sync.Mutex
	fn      func(ctx context.Context, ev events.SQSEvent) (Result, error)
	handles map[string]string // receipt handle → body
	deleted []string          // bodies, in delete order
	batches [][]string        // bodies of each invocation
	sizes   []int             // payload sizes
	counts  map[string][]int  // body → ApproximateReceiveCount of each delivery
	running int
	peak    int
}

// newHarness starts a Manager on queues whose function is fn (success
// when nil); opts changes the Manager's options.
func newHarness(t *testing.T, queues []sqs.QueueConfig, fn func(ctx context.Context, ev events.SQSEvent) (Result, error), opts ...func(*Options)) *harness {
	t.Helper()
	h := &harness{t: t, q: newBackend(t), fn: fn, handles: map[string]string{}, counts: map[string][]int{}}
	if err := h.q.Apply(context.Background(), queues); err != nil {
		t.Fatal(err)
	}
	o := Options{
		Queues: h,
		Invoke: h.invoke,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	for _, f := range opts {
		f(&o)
	}
	h.m = New(o)
	h.m.growEvery = 0 // scaling as fast as receives allow; TestGrowthRate checks the pace
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := h.m.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return h
}

func (h *harness) Receive(ctx context.Context, queue string, in sqs.ReceiveInput) ([]sqs.Message, error) {
	return h.q.Receive(ctx, queue, in)
}

func (h *harness) Attributes(ctx context.Context, queue string) (map[string]string, error) {
	return h.q.Attributes(ctx, queue)
}

func (h *harness) Delete(ctx context.Context, queue, receiptHandle string) error {
	err := h.q.Delete(ctx, queue, receiptHandle)
	if err == nil {
		h.mu.Lock()
		h.deleted = append(h.deleted, h.handles[receiptHandle])
		h.mu.Unlock()
	}
	return err
}

// invoke checks the event strictly, records it and runs the function.
func (h *harness) invoke(ctx context.Context, function string, payload []byte) (Result, error) {
	var ev events.SQSEvent
	d := json.NewDecoder(bytes.NewReader(payload))
	d.DisallowUnknownFields()
	if err := d.Decode(&ev); err != nil {
		h.t.Errorf("event %.200s: %v", payload, err)
	}
	var bodies []string
	h.mu.Lock()
	for _, r := range ev.Records {
		bodies = append(bodies, r.Body)
		h.handles[r.ReceiptHandle] = r.Body
		n, _ := strconv.Atoi(r.Attributes["ApproximateReceiveCount"])
		h.counts[r.Body] = append(h.counts[r.Body], n)
	}
	h.batches = append(h.batches, bodies)
	h.sizes = append(h.sizes, len(payload))
	h.running++
	h.peak = max(h.peak, h.running)
	fn := h.fn
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		h.running--
		h.mu.Unlock()
	}()
	if fn == nil {
		return Result{}, nil
	}
	return fn(ctx, ev)
}

// send sends messages with these bodies, in one group on a FIFO queue.
func (h *harness) send(queue, group string, bodies ...string) {
	h.t.Helper()
	in := make([]sqs.SendInput, len(bodies))
	for i, b := range bodies {
		in[i] = sqs.SendInput{ID: strconv.Itoa(i), Body: b}
		if group != "" {
			in[i].GroupID, in[i].DeduplicationID = group, b
		}
	}
	for len(in) > 0 {
		n := min(len(in), 10)
		_, failed, err := h.q.Send(context.Background(), queue, in[:n])
		if err == nil {
			err = errors.Join(failed...)
		}
		if err != nil {
			h.t.Fatal(err)
		}
		in = in[n:]
	}
}

// waitFor waits until cond holds, under the harness's lock.
func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		h.mu.Lock()
		ok := cond()
		h.mu.Unlock()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// snapshot returns copies of what was recorded.
func (h *harness) snapshot() (batches [][]string, deleted []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, b := range h.batches {
		batches = append(batches, append([]string(nil), b...))
	}
	return batches, append([]string(nil), h.deleted...)
}

// bodies returns n bodies "prefix1" … "prefixN".
func bodies(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + strconv.Itoa(i+1)
	}
	return out
}

func standard(name string, visibility int) sqs.QueueConfig {
	return sqs.QueueConfig{Name: name, Attributes: map[string]string{"VisibilityTimeout": strconv.Itoa(visibility)}}
}

func fifo(name string, visibility int) sqs.QueueConfig {
	return sqs.QueueConfig{Name: name, Attributes: map[string]string{
		"VisibilityTimeout": strconv.Itoa(visibility), "FifoQueue": "true"}}
}
