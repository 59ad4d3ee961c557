package async

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/verge-edge/verge/internal/broker"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// wait bounds every wait in these tests: generous for a loaded machine.
const wait = 30 * time.Second

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// openBroker starts an embedded broker in dir, closed when the test ends
// unless the test closes it first.
func openBroker(t testing.TB, dir string) *broker.Broker {
	t.Helper()
	b, err := broker.Open(testCtx(t), broker.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// call is one invocation the fake saw.
type call struct {
	fn, id  string
	payload string
	at      time.Time
}

// behaviour decides an invocation's result; n counts the function's calls
// from 1.
type behaviour func(ctx context.Context, n int, c call) (Result, error)

// invoker is a fake Invoker: the real JetStream path is under test here,
// real functions are tested end to end by the CLI.
type invoker struct {
	mu    sync.Mutex
	fns   map[string]behaviour
	n     map[string]int
	calls chan call
}

func newInvoker(fns map[string]behaviour) *invoker {
	return &invoker{fns: fns, n: map[string]int{}, calls: make(chan call, 10000)}
}

func (f *invoker) Invoke(ctx context.Context, fn, id string, payload []byte) (Result, error) {
	c := call{fn: fn, id: id, payload: string(payload), at: time.Now()}
	f.mu.Lock()
	f.n[fn]++
	n := f.n[fn]
	b := f.fns[fn]
	f.mu.Unlock()
	f.calls <- c
	if b == nil {
		return Result{}, nil
	}
	return b(ctx, n, c)
}

func (f *invoker) count(fn string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n[fn]
}

// next returns the next call of fn, skipping others.
func (f *invoker) next(t testing.TB, fn string) call {
	t.Helper()
	deadline := time.After(wait)
	for {
		select {
		case c := <-f.calls:
			if c.fn == fn {
				return c
			}
		case <-deadline:
			t.Fatalf("no call of %s within %v", fn, wait)
		}
	}
}

// busEvent is an event-bus destination's event, decoded with the type a Go
// function would use.
type busEvent = events.EventBridgeEvent

// bus captures event-bus destinations.
type bus struct{ events chan busEvent }

func newBus() *bus { return &bus{events: make(chan busEvent, 100)} }

func (b *bus) publish(_ context.Context, name string, event []byte) error {
	var ev busEvent
	if err := json.Unmarshal(event, &ev); err != nil {
		return err
	}
	ev.ID = name // keep the bus name for the test
	b.events <- ev
	return nil
}

func (b *bus) next(t testing.TB) (busEvent, record) {
	t.Helper()
	select {
	case ev := <-b.events:
		var r record
		if err := json.Unmarshal(ev.Detail, &r); err != nil {
			t.Fatalf("detail is not a record: %v\n%s", err, ev.Detail)
		}
		return ev, r
	case <-time.After(wait):
		t.Fatalf("no event on the bus within %v", wait)
	}
	panic("unreachable")
}

// newQueue opens a Queue, closed when the test ends.
func newQueue(t testing.TB, b *broker.Broker, o Options) *Queue {
	t.Helper()
	o.JetStream = b.JetStream()
	if o.Logger == nil && testing.Verbose() {
		o.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if o.Registry == nil {
		o.Registry = prometheus.NewRegistry()
	}
	q, err := New(testCtx(t), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	return q
}

func enqueue(t testing.TB, q *Queue, fn, payload string) string {
	t.Helper()
	id, err := q.Enqueue(testCtx(t), fn, []byte(payload))
	if err != nil {
		t.Fatalf("Enqueue %s: %v", fn, err)
	}
	return id
}

// waitPending polls until fn has want events pending.
func waitPending(t testing.TB, q *Queue, fn string, want int) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for {
		got := q.Pending()[fn]
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("Pending()[%s] = %d, want %d", fn, got, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// clock is a settable fake clock that otherwise follows real time.
type clock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// value reads one counter of a vector.
func value(v *prometheus.CounterVec, labels ...string) float64 {
	var m dto.Metric
	if err := v.WithLabelValues(labels...).Write(&m); err != nil {
		panic(err)
	}
	return m.GetCounter().GetValue()
}
