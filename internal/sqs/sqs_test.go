package sqs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/broker"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// env is a service on an embedded broker in dir.
type env struct {
	b *broker.Broker
	s *Service
}

func open(t *testing.T, dir string) *env {
	t.Helper()
	ctx := context.Background()
	b, err := broker.Open(ctx, broker.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(ctx, Options{JetStream: b.JetStream()})
	if err != nil {
		b.Close()
		t.Fatal(err)
	}
	return &env{b, s}
}

func (e *env) close() {
	e.s.Close()
	e.b.Close()
}

func newEnv(t *testing.T) *env {
	e := open(t, t.TempDir())
	t.Cleanup(e.close)
	return e
}

func code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

func send(t *testing.T, s *Service, q string, in ...SendInput) []SendResult {
	t.Helper()
	res, errs, err := s.Send(context.Background(), q, in)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs {
		if e != nil {
			t.Fatal(e)
		}
	}
	return res
}

func recv(t *testing.T, s *Service, q string, n int, vis int) []Message {
	t.Helper()
	z := time.Duration(0)
	out, err := s.Receive(context.Background(), q, ReceiveInput{MaxMessages: n, WaitTime: &z, VisibilityTimeout: &vis})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestStandard(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if err := e.s.CreateQueue(ctx, "jobs", nil, nil); err != nil {
		t.Fatal(err)
	}
	res := send(t, e.s, "jobs", SendInput{Body: "hello", Attributes: map[string]MessageAttribute{"a": {DataType: "String", StringValue: "x"}}})
	if res[0].MD5OfMessageBody != "5d41402abc4b2a76b9719d911017c592" || res[0].MD5OfMessageAttributes == "" {
		t.Errorf("send: %+v", res[0])
	}
	got := recv(t, e.s, "jobs", 10, 30)
	if len(got) != 1 || got[0].Body != "hello" || got[0].Attributes[SysApproximateReceiveCount] != "1" || got[0].MessageAttributes["a"].StringValue != "x" {
		t.Fatalf("receive: %+v", got)
	}
	if again := recv(t, e.s, "jobs", 10, 30); len(again) != 0 {
		t.Errorf("in flight, received again: %+v", again)
	}
	// Visibility 0 returns it; the old handle cannot change visibility.
	if err := e.s.ChangeVisibility(ctx, "jobs", got[0].ReceiptHandle, 0); err != nil {
		t.Fatal(err)
	}
	if err := e.s.ChangeVisibility(ctx, "jobs", got[0].ReceiptHandle, 10); code(err) != CodeInvalidParameterValue {
		t.Errorf("stale handle: %v", err)
	}
	got2 := recv(t, e.s, "jobs", 1, 30)
	if len(got2) != 1 || got2[0].Attributes[SysApproximateReceiveCount] != "2" {
		t.Fatalf("second receive: %+v", got2)
	}
	// The first handle still deletes (AWS).
	if err := e.s.Delete(ctx, "jobs", got[0].ReceiptHandle); err != nil {
		t.Fatal(err)
	}
	if err := e.s.Delete(ctx, "jobs", got2[0].ReceiptHandle); err != nil {
		t.Errorf("deleting again: %v", err)
	}
	// Another queue's handle is invalid here.
	e.s.CreateQueue(ctx, "other", nil, nil)
	send(t, e.s, "other", SendInput{Body: "o"})
	o := recv(t, e.s, "other", 1, 30)
	if err := e.s.Delete(ctx, "jobs", o[0].ReceiptHandle); code(err) != CodeReceiptHandleIsInvalid {
		t.Errorf("another queue's handle: %v", err)
	}
	if err := e.s.Delete(ctx, "jobs", "garbage"); code(err) != CodeReceiptHandleIsInvalid {
		t.Errorf("garbage handle: %v", err)
	}
	a, _ := e.s.Attributes(ctx, "jobs")
	if a[AttrApproximateNumberOfMessages] != "0" || a[AttrApproximateNumberOfMessagesNotVisible] != "0" {
		t.Errorf("counts: %v", a)
	}
}

func TestValidation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, c := range []struct {
		name  string
		attrs map[string]string
		code  string
	}{
		{"", nil, CodeInvalidParameterValue},
		{"bad name", nil, CodeInvalidParameterValue},
		{"x.fifo", nil, CodeInvalidParameterValue},
		{"x", map[string]string{AttrFifoQueue: "true"}, CodeInvalidParameterValue},
		{"x", map[string]string{AttrDelaySeconds: "901"}, CodeInvalidAttributeValue},
		{"x", map[string]string{AttrVisibilityTimeout: "-1"}, CodeInvalidAttributeValue},
		{"x", map[string]string{AttrMessageRetentionPeriod: "59"}, CodeInvalidAttributeValue},
		{"x", map[string]string{AttrMaximumMessageSize: "1023"}, CodeInvalidAttributeValue},
		{"x", map[string]string{"Nope": "1"}, CodeInvalidAttributeName},
		{"x", map[string]string{AttrContentBasedDeduplication: "true"}, CodeInvalidAttributeName},
		{"x", map[string]string{AttrRedrivePolicy: `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:none","maxReceiveCount":3}`}, CodeInvalidParameterValue},
		{"x", map[string]string{AttrRedrivePolicy: `{"maxReceiveCount":3}`}, CodeInvalidParameterValue},
	} {
		if err := e.s.CreateQueue(ctx, c.name, c.attrs, nil); code(err) != c.code {
			t.Errorf("CreateQueue(%q, %v) = %v, want %s", c.name, c.attrs, err, c.code)
		}
	}
	if err := e.s.CreateQueue(ctx, "q", map[string]string{AttrVisibilityTimeout: "10"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := e.s.CreateQueue(ctx, "q", map[string]string{AttrVisibilityTimeout: "10"}, nil); err != nil {
		t.Errorf("same attributes: %v", err)
	}
	if err := e.s.CreateQueue(ctx, "q", map[string]string{AttrVisibilityTimeout: "11"}, nil); code(err) != CodeQueueNameExists {
		t.Errorf("different attributes: %v", err)
	}
	big := make([]byte, MaxMessageSize+1)
	for i := range big {
		big[i] = 'a'
	}
	for _, c := range []struct {
		in   SendInput
		code string
	}{
		{SendInput{Body: ""}, CodeMissingParameter},
		{SendInput{Body: "a\x00"}, CodeInvalidMessageContents},
		{SendInput{Body: string(big)}, CodeInvalidParameterValue},
		{SendInput{Body: "a", DelaySeconds: ptr(901)}, CodeInvalidParameterValue},
		{SendInput{Body: "a", Attributes: map[string]MessageAttribute{"AWS.x": {DataType: "String", StringValue: "v"}}}, CodeInvalidParameterValue},
		{SendInput{Body: "a", Attributes: map[string]MessageAttribute{"n": {DataType: "Number", StringValue: "v"}}}, CodeInvalidParameterValue},
		{SendInput{Body: "a", Attributes: map[string]MessageAttribute{"n": {DataType: "Blob", StringValue: "v"}}}, CodeInvalidParameterValue},
		{SendInput{Body: "a", DeduplicationID: "d"}, CodeInvalidParameterValue},
	} {
		_, errs, err := e.s.Send(ctx, "q", []SendInput{c.in})
		if err != nil || code(errs[0]) != c.code {
			t.Errorf("Send(%.40q) = %v %v, want %s", c.in.Body, err, errs, c.code)
		}
	}
	// The largest message, of the characters JSON would escape most.
	lt := strings.Repeat("<", MaxMessageSize-26) + strings.Repeat("\n", 10)
	if _, errs, err := e.s.Send(ctx, "q", []SendInput{{Body: lt, Attributes: map[string]MessageAttribute{"a": {DataType: "String", StringValue: "<<<<<<<<<"}}}}); err != nil || errs[0] != nil {
		t.Errorf("largest message: %v %v", err, errs)
	}
	if _, _, err := e.s.Send(ctx, "none", []SendInput{{Body: "a"}}); code(err) != CodeQueueDoesNotExist {
		t.Errorf("no queue: %v", err)
	}
	if err := e.s.DeleteQueue(ctx, "q"); err != nil {
		t.Fatal(err)
	}
	if err := e.s.CreateQueue(ctx, "q", nil, nil); code(err) != CodeQueueDeletedRecently {
		t.Errorf("recreate at once: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

func TestFIFO(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if err := e.s.CreateQueue(ctx, "o.fifo", map[string]string{AttrFifoQueue: "true", AttrContentBasedDeduplication: "true"}, nil); err != nil {
		t.Fatal(err)
	}
	var in []SendInput
	for i := range 6 {
		in = append(in, SendInput{Body: fmt.Sprintf("m%d", i), GroupID: []string{"a", "b"}[i%2]})
	}
	res := send(t, e.s, "o.fifo", in...)
	if len(res[0].SequenceNumber) != 20 || res[1].SequenceNumber <= res[0].SequenceNumber {
		t.Errorf("sequence numbers: %q %q", res[0].SequenceNumber, res[1].SequenceNumber)
	}
	// Duplicates are dropped with the original's id.
	dup := send(t, e.s, "o.fifo", SendInput{Body: "m0", GroupID: "a"})
	if dup[0].MessageID != res[0].MessageID {
		t.Errorf("duplicate got a new id: %s vs %s", dup[0].MessageID, res[0].MessageID)
	}
	// First receive: group a only (the oldest), in order.
	got := recv(t, e.s, "o.fifo", 2, 30)
	if len(got) != 2 || got[0].Body != "m0" || got[1].Body != "m2" {
		t.Fatalf("first: %v", bodies(got))
	}
	got2 := recv(t, e.s, "o.fifo", 10, 30)
	if len(got2) != 3 || got2[0].Body != "m1" || got2[2].Body != "m5" {
		t.Fatalf("second: %v", bodies(got2))
	}
	if got3 := recv(t, e.s, "o.fifo", 10, 30); len(got3) != 0 {
		t.Fatalf("groups in flight served: %v", bodies(got3))
	}
	for _, m := range got {
		e.s.Delete(ctx, "o.fifo", m.ReceiptHandle)
	}
	got4 := recv(t, e.s, "o.fifo", 10, 30)
	if len(got4) != 1 || got4[0].Body != "m4" {
		t.Fatalf("after delete: %v", bodies(got4))
	}
	// A receive attempt id replays.
	e.s.ChangeVisibility(ctx, "o.fifo", got4[0].ReceiptHandle, 0)
	z := time.Duration(0)
	a1, _ := e.s.Receive(ctx, "o.fifo", ReceiveInput{MaxMessages: 10, WaitTime: &z, AttemptID: "x"})
	a2, _ := e.s.Receive(ctx, "o.fifo", ReceiveInput{MaxMessages: 10, WaitTime: &z, AttemptID: "x"})
	if len(a1) != 1 || len(a2) != 1 || a1[0].ReceiptHandle != a2[0].ReceiptHandle {
		t.Errorf("attempt replay: %v %v", a1, a2)
	}
	if _, errs, _ := e.s.Send(ctx, "o.fifo", []SendInput{{Body: "x"}}); code(errs[0]) != CodeMissingParameter {
		t.Errorf("no group: %v", errs[0])
	}
}

func bodies(ms []Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Body)
	}
	return out
}

func TestLongPoll(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.s.CreateQueue(ctx, "lp", nil, nil)
	done := make(chan time.Duration)
	go func() {
		w := 5 * time.Second
		start := time.Now()
		got, _ := e.s.Receive(ctx, "lp", ReceiveInput{WaitTime: &w})
		if len(got) != 1 {
			done <- -1
			return
		}
		done <- time.Since(start)
	}()
	time.Sleep(100 * time.Millisecond)
	sent := time.Now()
	send(t, e.s, "lp", SendInput{Body: "x"})
	d := <-done
	// Woken by the send, not by the 5 s wait's end (the bound leaves room
	// for a loaded machine; bench's SendToReceive measures the real delay).
	if d < 0 || time.Since(sent) > 2*time.Second {
		t.Errorf("long poll woke late or empty: %v", d)
	}
	// Delayed messages appear when due.
	send(t, e.s, "lp", SendInput{Body: "later", DelaySeconds: ptr(1)})
	if got := recv(t, e.s, "lp", 1, 30); len(got) != 0 {
		t.Errorf("delayed message received early")
	}
	w := 3 * time.Second
	got, _ := e.s.Receive(ctx, "lp", ReceiveInput{WaitTime: &w})
	if len(got) != 1 || got[0].Body != "later" {
		t.Errorf("delayed: %v", bodies(got))
	}
}

func TestRedrive(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.s.CreateQueue(ctx, "dlq", nil, nil)
	err := e.s.CreateQueue(ctx, "src", map[string]string{AttrRedrivePolicy: `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":"2"}`}, nil)
	if err != nil {
		t.Fatal(err)
	}
	res := send(t, e.s, "src", SendInput{Body: "poison"})
	for range 2 {
		if got := recv(t, e.s, "src", 1, 0); len(got) != 1 {
			t.Fatal("not received")
		}
	}
	if got := recv(t, e.s, "src", 1, 0); len(got) != 0 {
		t.Fatalf("received past maxReceiveCount: %v", bodies(got))
	}
	got := recv(t, e.s, "dlq", 1, 0)
	if len(got) != 1 || got[0].MessageID != res[0].MessageID || got[0].Attributes[SysDeadLetterQueueSourceArn] != "arn:aws:sqs:us-east-1:000000000000:src" {
		t.Fatalf("dlq: %+v", got)
	}
	srcs, _ := e.s.DeadLetterSources("dlq")
	if len(srcs) != 1 || srcs[0] != "src" {
		t.Errorf("sources: %v", srcs)
	}
	// Move it back.
	h, err := e.s.StartMoveTask(ctx, "arn:aws:sqs:us-east-1:000000000000:dlq", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		ts, _ := e.s.ListMoveTasks("arn:aws:sqs:us-east-1:000000000000:dlq", 10)
		if len(ts) == 1 && ts[0].Status == TaskCompleted && ts[0].Moved == 1 && ts[0].Handle == h {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("task: %+v", ts)
		}
		time.Sleep(10 * time.Millisecond)
	}
	back := recv(t, e.s, "src", 1, 30)
	if len(back) != 1 || back[0].MessageID != res[0].MessageID || back[0].Attributes[SysDeadLetterQueueSourceArn] != "" {
		t.Errorf("moved back: %+v", back)
	}
}

func TestRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	e := open(t, dir)
	e.s.CreateQueue(ctx, "r", nil, nil)
	e.s.CreateQueue(ctx, "r.fifo", map[string]string{AttrFifoQueue: "true"}, nil)
	for i := range 5 {
		send(t, e.s, "r", SendInput{Body: fmt.Sprint(i)})
	}
	send(t, e.s, "r.fifo", SendInput{Body: "f", GroupID: "g", DeduplicationID: "d1"})
	send(t, e.s, "r.fifo", SendInput{Body: "h1", GroupID: "h", DeduplicationID: "h1"}, SendInput{Body: "h2", GroupID: "h", DeduplicationID: "h2"})
	got := recv(t, e.s, "r", 2, 600)
	if h := recv(t, e.s, "r.fifo", 1, 600); len(h) != 1 || h[0].Body != "f" {
		t.Fatalf("fifo before restart: %v", bodies(h))
	}
	e.close()

	e = open(t, dir)
	defer e.close()
	a, err := e.s.Attributes(ctx, "r")
	if err != nil || a[AttrApproximateNumberOfMessages] != "3" || a[AttrApproximateNumberOfMessagesNotVisible] != "2" {
		t.Fatalf("after restart: %v %v", err, a)
	}
	if err := e.s.Delete(ctx, "r", got[0].ReceiptHandle); err != nil {
		t.Errorf("old handle after restart: %v", err)
	}
	if err := e.s.ChangeVisibility(ctx, "r", got[1].ReceiptHandle, 0); err != nil {
		t.Errorf("change visibility after restart: %v", err)
	}
	all := recv(t, e.s, "r", 10, 30)
	if len(all) != 4 {
		t.Errorf("after restart received %d", len(all))
	}
	for _, m := range all {
		if m.Body == got[1].Body && m.Attributes[SysApproximateReceiveCount] != "2" {
			t.Errorf("receive count lost: %v", m.Attributes)
		}
	}
	// Group g is still in flight: only h is served, in order; the
	// duplicate of f is not stored.
	dup := send(t, e.s, "r.fifo", SendInput{Body: "f2", GroupID: "g", DeduplicationID: "d1"})
	if f := recv(t, e.s, "r.fifo", 10, 30); len(f) != 2 || f[0].Body != "h1" || f[1].Body != "h2" {
		t.Errorf("fifo after restart: %v", bodies(f))
	}
	a, _ = e.s.Attributes(ctx, "r.fifo")
	if a[AttrApproximateNumberOfMessagesNotVisible] != "3" || a[AttrApproximateNumberOfMessages] != "0" || dup[0].MessageID == "" {
		t.Errorf("dedup across restart: %v %v", a, dup)
	}
}
