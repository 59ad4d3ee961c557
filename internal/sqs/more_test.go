package sqs

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/broker"
)

func TestApply(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	dlq := QueueConfig{Name: "dead"}
	work := QueueConfig{Name: "work", Attributes: map[string]string{AttrVisibilityTimeout: "60",
		AttrRedrivePolicy: `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dead","maxReceiveCount":"3"}`}, Tags: map[string]string{"a": "b"}}
	// The source before its dead-letter queue: Apply orders them.
	if err := e.s.Apply(ctx, []QueueConfig{work, dlq}); err != nil {
		t.Fatal(err)
	}
	e.s.CreateQueue(ctx, "mine", nil, nil)
	send(t, e.s, "work", SendInput{Body: "kept"})
	work.Attributes = map[string]string{AttrVisibilityTimeout: "10"}
	if err := e.s.Apply(ctx, []QueueConfig{work}); err != nil {
		t.Fatal(err)
	}
	a, _ := e.s.Attributes(ctx, "work")
	if a[AttrVisibilityTimeout] != "10" || a[AttrRedrivePolicy] != "" || a[AttrApproximateNumberOfMessages] != "1" {
		t.Errorf("re-applied: %v", a)
	}
	if got := e.s.ListQueues(""); !slices.Equal(got, []string{"mine", "work"}) {
		t.Errorf("queues: %v (the dropped stack queue goes, the API's stays)", got)
	}
	if err := e.s.Apply(ctx, []QueueConfig{{Name: "dead"}}); err != nil {
		t.Errorf("a dropped queue comes back at once: %v", err)
	}
	if err := e.s.Apply(ctx, []QueueConfig{{Name: "x", Attributes: map[string]string{AttrDelaySeconds: "-1"}}}); err == nil {
		t.Error("bad attributes applied")
	}
}

// TestMemoryBudget: past the budget, records are read back from the
// stream.
func TestMemoryBudget(t *testing.T) {
	ctx := context.Background()
	b, err := broker.Open(ctx, broker.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	s, err := New(ctx, Options{JetStream: b.JetStream(), MemoryBudget: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.CreateQueue(ctx, "m", nil, nil)
	send(t, s, "m", SendInput{Body: "from the stream", Attributes: map[string]MessageAttribute{"k": {DataType: "String", StringValue: "v"}}})
	got := recv(t, s, "m", 1, 30)
	if len(got) != 1 || got[0].Body != "from the stream" || got[0].MessageAttributes["k"].StringValue != "v" || s.mem.Load() != 0 {
		t.Errorf("%+v, %d bytes held", got, s.mem.Load())
	}
}

func TestVisibilityCap(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.s.CreateQueue(ctx, "v", nil, nil)
	send(t, e.s, "v", SendInput{Body: "x"})
	m := recv(t, e.s, "v", 1, 43200)
	if err := e.s.ChangeVisibility(ctx, "v", m[0].ReceiptHandle, 43200); err != nil {
		t.Errorf("12 h from the receive: %v", err)
	}
	// The clock moves on an hour: 12 h more is past the cap.
	e.s.o.Now = func() time.Time { return time.Now().Add(time.Hour) }
	if err := e.s.ChangeVisibility(ctx, "v", m[0].ReceiptHandle, 43200); code(err) != CodeInvalidParameterValue {
		t.Errorf("past 12 h: %v", err)
	}
	if err := e.s.ChangeVisibility(ctx, "v", m[0].ReceiptHandle, 43201); code(err) != CodeInvalidParameterValue {
		t.Errorf("43201: %v", err)
	}
}

func TestMoveTasks(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.s.CreateQueue(ctx, "d", nil, nil)
	e.s.CreateQueue(ctx, "other", nil, nil)
	e.s.CreateQueue(ctx, "s", map[string]string{AttrRedrivePolicy: `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:d","maxReceiveCount":1}`}, nil)
	src := "arn:aws:sqs:us-east-1:000000000000:d"
	for _, c := range []struct {
		source, dest string
		rate         int
		code         string
	}{
		{"arn:aws:sqs:us-east-1:000000000000:none", "", 0, CodeResourceNotFound},
		{"arn:aws:sqs:us-east-1:000000000000:other", "", 0, CodeInvalidParameterValue}, // not a DLQ
		{src, "arn:aws:sqs:us-east-1:000000000000:none", 0, CodeResourceNotFound},
		{src, "", 501, CodeInvalidParameterValue},
	} {
		if _, err := e.s.StartMoveTask(ctx, c.source, c.dest, c.rate); code(err) != c.code {
			t.Errorf("StartMoveTask(%s, %s, %d) = %v, want %s", c.source, c.dest, c.rate, err, c.code)
		}
	}
	for i := range 20 {
		send(t, e.s, "d", SendInput{Body: fmt.Sprint(i)})
	}
	h, err := e.s.StartMoveTask(ctx, src, "arn:aws:sqs:us-east-1:000000000000:other", 10)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.StartMoveTask(ctx, src, "", 0); code(err) != CodeUnsupportedOperation {
		t.Errorf("second task: %v", err)
	}
	time.Sleep(350 * time.Millisecond)
	moved, err := e.s.CancelMoveTask(h)
	if err != nil || moved < 1 || moved > 10 {
		t.Errorf("cancel: %d %v", moved, err)
	}
	ts, _ := e.s.ListMoveTasks(src, 10)
	if len(ts) != 1 || ts[0].Status != TaskCancelled || ts[0].ToMove != 20 {
		t.Errorf("tasks: %+v", ts)
	}
	a, _ := e.s.Attributes(ctx, "other")
	b, _ := e.s.Attributes(ctx, "d")
	if a[AttrApproximateNumberOfMessages] == "0" || b[AttrApproximateNumberOfMessages] == "20" {
		t.Errorf("moved: other %v, dlq %v", a[AttrApproximateNumberOfMessages], b[AttrApproximateNumberOfMessages])
	}
}

// TestFIFOGroupsConcurrently: many receivers never get two batches of one
// group at once, and each group's messages come in order.
func TestFIFOGroupsConcurrently(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.s.CreateQueue(ctx, "g.fifo", map[string]string{AttrFifoQueue: "true", AttrContentBasedDeduplication: "true"}, nil)
	const groups, per = 5, 40
	for i := range per {
		var in []SendInput
		for g := range groups {
			in = append(in, SendInput{Body: fmt.Sprintf("%d-%03d", g, i), GroupID: fmt.Sprint(g)})
		}
		send(t, e.s, "g.fifo", in...)
	}
	// A group's next batch is served only after its previous one is
	// deleted, so batches recorded before their delete are in order.
	var mu sync.Mutex
	order := map[string][]string{}
	done := make(chan struct{})
	for range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			z := 200 * time.Millisecond
			for {
				ms, err := e.s.Receive(ctx, "g.fifo", ReceiveInput{MaxMessages: 3, WaitTime: &z})
				if err != nil || len(ms) == 0 {
					return
				}
				mu.Lock()
				for _, m := range ms {
					g := m.Attributes[SysMessageGroupID]
					order[g] = append(order[g], m.Body)
				}
				mu.Unlock()
				for _, m := range ms {
					if err := e.s.Delete(ctx, "g.fifo", m.ReceiptHandle); err != nil {
						t.Error(err)
					}
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
	for g := range groups {
		bodies := order[fmt.Sprint(g)]
		if len(bodies) != per || !sort.StringsAreSorted(bodies) {
			t.Errorf("group %d: %d messages, in order: %v", g, len(bodies), sort.StringsAreSorted(bodies))
		}
	}
}

// BenchmarkSendToReceive is the time from Send to a waiting receiver
// holding the message (what an event source mapping waits).
func BenchmarkSendToReceive(b *testing.B) {
	ctx := context.Background()
	br, err := broker.Open(ctx, broker.Options{Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer br.Close()
	s, err := New(ctx, Options{JetStream: br.JetStream()})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	s.CreateQueue(ctx, "lat", nil, nil)
	got := make(chan time.Time)
	go func() {
		w := 20 * time.Second
		for {
			ms, err := s.Receive(ctx, "lat", ReceiveInput{WaitTime: &w, MaxMessages: 10})
			if err != nil {
				close(got)
				return
			}
			for _, m := range ms {
				s.Delete(ctx, "lat", m.ReceiptHandle)
				got <- time.Now()
			}
		}
	}()
	var total time.Duration
	for b.Loop() {
		start := time.Now()
		s.Send(ctx, "lat", []SendInput{{Body: "x"}})
		total += (<-got).Sub(start)
	}
	b.ReportMetric(float64(total.Microseconds())/float64(b.N), "µs/send-to-receive")
	s.DeleteQueue(ctx, "lat")
	for range got {
	}
}

// TestConcurrent runs senders, receivers, deleters, visibility changes,
// attribute changes and a purge at once (for the race detector), then
// checks that every message not purged was received.
func TestConcurrent(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.s.CreateQueue(ctx, "c", map[string]string{AttrVisibilityTimeout: "1"}, nil)
	var wg sync.WaitGroup
	const senders, each = 4, 100
	for i := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < each; j += 5 {
				var in []SendInput
				for k := range 5 {
					in = append(in, SendInput{Body: fmt.Sprint(i, "-", j+k)})
				}
				send(t, e.s, "c", in...)
			}
		}()
	}
	var mu sync.Mutex
	seen := map[string]bool{}
	stop := make(chan struct{})
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := 50 * time.Millisecond
			for {
				select {
				case <-stop:
					return
				default:
				}
				ms, err := e.s.Receive(ctx, "c", ReceiveInput{MaxMessages: 10, WaitTime: &w})
				if err != nil {
					t.Error(err)
					return
				}
				for i, m := range ms {
					if i%3 == 0 && m.Attributes[SysApproximateReceiveCount] == "1" {
						e.s.ChangeVisibility(ctx, "c", m.ReceiptHandle, 0) // back to the queue, once
						continue
					}
					mu.Lock()
					seen[m.Body] = true
					mu.Unlock()
					e.s.Delete(ctx, "c", m.ReceiptHandle)
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 20 {
			e.s.SetAttributes(ctx, "c", map[string]string{AttrDelaySeconds: "0", AttrVisibilityTimeout: fmt.Sprint(1 + i%2)})
			e.s.Attributes(ctx, "c")
			time.Sleep(5 * time.Millisecond)
		}
	}()
	deadline := time.Now().Add(20 * time.Second)
	n := 0
	for n < senders*each && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		mu.Lock()
		n = len(seen)
		mu.Unlock()
	}
	close(stop)
	wg.Wait()
	if n != senders*each {
		t.Fatalf("received %d of %d", n, senders*each)
	}
}

// TestDeleteBatch: deletes are durable, bad handles fail alone.
func TestDeleteBatch(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	e := open(t, dir)
	e.s.CreateQueue(ctx, "d", nil, nil)
	for i := range 5 {
		send(t, e.s, "d", SendInput{Body: fmt.Sprint(i)})
	}
	got := recv(t, e.s, "d", 3, 600)
	errs := e.s.DeleteBatch(ctx, "d", []string{got[0].ReceiptHandle, "garbage", got[1].ReceiptHandle, got[0].ReceiptHandle})
	if errs[0] != nil || code(errs[1]) != CodeReceiptHandleIsInvalid || errs[2] != nil || errs[3] != nil {
		t.Errorf("DeleteBatch: %v", errs)
	}
	e.close()
	e = open(t, dir)
	defer e.close()
	a, _ := e.s.Attributes(ctx, "d")
	if a[AttrApproximateNumberOfMessages] != "2" || a[AttrApproximateNumberOfMessagesNotVisible] != "1" {
		t.Errorf("after restart: %v", a)
	}
}

// TestSweep: messages past their retention leave the counts.
func TestSweep(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.s.CreateQueue(ctx, "old", map[string]string{AttrMessageRetentionPeriod: "60"}, nil)
	send(t, e.s, "old", SendInput{Body: "a"}, SendInput{Body: "b"})
	e.s.sweep(ctx)
	if a, _ := e.s.Attributes(ctx, "old"); a[AttrApproximateNumberOfMessages] != "2" {
		t.Fatalf("swept too soon: %v", a)
	}
	e.s.o.Now = func() time.Time { return time.Now().Add(61 * time.Second) }
	e.s.sweep(ctx)
	if a, _ := e.s.Attributes(ctx, "old"); a[AttrApproximateNumberOfMessages] != "0" {
		t.Errorf("not swept: %v", a)
	}
}
