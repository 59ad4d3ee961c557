package logsub

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/logs"
	"github.com/verge-edge/verge/internal/triggers/cloudwatchlogs"
)

func strictJSON(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	return d.Decode(v)
}

// TestDelivery: matching events reach the function, one message per log
// stream, with the filter's name, the account, increasing 56-digit ids;
// others do not. Two filters matching one event give it the same id.
func TestDelivery(t *testing.T) {
	e := newEnv(t)
	s := e.open(Options{})
	if err := put(t, s, "/aws/lambda/a", "errors", "ERROR", "sink"); err != nil {
		t.Fatal(err)
	}
	if err := put(t, s, "/aws/lambda/a", "all", "", "b"); err != nil {
		t.Fatal(err)
	}
	controls := map[string]bool{}
	for range 2 {
		d := e.next()
		if d.data.MessageType != cloudwatchlogs.MessageControl || d.data.Owner != "CloudwatchLogs" || d.data.LogEvents[0].ID != "" ||
			!strings.HasPrefix(d.data.LogEvents[0].Message, "CWL CONTROL MESSAGE: Checking health of destination") {
			t.Fatalf("%+v, want a control message", d.data)
		}
		controls[d.fn] = true
	}
	if !controls["sink"] || !controls["b"] {
		t.Fatalf("control messages to %v", controls)
	}
	t0 := time.UnixMilli(1765090000000).UTC()
	for i, l := range []struct{ stream, msg string }{
		{"s1", "START RequestId: 1"}, {"s1", "ERROR one"}, {"s2", "ERROR two"}, {"s1", "fine"}, {"s1", "ERROR three"},
	} {
		s.Take("/aws/lambda/a", logs.Event{Time: t0.Add(time.Duration(i) * time.Millisecond), Stream: l.stream, Message: l.msg})
	}
	s.Take("/aws/lambda/b", logs.Event{Time: t0, Stream: "s1", Message: "ERROR elsewhere"})
	var sinkGot, allGot []string
	ids := map[string]string{}
	prev := map[string]string{}
	deadline := time.After(waitLong)
	for len(sinkGot) < 3 || len(allGot) < 5 {
		var d delivery
		select {
		case d = <-e.got:
		case <-deadline:
			t.Fatalf("got %q and %q", sinkGot, allGot)
		}
		if d.data.MessageType != cloudwatchlogs.MessageData || d.data.Owner != "000000000000" || d.data.LogGroup != "/aws/lambda/a" || len(d.data.SubscriptionFilters) != 1 {
			t.Fatalf("message %+v", d.data)
		}
		for _, ev := range d.data.LogEvents {
			if len(ev.ID) != 56 || ev.ID <= prev[d.fn+d.data.LogStream] {
				t.Errorf("id %s after %s", ev.ID, prev[d.fn+d.data.LogStream])
			}
			prev[d.fn+d.data.LogStream] = ev.ID
			line := d.data.LogStream + " " + ev.Message
			if id, ok := ids[line]; ok && id != ev.ID {
				t.Errorf("%q: ids %s and %s", line, id, ev.ID)
			}
			ids[line] = ev.ID
			switch d.fn {
			case "sink":
				if d.data.SubscriptionFilters[0] != "errors" {
					t.Errorf("filters %v", d.data.SubscriptionFilters)
				}
				sinkGot = append(sinkGot, line)
			case "b":
				allGot = append(allGot, line)
			}
		}
	}
	e.none()
	want := map[string]bool{"s1 ERROR one": true, "s2 ERROR two": true, "s1 ERROR three": true}
	for _, l := range sinkGot {
		if !want[l] {
			t.Errorf("sink got %q", l)
		}
	}
}

// TestBatching: events that gather while the worker is busy go in one
// message per stream, split under the cap; a full queue drops and counts.
func TestBatching(t *testing.T) {
	e := newEnv(t)
	e.hold, e.held = make(chan struct{}), make(chan struct{}, 1)
	s := e.open(Options{MaxPayload: 2000, MaxQueue: 100 * (eventOverhead + 1 + 31)})
	if err := put(t, s, "/outside", "all", "", "a"); err != nil {
		t.Fatal(err)
	}
	e.next() // control
	t0 := time.UnixMilli(1765090000000)
	s.Take("/outside", logs.Event{Time: t0, Stream: "s", Message: "first"})
	<-e.held // the worker is busy with the first event
	for i := range 150 {
		stream := "s"
		if i%10 == 0 {
			stream = "t"
		}
		s.Take("/outside", logs.Event{Time: t0, Stream: stream, Message: noise(31, uint32(i))})
	}
	close(e.hold)
	if d := e.next(); len(d.data.LogEvents) != 1 {
		t.Fatalf("first delivery %+v", d.data)
	}
	n, msgs := 0, 0
	streams := map[string]int{}
	for n < 100 {
		d := e.next()
		if d.size > 2000 {
			t.Errorf("payload of %d bytes over the cap", d.size)
		}
		n += len(d.data.LogEvents)
		streams[d.data.LogStream] += len(d.data.LogEvents)
		msgs++
	}
	if n != 100 || msgs < 3 || s.Dropped() != 50 {
		t.Errorf("%d events in %d messages, %d dropped; want 100 in several, 50 dropped", n, msgs, s.Dropped())
	}
	if streams["t"] != 10 || streams["s"] != 90 {
		t.Errorf("by stream %v, want t:10 s:90", streams)
	}
	e.none()
}

// noise is n pseudo-random letters: text gzip cannot shrink much.
func noise(n int, seed uint32) string {
	b := make([]byte, n)
	x := seed + 1
	for i := range b {
		x = x*1664525 + 1013904223
		b[i] = 'a' + byte(x>>24)%26
	}
	return string(b)
}

// TestKinesisDestination: a filter to a stream puts gzipped messages
// (not the function envelope) keyed by log stream, after the control
// message naming a Kinesis stream; an unknown stream is refused, and
// without PutRecord streams are not destinations.
func TestKinesisDestination(t *testing.T) {
	type record struct {
		stream, key string
		data        []byte
	}
	recs := make(chan record, 10)
	e := newEnv(t)
	s := e.open(Options{
		PutRecord: func(_ context.Context, stream, key string, data []byte) error {
			recs <- record{stream, key, data}
			return nil
		},
		HasStream: func(n string) bool { return n == "logs" }})
	ctx := context.Background()
	streamARN := "arn:aws:kinesis:us-east-1:000000000000:stream/"
	if err := s.Put(ctx, Filter{Group: "/outside", Name: "ghost", Destination: streamARN + "nope"}); code(err) != CodeInvalid {
		t.Errorf("unknown stream: %v", err)
	}
	if err := s.Put(ctx, Filter{Group: "/outside", Name: "k", Pattern: "ERROR", Destination: streamARN + "logs"}); err != nil {
		t.Fatal(err)
	}
	next := func() (record, map[string]any) {
		t.Helper()
		select {
		case r := <-recs:
			z, err := gzip.NewReader(bytes.NewReader(r.data))
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			if err := json.NewDecoder(z).Decode(&m); err != nil {
				t.Fatal(err)
			}
			return r, m
		case <-time.After(waitLong):
			t.Fatal("no record")
		}
		return record{}, nil
	}
	r, m := next()
	if r.stream != "logs" || m["messageType"] != "CONTROL_MESSAGE" ||
		m["logEvents"].([]any)[0].(map[string]any)["message"] != "CWL CONTROL MESSAGE: Checking health of destination Kinesis stream." {
		t.Errorf("control record %q %v", r.stream, m)
	}
	s.Take("/outside", logs.Event{Time: time.UnixMilli(1765090000000), Stream: "app-1", Message: "ERROR x"})
	r, m = next()
	if r.key != "app-1" || m["messageType"] != "DATA_MESSAGE" || m["logStream"] != "app-1" {
		t.Errorf("data record key %q: %v", r.key, m)
	}

	e2 := newEnv(t)
	s2 := e2.open(Options{})
	if err := s2.Put(ctx, Filter{Group: "/outside", Name: "k", Destination: streamARN + "logs"}); code(err) != CodeInvalid || !strings.Contains(err.Error(), msgBadDest) {
		t.Errorf("streams not offered: %v", err)
	}
}

// TestDrain: Drain returns once what Take queued before it has been
// enqueued, at once for a group without filters; a filter deleted while
// it waits owes nothing; after Close it fails.
func TestDrain(t *testing.T) {
	e := newEnv(t)
	e.hold, e.held = make(chan struct{}), make(chan struct{}, 1)
	s := e.open(Options{})
	if err := put(t, s, "/outside", "all", "", "a"); err != nil {
		t.Fatal(err)
	}
	e.next() // control
	ctx := context.Background()
	if err := s.Drain(ctx, "/aws/lambda/b"); err != nil {
		t.Fatalf("Drain of a group without filters: %v", err)
	}
	s.Take("/outside", logs.Event{Time: time.UnixMilli(1765090000000), Stream: "s", Message: "x"})
	<-e.held
	drained := make(chan error, 1)
	go func() { drained <- s.Drain(ctx, "/outside") }()
	select {
	case err := <-drained:
		t.Fatalf("Drain returned (%v) while the event was not enqueued", err)
	case <-time.After(50 * time.Millisecond):
	}
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if err := s.Drain(short, "/outside"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Drain past its deadline: %v", err)
	}
	close(e.hold)
	if err := <-drained; err != nil {
		t.Fatalf("Drain: %v", err)
	}
	if d := e.next(); len(d.data.LogEvents) != 1 {
		t.Fatalf("delivery %+v", d.data)
	}

	e.hold = make(chan struct{})
	s.Take("/outside", logs.Event{Time: time.UnixMilli(1765090000001), Stream: "s", Message: "y"})
	<-e.held
	go func() { drained <- s.Drain(ctx, "/outside") }()
	if err := s.Delete(ctx, "/outside", "all"); err != nil {
		t.Fatal(err)
	}
	if err := <-drained; err != nil {
		t.Errorf("Drain of a deleted filter: %v", err)
	}
	close(e.hold)
	e.next()
	s.Close()
	if err := s.Drain(ctx, "/outside"); !errors.Is(err, errClosed) {
		t.Errorf("Drain after Close: %v, want %v", err, errClosed)
	}
}
