package logsub

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"go.uber.org/goleak"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/broker"
	"github.com/verge-edge/verge/internal/logs"
	"github.com/verge-edge/verge/internal/triggers/cloudwatchlogs"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// waitLong bounds every wait for something that should happen at once.
const waitLong = 10 * time.Second

// delivery is one enqueued invocation.
type delivery struct {
	fn   string
	data events.CloudwatchLogsData
	size int
}

// env is a service on an embedded broker whose Enqueue records what it
// is given.
type env struct {
	b      *broker.Broker
	fns    map[string]bool
	groups map[string]bool
	got    chan delivery
	t      *testing.T
	// hold, when set, makes Enqueue of a data message wait for it to close,
	// after saying so on held.
	hold, held chan struct{}
}

func newEnv(t *testing.T) *env {
	t.Helper()
	b, err := broker.Open(context.Background(), broker.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return &env{b: b, t: t, got: make(chan delivery, 1000),
		fns:    map[string]bool{"a": true, "b": true, "c": true, "sink": true},
		groups: map[string]bool{"/aws/lambda/a": true, "/aws/lambda/b": true, "/aws/lambda/c": true, "/aws/lambda/sink": true, "/outside": true}}
}

func (e *env) open(o Options) *Service {
	e.t.Helper()
	o.JetStream = e.b.JetStream()
	o.HasFunction = func(n string) bool { return e.fns[n] }
	o.HasGroup = func(n string) bool { return e.groups[n] }
	o.Enqueue = func(_ context.Context, fn string, p []byte) (string, error) {
		var ev events.CloudwatchLogsEvent
		if err := strictJSON(p, &ev); err != nil {
			e.t.Errorf("payload %s: %v", p, err)
		}
		d, err := ev.AWSLogs.Parse()
		if err != nil {
			e.t.Errorf("parse: %v", err)
		}
		if e.hold != nil && d.MessageType == cloudwatchlogs.MessageData {
			select {
			case e.held <- struct{}{}:
			default:
			}
			<-e.hold
		}
		e.got <- delivery{fn: fn, data: d, size: len(p)}
		return "req", nil
	}
	s, err := Open(context.Background(), o)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(s.Close)
	return s
}

// next waits for the next delivery.
func (e *env) next() delivery {
	e.t.Helper()
	select {
	case d := <-e.got:
		return d
	case <-time.After(waitLong):
		e.t.Fatal("no delivery")
	}
	return delivery{}
}

// none checks nothing more was delivered.
func (e *env) none() {
	e.t.Helper()
	select {
	case d := <-e.got:
		e.t.Fatalf("unexpected delivery %+v", d)
	case <-time.After(50 * time.Millisecond):
	}
}

func fnARN(n string) string { return arn.Function(n, "") }

func put(t *testing.T, s *Service, group, name, pattern, dest string) error {
	t.Helper()
	return s.Put(context.Background(), Filter{Group: group, Name: name, Pattern: pattern, Destination: fnARN(dest)})
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

func TestPutLimitsAndErrors(t *testing.T) {
	e := newEnv(t)
	s := e.open(Options{})
	ctx := context.Background()
	for _, c := range []struct {
		name string
		f    Filter
		code string
		msg  string
	}{
		{"no group", Filter{Group: "/nope", Name: "x", Destination: fnARN("a")}, CodeNotFound, msgNoGroup},
		{"no function", Filter{Group: "/outside", Name: "x", Destination: fnARN("zz")}, CodeInvalid, msgNoFunction},
		{"not a function", Filter{Group: "/outside", Name: "x", Destination: "arn:aws:sqs:us-east-1:000000000000:q"}, CodeInvalid, msgBadDest},
		{"bad name", Filter{Group: "/outside", Name: "a:b", Destination: fnARN("a")}, CodeInvalid, "[^:*]*"},
		{"empty name", Filter{Group: "/outside", Destination: fnARN("a")}, CodeInvalid, "between 1 and 512"},
		{"bad distribution", Filter{Group: "/outside", Name: "x", Distribution: "Sometimes", Destination: fnARN("a")}, CodeInvalid, "[Random, ByLogStream]"},
		{"bad pattern", Filter{Group: "/outside", Name: "x", Pattern: `"unterminated`, Destination: fnARN("a")}, CodeInvalid, "Invalid filter pattern"},
	} {
		err := s.Put(ctx, c.f)
		if code(err) != c.code || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v, want %s %q", c.name, err, c.code, c.msg)
		}
	}
	if err := put(t, s, "/outside", "one", "", "a"); err != nil {
		t.Fatal(err)
	}
	if err := put(t, s, "/outside", "two", "ERROR", "b"); err != nil {
		t.Fatal(err)
	}
	err := put(t, s, "/outside", "three", "", "c")
	if code(err) != CodeLimit || !strings.Contains(err.Error(), msgLimit) {
		t.Errorf("third filter: %v, want %s", err, CodeLimit)
	}
	// The same name replaces.
	if err := put(t, s, "/outside", "two", "WARN", "c"); err != nil {
		t.Fatalf("replace: %v", err)
	}
	fs := s.Describe("/outside", "")
	if len(fs) != 2 || fs[1].Name != "two" || fs[1].Pattern != "WARN" || fs[1].Destination != fnARN("c") || fs[1].Distribution != DistributionByLogStream {
		t.Errorf("Describe: %+v", fs)
	}
	if got := s.Describe("/outside", "tw"); len(got) != 1 {
		t.Errorf("prefix tw: %+v", got)
	}
	if err := s.Delete(ctx, "/outside", "nope"); code(err) != CodeNotFound || !strings.Contains(err.Error(), msgNoFilter) {
		t.Errorf("delete missing: %v", err)
	}
	if err := s.Delete(ctx, "/outside", "one"); err != nil {
		t.Fatal(err)
	}
	if err := put(t, s, "/outside", "three", "", "c"); err != nil {
		t.Errorf("after a delete there is room: %v", err)
	}
}

func TestCycle(t *testing.T) {
	f := func(group, dest string) Filter { return Filter{Group: group, Destination: fnARN(dest)} }
	for _, c := range []struct {
		name string
		fs   []Filter
		want string
	}{
		{"none", []Filter{f("/aws/lambda/a", "b"), f("/aws/lambda/b", "c")}, ""},
		{"outside groups", []Filter{f("/outside", "a"), f("/aws/lambda/a", "b"), f("/other", "a")}, ""},
		{"diamond", []Filter{f("/aws/lambda/a", "b"), f("/aws/lambda/a", "c"), f("/aws/lambda/b", "c")}, ""},
		{"self", []Filter{f("/aws/lambda/a", "a")}, "/aws/lambda/a → function a → /aws/lambda/a"},
		{"two", []Filter{f("/aws/lambda/a", "b"), f("/aws/lambda/b", "a")}, "/aws/lambda/a → function b → /aws/lambda/b → function a → /aws/lambda/a"},
		{"three, entered from outside", []Filter{f("/outside", "a"), f("/aws/lambda/a", "b"), f("/aws/lambda/b", "c"), f("/aws/lambda/c", "b")},
			"/aws/lambda/b → function c → /aws/lambda/c → function b → /aws/lambda/b"},
	} {
		if got := cycle(c.fs); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	e := newEnv(t)
	s := e.open(Options{})
	if err := put(t, s, "/aws/lambda/a", "x", "", "b"); err != nil {
		t.Fatal(err)
	}
	err := put(t, s, "/aws/lambda/b", "y", "", "a")
	if code(err) != CodeInvalid || !strings.Contains(err.Error(), "may not form a loop: /aws/lambda/") {
		t.Errorf("cycle: %v", err)
	}
	if err := put(t, s, "/aws/lambda/a", "x", "", "c"); err != nil {
		t.Fatal(err)
	}
	if err := put(t, s, "/aws/lambda/b", "y", "", "a"); err != nil {
		t.Errorf("the replaced filter no longer closes a loop: %v", err)
	}
	if err := s.Check([]Filter{f("/aws/lambda/a", "b")}); err == nil || !strings.Contains(err.Error(), "loop") {
		t.Errorf("Check: a stack filter closing a loop with API filters: %v", err)
	}
}

// TestPersistence: API filters survive a restart with their creation
// time, and their destinations get no second control message.
func TestPersistence(t *testing.T) {
	e := newEnv(t)
	now := time.UnixMilli(1765090000000)
	s := e.open(Options{Now: func() time.Time { return now }})
	if err := put(t, s, "/outside", "keep", "ERROR", "a"); err != nil {
		t.Fatal(err)
	}
	if d := e.next(); d.data.MessageType != cloudwatchlogs.MessageControl {
		t.Fatalf("first delivery %+v, want the control message", d)
	}
	s.Close()
	now = now.Add(time.Hour)
	s2 := e.open(Options{Now: func() time.Time { return now }})
	fs := s2.Describe("/outside", "")
	if len(fs) != 1 || fs[0].Name != "keep" || fs[0].Created != 1765090000000 {
		t.Fatalf("after reopening: %+v", fs)
	}
	s2.Take("/outside", logs.Event{Time: now, Stream: "s", Message: "ERROR again"})
	if d := e.next(); d.data.MessageType != cloudwatchlogs.MessageData || d.data.LogEvents[0].Message != "ERROR again" {
		t.Fatalf("delivery after reopening: %+v", d)
	}
}

// TestStackFilters: Apply starts, keeps, changes and stops the stack's
// filters; the API cannot change or delete them; a restart keeps their
// creation time and sends no second control message.
func TestStackFilters(t *testing.T) {
	e := newEnv(t)
	now := time.UnixMilli(1765090000000)
	clock := func() time.Time { return now }
	s := e.open(Options{Now: clock})
	ctx := context.Background()
	sf := Filter{Group: "/aws/lambda/a", Name: "sink-cloudwatch-log-0", Destination: fnARN("sink"), Function: "sink"}
	if err := s.Apply(ctx, []Filter{sf}); err != nil {
		t.Fatal(err)
	}
	if d := e.next(); d.fn != "sink" || d.data.MessageType != cloudwatchlogs.MessageControl {
		t.Fatalf("%+v, want a control message to sink", d)
	}
	if err := s.Delete(ctx, sf.Group, sf.Name); code(err) != CodeInvalid || !strings.Contains(err.Error(), "stack file") {
		t.Errorf("delete a stack filter: %v", err)
	}
	if err := put(t, s, sf.Group, sf.Name, "", "b"); code(err) != CodeInvalid {
		t.Errorf("replace a stack filter: %v", err)
	}
	s.Close()
	now = now.Add(time.Hour)
	s = e.open(Options{Now: clock})
	if fs := s.Describe(sf.Group, ""); len(fs) != 0 {
		t.Errorf("before Apply: %+v", fs)
	}
	if err := s.Apply(ctx, []Filter{sf}); err != nil {
		t.Fatal(err)
	}
	fs := s.Describe(sf.Group, "")
	if len(fs) != 1 || fs[0].Created != 1765090000000 || fs[0].Distribution != DistributionByLogStream {
		t.Fatalf("after reopening: %+v", fs)
	}
	e.none()
	if err := s.Apply(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if fs := s.Describe(sf.Group, ""); len(fs) != 0 {
		t.Errorf("after removing it: %+v", fs)
	}
}

// FuzzFunctionName: a name it finds makes, as an unqualified ARN, the
// prefix of what it was given.
func FuzzFunctionName(f *testing.F) {
	f.Add(fnARN("a"))
	f.Add(fnARN("a") + ":$LATEST")
	f.Add("arn:aws:lambda:us-east-1:000000000000:function::x")
	f.Fuzz(func(t *testing.T, s string) {
		name, ok := FunctionName(s)
		if !ok {
			return
		}
		if name == "" || strings.Contains(name, ":") || (s != fnARN(name) && !strings.HasPrefix(s, fnARN(name)+":")) {
			t.Fatalf("%q gave %q", s, name)
		}
	})
}
