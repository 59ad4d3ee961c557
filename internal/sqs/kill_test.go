package sqs

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/broker"
	"github.com/verge-edge/verge/internal/killtest"
)

// killEnv names the store folder of the helper process TestKill starts.
const killEnv = "VERGE_SQS_KILL_HELPER"

// TestKill: a process that sent 1,000 messages, has 300 in flight and is
// moving messages to a dead-letter queue is killed with SIGKILL; after a
// restart no message is lost (the dead-lettered ones may be duplicated)
// and FIFO deduplication still holds.
func TestKill(t *testing.T) {
	if dir, ok := killtest.Child(killEnv); ok {
		killHelper(dir)
		return
	}
	dir := t.TempDir()
	cmd, out := killtest.Start(t, killEnv, "TestKill", dir)
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "ready ") {
				ready <- sc.Text()
			}
		}
		close(ready)
	}()
	var fifoID string
	select {
	case line, ok := <-ready:
		if !ok {
			cmd.Wait()
			t.Fatal("the helper ended before it was ready")
		}
		fifoID = strings.TrimPrefix(line, "ready ")
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal("the helper is not ready")
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()

	e := open(t, dir)
	defer e.close()
	ctx := context.Background()
	a, err := e.s.Attributes(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	if a[AttrApproximateNumberOfMessages] != "700" || a[AttrApproximateNumberOfMessagesNotVisible] != "300" {
		t.Errorf("after kill -9: %s visible, %s in flight; want 700 and 300", a[AttrApproximateNumberOfMessages], a[AttrApproximateNumberOfMessagesNotVisible])
	}
	// Every poison message is in the source or the dead-letter queue.
	ids := map[string]bool{}
	for _, q := range []string{"src", "dlq", "src", "dlq"} {
		for {
			got := recv(t, e.s, q, 10, 600)
			if len(got) == 0 {
				break
			}
			for _, m := range got {
				ids[m.MessageID] = true
			}
		}
	}
	if len(ids) != 100 {
		t.Errorf("redrive after kill -9: %d distinct messages, want 100", len(ids))
	}
	res := send(t, e.s, "k.fifo", SendInput{Body: "again", GroupID: "g", DeduplicationID: "d"})
	if res[0].MessageID != fifoID {
		t.Errorf("FIFO deduplication lost: %s, want %s", res[0].MessageID, fifoID)
	}
}

// killHelper fills the store in dir, says "ready FIFO-ID" and waits to be
// killed.
func killHelper(dir string) {
	ctx := context.Background()
	b, err := broker.Open(ctx, broker.Options{Dir: dir})
	if err != nil {
		panic(err)
	}
	s, err := New(ctx, Options{JetStream: b.JetStream()})
	if err != nil {
		panic(err)
	}
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	must(s.CreateQueue(ctx, "k", nil, nil))
	must(s.CreateQueue(ctx, "k.fifo", map[string]string{AttrFifoQueue: "true"}, nil))
	must(s.CreateQueue(ctx, "dlq", nil, nil))
	must(s.CreateQueue(ctx, "src", map[string]string{AttrVisibilityTimeout: "0",
		AttrRedrivePolicy: `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":1}`}, nil))
	for i := 0; i < 1000; i += 10 {
		var in []SendInput
		for j := range 10 {
			in = append(in, SendInput{Body: fmt.Sprint(i + j)})
		}
		_, errs, err := s.Send(ctx, "k", in)
		must(err)
		for _, e := range errs {
			must(e)
		}
	}
	vis := 600
	z := time.Duration(0)
	for taken := 0; taken < 300; {
		got, err := s.Receive(ctx, "k", ReceiveInput{MaxMessages: 10, VisibilityTimeout: &vis, WaitTime: &z})
		must(err)
		taken += len(got)
	}
	for i := range 100 {
		_, _, err := s.Send(ctx, "src", []SendInput{{Body: fmt.Sprint("poison ", i)}})
		must(err)
	}
	zero := 0
	for range 3 { // first receives: the messages are now one receive from the DLQ
		_, err := s.Receive(ctx, "src", ReceiveInput{MaxMessages: 10, VisibilityTimeout: &zero, WaitTime: &z})
		must(err)
	}
	res, _, err := s.Send(ctx, "k.fifo", []SendInput{{Body: "once", GroupID: "g", DeduplicationID: "d"}})
	must(err)
	// Keep dead-lettering while the parent kills us.
	go func() {
		for {
			s.Receive(ctx, "src", ReceiveInput{MaxMessages: 10, VisibilityTimeout: &zero, WaitTime: &z})
		}
	}()
	time.Sleep(20 * time.Millisecond)
	fmt.Println("ready " + res[0].MessageID)
	select {}
}
