package logsub

import (
	"bufio"
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/verge-edge/verge/internal/broker"
	"github.com/verge-edge/verge/internal/killtest"
	"github.com/verge-edge/verge/internal/logs"
	"github.com/verge-edge/verge/internal/triggers/cloudwatchlogs"
)

// killEnv gives the helper process of TestKill its folder.
const killEnv = "VERGE_LOGSUB_KILL_HELPER"

// The helper's stream of enqueued invocations, standing for the
// asynchronous queue: durable once Publish returns.
const (
	killStream  = "KILLTEST"
	killSubject = "killtest.sink"
	killGroup   = "/outside"
)

// TestKill: a process putting log events through PutEvents, to a group
// with a subscription filter, is killed with SIGKILL at once after an
// acknowledgement. Every acknowledged event is then in the group's files
// (though the store flushes hourly) and every matching one was enqueued
// for the subscriber.
func TestKill(t *testing.T) {
	if dir, ok := killtest.Child(killEnv); ok {
		killHelper(dir)
		return
	}
	dir := t.TempDir()
	cmd, out := killtest.Start(t, killEnv, "TestKill", dir)
	stuck := time.AfterFunc(60*time.Second, func() { cmd.Process.Kill() })
	defer stuck.Stop()
	acked := -1
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		n, ok := strings.CutPrefix(sc.Text(), "acked ")
		if !ok {
			continue
		}
		acked, _ = strconv.Atoi(n)
		if acked == 40 {
			cmd.Process.Signal(syscall.SIGKILL)
		}
	}
	cmd.Wait()
	if acked < 40 {
		t.Fatalf("the helper acknowledged %d puts, want 40 or more", acked+1)
	}

	ls, err := logs.OpenOptions(filepath.Join(dir, "logs"), logs.Options{FlushInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	evs, err := ls.Query(killGroup, logs.Query{})
	ls.Close()
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]bool{}
	for _, e := range evs {
		stored[e.Message] = true
	}
	enqueued := enqueuedLines(t, filepath.Join(dir, "nats"))
	for i := 0; i <= acked; i++ {
		for _, m := range []string{fmt.Sprintf("ERROR %d", i), fmt.Sprintf("INFO %d", i)} {
			if !stored[m] {
				t.Errorf("acknowledged event %q is not in the group", m)
			}
		}
		if m := fmt.Sprintf("ERROR %d", i); !enqueued[m] {
			t.Errorf("acknowledged event %q was not enqueued for the subscriber", m)
		}
	}
	for m := range enqueued {
		if !strings.HasPrefix(m, "ERROR ") {
			t.Errorf("%q, not matching the filter, was enqueued", m)
		}
	}
}

// enqueuedLines reads the messages of the helper's invocations.
func enqueuedLines(t *testing.T, natsDir string) map[string]bool {
	t.Helper()
	b, err := broker.Open(context.Background(), broker.Options{Dir: natsDir})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()
	c, err := b.JetStream().OrderedConsumer(ctx, killStream, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for {
		batch, err := c.FetchNoWait(100)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for m := range batch.Messages() {
			n++
			var ev events.CloudwatchLogsEvent
			if err := strictJSON(m.Data(), &ev); err != nil {
				t.Fatal(err)
			}
			d, err := ev.AWSLogs.Parse()
			if err != nil {
				t.Fatal(err)
			}
			if d.MessageType == cloudwatchlogs.MessageControl {
				continue
			}
			for _, e := range d.LogEvents {
				got[e.Message] = true
			}
		}
		if n == 0 {
			return got
		}
	}
}

// killHelper puts pairs of events, one matching the filter, and says
// "acked N" after each put returns, until it is killed.
func killHelper(dir string) {
	ctx := context.Background()
	fail := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	b, err := broker.Open(ctx, broker.Options{Dir: filepath.Join(dir, "nats")})
	fail(err)
	js := b.JetStream()
	_, err = js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{Name: killStream, Subjects: []string{killSubject}})
	fail(err)
	ls, err := logs.OpenOptions(filepath.Join(dir, "logs"), logs.Options{FlushInterval: time.Hour})
	fail(err)
	fail(ls.CreateGroup(killGroup, 0, "", nil))
	fail(ls.CreateStream(killGroup, "s"))
	s, err := Open(ctx, Options{JetStream: js,
		HasFunction: func(string) bool { return true }, HasGroup: ls.Exists,
		Enqueue: func(ctx context.Context, _ string, p []byte) (string, error) {
			_, err := js.Publish(ctx, killSubject, p)
			return "id", err
		}})
	fail(err)
	ls.SetSink(s)
	fail(s.Put(ctx, Filter{Group: killGroup, Name: "errors", Pattern: "ERROR", Destination: fnARN("sink")}))
	for i := 0; ; i++ {
		now := time.Now()
		fail(ls.PutEvents(ctx, killGroup, "s", []logs.Event{{Time: now, Message: fmt.Sprintf("ERROR %d", i)},
			{Time: now, Message: fmt.Sprintf("INFO %d", i)}}))
		fmt.Println("acked", i)
	}
}
