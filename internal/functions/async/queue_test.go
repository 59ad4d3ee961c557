package async

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/verge-edge/verge/internal/errs"
)

func fail(msg string) behaviour {
	return func(context.Context, int, call) (Result, error) {
		return Result{Payload: []byte(`{"errorMessage":"` + msg + `","errorType":"Error"}`), FunctionError: "Unhandled", ErrorType: "Error"}, nil
	}
}

func TestSuccessToFunction(t *testing.T) {
	b := openBroker(t, t.TempDir())
	inv := newInvoker(map[string]behaviour{
		"ok": func(context.Context, int, call) (Result, error) { return Result{Payload: []byte(`{"done":true}`)}, nil },
	})
	q := newQueue(t, b, Options{Invoker: inv})
	q.Configure(map[string]Config{
		"ok":   {MaxRetryAttempts: 2, OnSuccess: &Destination{Kind: KindFunction, ARN: "arn:aws:lambda:us-east-1:000000000000:function:sink"}},
		"sink": DefaultConfig(),
	})
	id := enqueue(t, q, "ok", `{"n":1}`)
	c := inv.next(t, "ok")
	if c.id != id || c.payload != `{"n":1}` {
		t.Errorf("call = %+v, want id %s and the payload", c, id)
	}
	var r record
	if err := json.Unmarshal([]byte(inv.next(t, "sink").payload), &r); err != nil {
		t.Fatal(err)
	}
	want := requestContext{RequestID: id, FunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:ok:$LATEST", Condition: "Success", ApproximateInvokeCount: 1}
	if r.RequestContext != want {
		t.Errorf("requestContext = %+v, want %+v", r.RequestContext, want)
	}
	if r.Version != "1.0" || string(r.RequestPayload) != `{"n":1}` || string(r.ResponsePayload) != `{"done":true}` {
		t.Errorf("record = %+v", r)
	}
	if r.ResponseContext != (responseContext{StatusCode: 200, ExecutedVersion: "$LATEST"}) {
		t.Errorf("responseContext = %+v", r.ResponseContext)
	}
	if _, err := time.Parse(time.RFC3339Nano, r.Timestamp); err != nil {
		t.Errorf("timestamp %q: %v", r.Timestamp, err)
	}
	waitPending(t, q, "ok", 0)
	waitPending(t, q, "sink", 0)
	if got := value(q.m.destinations, "ok", "Success"); got != 1 {
		t.Errorf("destination_total = %v, want 1", got)
	}
}

func TestSuccessToBusWithoutResponse(t *testing.T) {
	b := openBroker(t, t.TempDir())
	inv := newInvoker(nil) // returns an empty payload
	bus := newBus()
	q := newQueue(t, b, Options{Invoker: inv, Publish: bus.publish})
	q.Configure(map[string]Config{"ok": {OnSuccess: &Destination{Kind: KindEventBus, Name: "results"}}})
	id := enqueue(t, q, "ok", `not json`)
	ev, r := bus.next(t)
	if ev.ID != "results" || ev.Source != "lambda" || ev.DetailType != "Lambda Function Invocation Result - Success" || ev.Version != "0" {
		t.Errorf("event = %+v", ev)
	}
	wantRes := []string{"arn:aws:events:us-east-1:000000000000:event-bus/results", "arn:aws:lambda:us-east-1:000000000000:function:ok:$LATEST"}
	if strings.Join(ev.Resources, " ") != strings.Join(wantRes, " ") {
		t.Errorf("resources = %q, want %q", ev.Resources, wantRes)
	}
	if r.RequestContext.RequestID != id || string(r.RequestPayload) != `"not json"` || r.ResponsePayload != nil {
		t.Errorf("record = %+v", r)
	}
	if strings.Contains(string(ev.Detail), "responsePayload") {
		t.Errorf("responsePayload present for an empty response: %s", ev.Detail)
	}
}

func TestRetries(t *testing.T) {
	type tc struct {
		name    string
		retries int
		delays  []time.Duration
	}
	for _, c := range []tc{
		{"two retries", 2, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}},
		{"one retry, last delay repeats", 1, []time.Duration{150 * time.Millisecond}},
		{"no retry", 0, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := openBroker(t, t.TempDir())
			inv := newInvoker(map[string]behaviour{"bad": fail("boom")})
			bus := newBus()
			reg := prometheus.NewRegistry()
			q := newQueue(t, b, Options{Invoker: inv, Publish: bus.publish, Retry: c.delays, Registry: reg})
			q.Configure(map[string]Config{"bad": {
				MaxRetryAttempts: c.retries,
				OnFailure:        &Destination{Kind: KindEventBus, ARN: "arn:aws:events:us-east-1:000000000000:event-bus/failures"},
			}})
			id := enqueue(t, q, "bad", `{"x":1}`)
			var calls []call
			for range 1 + c.retries {
				calls = append(calls, inv.next(t, "bad"))
			}
			ev, r := bus.next(t)
			if ev.ID != "failures" || ev.DetailType != "Lambda Function Invocation Result - Failure" {
				t.Errorf("event = %+v", ev)
			}
			want := requestContext{RequestID: id, FunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:bad:$LATEST", Condition: "RetriesExhausted", ApproximateInvokeCount: 1 + c.retries}
			if r.RequestContext != want {
				t.Errorf("requestContext = %+v, want %+v", r.RequestContext, want)
			}
			if r.ResponseContext.FunctionError != "Unhandled" || !strings.Contains(string(r.ResponsePayload), "boom") {
				t.Errorf("response = %+v %s", r.ResponseContext, r.ResponsePayload)
			}
			for i, cl := range calls {
				if cl.id != id {
					t.Errorf("attempt %d has request id %s, want %s", i+1, cl.id, id)
				}
				if i == 0 {
					continue
				}
				delay := c.delays[min(i, len(c.delays))-1]
				if gap := cl.at.Sub(calls[i-1].at); gap < delay || gap > delay+10*time.Second {
					t.Errorf("attempt %d came %v after the previous, want about %v", i+1, gap, delay)
				}
			}
			waitPending(t, q, "bad", 0)
			if n := inv.count("bad"); n != 1+c.retries {
				t.Errorf("%d attempts, want %d", n, 1+c.retries)
			}
			if got := value(q.m.retries, "bad"); got != float64(c.retries) {
				t.Errorf("retries_total = %v, want %d", got, c.retries)
			}
			if got := value(q.m.dropped, "bad", "retries"); got != 1 {
				t.Errorf("dropped_total{retries} = %v, want 1", got)
			}
		})
	}
}

// TestEventAgeExceeded covers an event too old before any attempt and one
// whose next retry would pass its maximum age.
func TestEventAgeExceeded(t *testing.T) {
	b := openBroker(t, t.TempDir())
	clk := &clock{}
	release := make(chan struct{})
	inv := newInvoker(map[string]behaviour{
		"slow": func(ctx context.Context, n int, _ call) (Result, error) {
			if n == 1 {
				<-release
			}
			return Result{}, nil
		},
		"bad": func(ctx context.Context, n int, c call) (Result, error) {
			clk.advance(2 * time.Minute) // the retry would come too late
			return fail("late")(ctx, n, c)
		},
	})
	bus := newBus()
	q := newQueue(t, b, Options{Invoker: inv, Publish: bus.publish, Now: clk.now, Concurrency: 1, Retry: []time.Duration{time.Millisecond}})
	onFailure := &Destination{Kind: KindEventBus, Name: "dlq"}
	q.Configure(map[string]Config{
		"slow": {MaxEventAge: time.Hour, OnFailure: onFailure},
		"bad":  {MaxRetryAttempts: 2, MaxEventAge: time.Minute, OnFailure: onFailure},
	})

	first := enqueue(t, q, "slow", `1`)
	inv.next(t, "slow") // first holds the only slot
	second := enqueue(t, q, "slow", `2`)
	clk.advance(2 * time.Hour)
	close(release)
	_, r := bus.next(t)
	if r.RequestContext.RequestID != second || r.RequestContext.Condition != "EventAgeExceeded" || r.RequestContext.ApproximateInvokeCount != 0 || r.ResponsePayload != nil {
		t.Errorf("record = %+v, want EventAgeExceeded for %s (first was %s) with no attempt", r, second, first)
	}
	if n := inv.count("slow"); n != 1 {
		t.Errorf("slow ran %d times, want 1", n)
	}

	id := enqueue(t, q, "bad", `3`)
	_, r = bus.next(t)
	if r.RequestContext.RequestID != id || r.RequestContext.Condition != "EventAgeExceeded" || r.RequestContext.ApproximateInvokeCount != 1 || r.ResponseContext.FunctionError != "Unhandled" {
		t.Errorf("record = %+v, want EventAgeExceeded after 1 attempt", r)
	}
	if got := value(q.m.dropped, "slow", "age") + value(q.m.dropped, "bad", "age"); got != 2 {
		t.Errorf("dropped_total{age} = %v, want 2", got)
	}
}

func TestThrottledNotCounted(t *testing.T) {
	b := openBroker(t, t.TempDir())
	inv := newInvoker(map[string]behaviour{
		"busy": func(_ context.Context, n int, _ call) (Result, error) {
			if n <= 3 {
				return Result{}, errs.E(errs.Throttled, "busy")
			}
			return Result{Payload: []byte(`"ok"`)}, nil
		},
	})
	bus := newBus()
	q := newQueue(t, b, Options{Invoker: inv, Publish: bus.publish, ThrottleDelay: 10 * time.Millisecond})
	q.Configure(map[string]Config{"busy": {MaxRetryAttempts: 0, OnSuccess: &Destination{Kind: KindEventBus, Name: "b"}}})
	start := time.Now()
	id := enqueue(t, q, "busy", `{}`)
	_, r := bus.next(t)
	if r.RequestContext.RequestID != id || r.RequestContext.Condition != "Success" || r.RequestContext.ApproximateInvokeCount != 1 {
		t.Errorf("record = %+v, want Success after 1 counted attempt", r)
	}
	if n := inv.count("busy"); n != 4 {
		t.Errorf("%d invocations, want 4", n)
	}
	// 10 + 20 + 40 ms of backoff at least.
	if d := time.Since(start); d < 70*time.Millisecond {
		t.Errorf("done after %v, want at least the 70 ms of backoff", d)
	}
}

func TestNotFoundDropped(t *testing.T) {
	b := openBroker(t, t.TempDir())
	inv := newInvoker(map[string]behaviour{
		"gone": func(context.Context, int, call) (Result, error) { return Result{}, errs.E(errs.NotFound, "gone") },
	})
	bus := newBus()
	q := newQueue(t, b, Options{Invoker: inv, Publish: bus.publish})
	q.Configure(map[string]Config{"gone": {OnFailure: &Destination{Kind: KindEventBus, Name: "b"}}})
	enqueue(t, q, "gone", `{}`)
	inv.next(t, "gone")
	waitPending(t, q, "gone", 0)
	if n := inv.count("gone"); n != 1 {
		t.Errorf("%d invocations, want 1", n)
	}
	if got := value(q.m.dropped, "gone", "not-found"); got != 1 {
		t.Errorf("dropped_total{not-found} = %v, want 1", got)
	}
	select {
	case ev := <-bus.events:
		t.Errorf("a dropped event reached the destination: %+v", ev)
	default:
	}
}

func TestServiceErrorCounts(t *testing.T) {
	b := openBroker(t, t.TempDir())
	inv := newInvoker(map[string]behaviour{
		"broken": func(context.Context, int, call) (Result, error) { return Result{}, errs.E(errs.Unavailable, "sandbox") },
	})
	bus := newBus()
	q := newQueue(t, b, Options{Invoker: inv, Publish: bus.publish, Retry: []time.Duration{time.Millisecond}})
	q.Configure(map[string]Config{"broken": {MaxRetryAttempts: 1, OnFailure: &Destination{Kind: KindEventBus, Name: "b"}}})
	enqueue(t, q, "broken", `{}`)
	_, r := bus.next(t)
	if r.RequestContext.Condition != "RetriesExhausted" || r.RequestContext.ApproximateInvokeCount != 2 || !strings.Contains(string(r.ResponsePayload), "ServiceException") {
		t.Errorf("record = %+v %s", r, r.ResponsePayload)
	}
}

// TestDurable closes queue and broker with events queued (some of them
// running) and delivers them all from a new broker and queue on the same
// folder.
func TestDurable(t *testing.T) {
	dir := t.TempDir()
	b := openBroker(t, dir)
	blocked := newInvoker(map[string]behaviour{
		"f": func(ctx context.Context, _ int, _ call) (Result, error) { <-ctx.Done(); return Result{}, ctx.Err() },
	})
	q, err := New(testCtx(t), Options{JetStream: b.JetStream(), Invoker: blocked, Concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	q.Configure(map[string]Config{"f": DefaultConfig()})
	const n = 20
	ids := map[string]bool{}
	for i := range n {
		ids[enqueue(t, q, "f", `{"i":`+string(rune('0'+i%10))+`}`)] = true
	}
	blocked.next(t, "f")
	blocked.next(t, "f")
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := q.Enqueue(testCtx(t), "f", nil); !errs.Is(errs.Unavailable, err) {
		t.Errorf("Enqueue after Close = %v, want unavailable", err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	b = openBroker(t, dir)
	inv := newInvoker(nil)
	q = newQueue(t, b, Options{Invoker: inv})
	if got := q.Pending()["f"]; got != n {
		t.Errorf("Pending after restart = %d, want %d", got, n)
	}
	q.Configure(map[string]Config{"f": DefaultConfig()})
	for range n {
		c := inv.next(t, "f")
		if !ids[c.id] {
			t.Errorf("unexpected or repeated request id %s", c.id)
		}
		delete(ids, c.id)
	}
	waitPending(t, q, "f", 0)
}

func TestConfigureRemove(t *testing.T) {
	b := openBroker(t, t.TempDir())
	release := make(chan struct{})
	inv := newInvoker(map[string]behaviour{
		"f": func(ctx context.Context, _ int, _ call) (Result, error) {
			select {
			case <-release:
			case <-ctx.Done():
				return Result{}, ctx.Err()
			}
			return Result{}, nil
		},
	})
	q := newQueue(t, b, Options{Invoker: inv})
	q.Configure(map[string]Config{"f": DefaultConfig(), "g": DefaultConfig()})
	for range 3 {
		enqueue(t, q, "f", `{}`)
	}
	waitPending(t, q, "f", 3)
	q.Configure(map[string]Config{"g": DefaultConfig()})
	if _, err := q.Enqueue(testCtx(t), "f", []byte(`{}`)); !errs.Is(errs.NotFound, err) {
		t.Errorf("Enqueue to a removed function = %v, want not found", err)
	}
	enqueue(t, q, "g", `{}`)
	inv.next(t, "g")
	waitPending(t, q, "g", 0)
	if got := q.Pending()["f"]; got != 3 {
		t.Errorf("Pending()[f] = %d after removal, want 3 kept", got)
	}
	close(release)
	q.Configure(map[string]Config{"f": DefaultConfig(), "g": DefaultConfig()})
	waitPending(t, q, "f", 0)
}

func TestPending(t *testing.T) {
	b := openBroker(t, t.TempDir())
	release := make(chan struct{})
	inv := newInvoker(map[string]behaviour{
		"f": func(context.Context, int, call) (Result, error) { <-release; return Result{}, nil },
	})
	q := newQueue(t, b, Options{Invoker: inv, Concurrency: 1})
	q.Configure(map[string]Config{"f": DefaultConfig(), "g": DefaultConfig()})
	if p := q.Pending(); len(p) != 0 {
		t.Errorf("Pending() = %v on an empty queue", p)
	}
	for range 3 {
		enqueue(t, q, "f", `{}`)
	}
	inv.next(t, "f")
	if got := q.Pending(); got["f"] != 3 || len(got) != 1 {
		t.Errorf("Pending() = %v, want f: 3 (one running, two waiting)", got)
	}
	close(release)
	waitPending(t, q, "f", 0)
}

func TestEnqueueErrors(t *testing.T) {
	b := openBroker(t, t.TempDir())
	q := newQueue(t, b, Options{Invoker: newInvoker(nil)})
	q.Configure(map[string]Config{"f": DefaultConfig(), "bad.name": DefaultConfig()})
	type tc struct {
		name, fn string
		size     int
		kind     errs.Kind
	}
	for _, c := range []tc{
		{"unknown function", "nope", 1, errs.NotFound},
		{"invalid name not configured", "bad.name", 1, errs.NotFound},
		{"too large", "f", MaxPayload + 1, errs.TooLarge},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := q.Enqueue(testCtx(t), c.fn, make([]byte, c.size))
			if !errs.Is(c.kind, err) {
				t.Errorf("Enqueue = %v, want kind %v", err, c.kind)
			}
		})
	}
	if _, err := q.Enqueue(testCtx(t), "f", make([]byte, MaxPayload)); err != nil {
		t.Errorf("Enqueue at the limit: %v", err)
	}
}

func TestNewErrors(t *testing.T) {
	if _, err := New(context.Background(), Options{}); !errs.Is(errs.Invalid, err) {
		t.Errorf("New without JetStream = %v, want invalid", err)
	}
}

func TestNormalize(t *testing.T) {
	type tc struct {
		in, want Config
	}
	for _, c := range []tc{
		{Config{}, Config{MaxRetryAttempts: 0, MaxEventAge: 6 * time.Hour, Timeout: 3 * time.Second}},
		{Config{MaxRetryAttempts: -1, MaxEventAge: time.Second, Timeout: time.Minute}, Config{MaxRetryAttempts: 2, MaxEventAge: time.Minute, Timeout: time.Minute}},
		{Config{MaxRetryAttempts: 9, MaxEventAge: 24 * time.Hour}, Config{MaxRetryAttempts: 2, MaxEventAge: 6 * time.Hour, Timeout: 3 * time.Second}},
		{DefaultConfig(), DefaultConfig()},
	} {
		if got := c.in.normalize(); got != c.want {
			t.Errorf("%+v.normalize() = %+v, want %+v", c.in, got, c.want)
		}
	}
}

// TestFailureToQueueAndTopic: a failed event's record goes to a queue or
// a topic named by ARN, as the record itself (the message body).
func TestFailureToQueueAndTopic(t *testing.T) {
	for _, c := range []struct{ kind, arn, name string }{
		{KindQueue, "arn:aws:sqs:us-east-1:000000000000:dlq.fifo", "dlq.fifo"},
		{KindTopic, "arn:aws:sns:us-east-1:000000000000:alerts", "alerts"},
	} {
		t.Run(c.kind, func(t *testing.T) {
			b := openBroker(t, t.TempDir())
			inv := newInvoker(map[string]behaviour{"bad": fail("boom")})
			type sent struct {
				kind, name string
				record     []byte
			}
			got := make(chan sent, 1)
			q := newQueue(t, b, Options{Invoker: inv, Send: func(_ context.Context, kind, name string, rec []byte) error {
				got <- sent{kind, name, rec}
				return nil
			}})
			q.Configure(map[string]Config{"bad": {MaxRetryAttempts: 0, MaxEventAge: time.Hour,
				OnFailure: &Destination{Kind: c.kind, ARN: c.arn}}})
			id := enqueue(t, q, "bad", `{"n":1}`)
			var s sent
			select {
			case s = <-got:
			case <-time.After(10 * time.Second):
				t.Fatal("no record sent")
			}
			var r record
			if err := json.Unmarshal(s.record, &r); err != nil {
				t.Fatal(err)
			}
			if s.kind != c.kind || s.name != c.name || r.RequestContext.RequestID != id || r.RequestContext.Condition != ConditionRetriesExhausted {
				t.Errorf("sent %s %s %+v", s.kind, s.name, r.RequestContext)
			}
		})
	}
}
