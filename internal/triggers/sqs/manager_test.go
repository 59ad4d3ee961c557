package sqs

import (
	"bytes"
	"context"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/sqs"
)

func mapping(queue string, edit ...func(*Mapping)) Mapping {
	m := Mapping{Function: "fn", Queue: queue, Enabled: true}
	for _, f := range edit {
		f(&m)
	}
	return m
}

func concurrency(n int) func(*Options) {
	return func(o *Options) { o.Concurrency = func(string) int { return n } }
}

func (h *harness) apply(ms ...Mapping) {
	h.t.Helper()
	if err := h.m.Apply(ms); err != nil {
		h.t.Fatal(err)
	}
}

// deletedAll waits until n messages were deleted.
func (h *harness) deletedAll(n int) {
	h.t.Helper()
	h.waitFor(strconv.Itoa(n)+" deletes", func() bool { return len(h.deleted) >= n })
}

func TestDeliversAndDeletes(t *testing.T) {
	h := newHarness(t, []sqs.QueueConfig{standard("jobs", 30)}, nil)
	h.apply(mapping("jobs"))
	sent := bodies("m", 25)
	h.send("jobs", "", sent...)
	h.deletedAll(25)
	batches, deleted := h.snapshot()
	var got []string
	for _, b := range batches {
		if len(b) > 10 {
			t.Errorf("batch of %d", len(b))
		}
		got = append(got, b...)
	}
	slices.Sort(got)
	slices.Sort(deleted)
	want := slices.Sorted(slices.Values(sent))
	if !slices.Equal(got, want) || !slices.Equal(deleted, want) {
		t.Errorf("delivered %q, deleted %q, want %q", got, deleted, want)
	}
	states := h.m.States()
	if len(states) != 1 || states[0].State != StateEnabled || states[0].LastProcessingResult != ResultOK ||
		states[0].QueueARN != "arn:aws:sqs:us-east-1:000000000000:jobs" || states[0].Pollers < 1 {
		t.Errorf("states %+v", states)
	}
}

func TestBatching(t *testing.T) {
	// Under SQS's default maximum message size: 25 fit in 6 MB.
	big := func(label string) string { return label + strings.Repeat("x", 250_000) }
	labels := func(from, to int) string {
		var out []string
		for i := from; i <= to; i++ {
			out = append(out, "b"+strconv.Itoa(i))
		}
		return strings.Join(out, " ")
	}
	tests := []struct {
		name    string
		mapping Mapping
		bodies  []string // sent before the mapping starts
		later   []string // sent 200 ms after
		want    string   // batches' first letters' labels, "|" between batches
		minWait time.Duration
	}{
		{name: "size", mapping: mapping("jobs", func(m *Mapping) { m.BatchSize = 3 }),
			bodies: bodies("m", 7), want: "m1 m2 m3|m4 m5 m6|m7"},
		{name: "no window invokes what a receive returns", mapping: mapping("jobs"),
			bodies: bodies("m", 2), later: bodies("n", 1), want: "m1 m2|n1"},
		{name: "window gathers across receives", mapping: mapping("jobs", func(m *Mapping) { m.BatchSize = 20; m.MaxBatchWindow = time.Second }),
			bodies: bodies("m", 2), later: bodies("n", 2), want: "m1 m2 n1 n2", minWait: time.Second},
		{name: "size before the window", mapping: mapping("jobs", func(m *Mapping) { m.BatchSize = 15; m.MaxBatchWindow = time.Second }),
			bodies: bodies("m", 17), want: "m1 m2 m3 m4 m5 m6 m7 m8 m9 m10 m11 m12 m13 m14 m15|m16 m17"},
		// A window long enough that a loaded machine gathers all 25 before it ends.
		{name: "6 MB cut", mapping: mapping("jobs", func(m *Mapping) { m.BatchSize = 30; m.MaxBatchWindow = 3 * time.Second }),
			bodies: func() (out []string) {
				for i := range 30 {
					out = append(out, big("b"+strconv.Itoa(i+1)+":"))
				}
				return out
			}(), want: labels(1, 25) + "|" + labels(26, 30)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, []sqs.QueueConfig{standard("jobs", 30)}, nil, concurrency(1))
			h.send("jobs", "", tt.bodies...)
			start := time.Now()
			h.apply(tt.mapping)
			if tt.later != nil {
				time.Sleep(200 * time.Millisecond)
				h.send("jobs", "", tt.later...)
			}
			h.deletedAll(len(tt.bodies) + len(tt.later))
			batches, _ := h.snapshot()
			var got []string
			for _, b := range batches {
				var labels []string
				for _, body := range b {
					label, _, _ := strings.Cut(body, ":")
					labels = append(labels, label)
				}
				got = append(got, strings.Join(labels, " "))
			}
			if g := strings.Join(got, "|"); g != tt.want {
				t.Errorf("batches %s, want %s", g, tt.want)
			}
			if d := time.Since(start); d < tt.minWait {
				t.Errorf("invoked after %v, before the window of %v", d, tt.minWait)
			}
			h.mu.Lock()
			defer h.mu.Unlock()
			for _, n := range h.sizes {
				if n > maxPayload {
					t.Errorf("payload of %d bytes", n)
				}
			}
		})
	}
}

func TestConcurrency(t *testing.T) {
	tests := []struct {
		name     string
		max      int // MaximumConcurrency
		function int // Options.Concurrency; 0 for none
		want     int
	}{
		{name: "maximum concurrency", max: 3, want: 3},
		{name: "function concurrency", function: 2, want: 2},
		{name: "lower of both", max: 5, function: 4, want: 4},
		{name: "maximum under the function's", max: 3, function: 100, want: 3},
		{name: "one", function: 1, want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			slow := func(ctx context.Context, ev events.SQSEvent) (Result, error) {
				time.Sleep(10 * time.Millisecond)
				return Result{}, nil
			}
			var opts []func(*Options)
			if tt.function > 0 {
				opts = append(opts, concurrency(tt.function))
			}
			h := newHarness(t, []sqs.QueueConfig{standard("jobs", 30)}, slow, opts...)
			h.send("jobs", "", bodies("m", 300)...)
			h.apply(mapping("jobs", func(m *Mapping) { m.MaximumConcurrency = tt.max }))
			h.deletedAll(300)
			h.mu.Lock()
			defer h.mu.Unlock()
			if h.peak != tt.want {
				t.Errorf("%d invocations at once, want %d", h.peak, tt.want)
			}
		})
	}
}

func TestScalesDown(t *testing.T) {
	slow := func(ctx context.Context, ev events.SQSEvent) (Result, error) {
		time.Sleep(5 * time.Millisecond)
		return Result{}, nil
	}
	h := newHarness(t, []sqs.QueueConfig{standard("jobs", 30)}, slow)
	h.m.wait = 50 * time.Millisecond
	h.send("jobs", "", bodies("m", 200)...)
	h.apply(mapping("jobs"))
	h.deletedAll(200)
	h.mu.Lock()
	peak := h.peak
	h.mu.Unlock()
	if peak <= minPollers {
		t.Errorf("peak of %d invocations at once: never scaled up", peak)
	}
	h.waitFor("two pollers", func() bool { return h.m.States()[0].Pollers == minPollers })
}

func TestThrottled(t *testing.T) {
	var mu sync.Mutex
	calls := 0
	throttleTwice := func(ctx context.Context, ev events.SQSEvent) (Result, error) {
		mu.Lock()
		defer mu.Unlock()
		if calls++; calls <= 2 {
			return Result{}, errs.E(errs.Throttled, "fn")
		}
		return Result{}, nil
	}
	h := newHarness(t, []sqs.QueueConfig{standard("jobs", 30)}, throttleTwice, concurrency(1))
	h.send("jobs", "", "m1")
	start := time.Now()
	h.apply(mapping("jobs"))
	h.deletedAll(1)
	if d := time.Since(start); d < throttleFirst*3 {
		t.Errorf("done in %v, under the %v of backoff", d, throttleFirst*3)
	}
	batches, _ := h.snapshot()
	if len(batches) != 3 || !slices.Equal(batches[2], []string{"m1"}) {
		t.Errorf("invocations %q, want m1 three times", batches)
	}
	if got := h.m.States()[0].LastProcessingResult; got != ResultOK {
		t.Errorf("result %q", got)
	}
}

func TestThrottledUntilVisibility(t *testing.T) {
	always := func(ctx context.Context, ev events.SQSEvent) (Result, error) {
		return Result{}, errs.E(errs.Throttled, "fn")
	}
	h := newHarness(t, []sqs.QueueConfig{standard("jobs", 1)}, always, concurrency(1))
	h.send("jobs", "", "m1")
	h.apply(mapping("jobs"))
	// The batch is retried within its visibility timeout, then received
	// again.
	h.waitFor("a second delivery", func() bool { return len(h.counts["m1"]) >= 2 && h.counts["m1"][len(h.counts["m1"])-1] == 2 })
	batches, deleted := h.snapshot()
	if len(deleted) != 0 {
		t.Errorf("deleted %q", deleted)
	}
	// 100+200+400 ms of backoff fit in the second; 800 more do not.
	if n := len(batches) - 1; n < 3 || n > 5 {
		t.Errorf("%d invocations in the first visibility timeout, want about 4", n)
	}
	if got := h.m.States()[0].LastProcessingResult; got != ResultThrottled {
		t.Errorf("result %q", got)
	}
}

// failFirst fails every message's first delivery, as a function error or
// a batch item failure.
func failFirst(report bool, which func(body string) bool) func(ctx context.Context, ev events.SQSEvent) (Result, error) {
	return func(ctx context.Context, ev events.SQSEvent) (Result, error) {
		var ids []string
		for _, r := range ev.Records {
			if r.Attributes["ApproximateReceiveCount"] == "1" && which(r.Body) {
				ids = append(ids, `{"itemIdentifier":"`+r.MessageId+`"}`)
			}
		}
		switch {
		case len(ids) == 0:
			return Result{}, nil
		case report:
			return Result{Payload: []byte(`{"batchItemFailures":[` + strings.Join(ids, ",") + `]}`)}, nil
		default:
			return Result{FunctionError: "Unhandled", Payload: []byte(`{"errorMessage":"boom"}`)}, nil
		}
	}
}

func TestFunctionError(t *testing.T) {
	var logs bytes.Buffer
	h := newHarness(t, []sqs.QueueConfig{standard("jobs", 1)}, failFirst(false, func(string) bool { return true }),
		concurrency(1), func(o *Options) { o.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	h.send("jobs", "", "m1", "m2")
	h.apply(mapping("jobs"))
	h.deletedAll(2)
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, b := range []string{"m1", "m2"} {
		if !slices.Equal(h.counts[b], []int{1, 2}) {
			t.Errorf("%s delivered with receive counts %v, want [1 2]", b, h.counts[b])
		}
	}
	if !strings.Contains(logs.String(), "sqs: invocation failed") || !strings.Contains(logs.String(), "function=fn queue=jobs count=2") {
		t.Errorf("log %s", logs.String())
	}
}

func TestNotFound(t *testing.T) {
	gone := func(ctx context.Context, ev events.SQSEvent) (Result, error) {
		return Result{}, errs.E(errs.NotFound, "fn")
	}
	h := newHarness(t, []sqs.QueueConfig{standard("jobs", 30)}, gone)
	h.send("jobs", "", "m1")
	h.apply(mapping("jobs"))
	h.waitFor("a delivery", func() bool { return len(h.batches) > 0 })
	h.waitFor("the result", func() bool { return h.m.States()[0].LastProcessingResult == ResultNotFound })
	if _, deleted := h.snapshot(); len(deleted) != 0 {
		t.Errorf("deleted %q", deleted)
	}
}

func TestPartialBatch(t *testing.T) {
	h := newHarness(t, []sqs.QueueConfig{standard("jobs", 1)}, failFirst(true, func(b string) bool { return b == "m2" || b == "m4" }), concurrency(1))
	h.send("jobs", "", bodies("m", 5)...)
	h.apply(mapping("jobs", func(m *Mapping) { m.ReportBatchItemFailures = true }))
	h.deletedAll(5)
	batches, deleted := h.snapshot()
	// A standard queue need not keep the order of redelivered messages.
	if len(deleted) != 5 || !slices.Equal(deleted[:3], []string{"m1", "m3", "m5"}) ||
		!slices.Equal(slices.Sorted(slices.Values(deleted[3:])), []string{"m2", "m4"}) {
		t.Errorf("deleted %q, want m1 m3 m5 then m2 and m4", deleted)
	}
	if len(batches) != 2 || len(batches[1]) != 2 {
		t.Errorf("invocations %q, want the two failures again", batches)
	}
}

func TestFIFOOrder(t *testing.T) {
	for _, report := range []bool{true, false} {
		t.Run("report="+strconv.FormatBool(report), func(t *testing.T) {
			h := newHarness(t, []sqs.QueueConfig{fifo("jobs.fifo", 1)}, failFirst(report, func(b string) bool { return b == "a2" }))
			h.send("jobs.fifo", "a", bodies("a", 5)...)
			h.send("jobs.fifo", "b", bodies("b", 5)...)
			h.apply(mapping("jobs.fifo", func(m *Mapping) { m.ReportBatchItemFailures = report }))
			h.deletedAll(10)
			_, deleted := h.snapshot()
			for _, g := range []string{"a", "b"} {
				var got []string
				for _, d := range deleted {
					if strings.HasPrefix(d, g) {
						got = append(got, d)
					}
				}
				if want := bodies(g, 5); !slices.Equal(got, want) {
					t.Errorf("group %s deleted in order %q, want %q", g, got, want)
				}
			}
			h.mu.Lock()
			defer h.mu.Unlock()
			if n := len(h.counts["a2"]); n != 2 {
				t.Errorf("a2 delivered %d times, want 2", n)
			}
			if report && len(h.counts["b1"]) != 1 {
				t.Errorf("b1 delivered %d times with batch item failures, want 1", len(h.counts["b1"]))
			}
		})
	}
}

func TestApplyUpdatesWithoutLoss(t *testing.T) {
	h := newHarness(t, []sqs.QueueConfig{standard("jobs", 30)}, nil)
	h.apply(mapping("jobs"))
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 20 {
			h.send("jobs", "", bodies("m"+strconv.Itoa(i)+"-", 10)...)
			time.Sleep(3 * time.Millisecond)
		}
	}()
	edits := []func(*Mapping){
		func(m *Mapping) { m.BatchSize = 3 },
		func(m *Mapping) { m.MaximumConcurrency = 2 },
		func(m *Mapping) { m.BatchSize = 7; m.MaximumConcurrency = 5 },
		func(m *Mapping) { m.ReportBatchItemFailures = true },
		func(m *Mapping) {},
	}
	for i := 0; ; i++ {
		select {
		case <-done:
		default:
			h.apply(mapping("jobs", edits[i%len(edits)]))
			time.Sleep(2 * time.Millisecond)
			continue
		}
		break
	}
	h.deletedAll(200)
	time.Sleep(50 * time.Millisecond)
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.deleted) != 200 || len(h.counts) != 200 {
		t.Errorf("%d deleted, %d delivered, want 200", len(h.deleted), len(h.counts))
	}
	for b, c := range h.counts {
		if len(c) != 1 {
			t.Errorf("%s delivered %d times", b, len(c))
		}
	}
}

// inFlight is a harness with a mapping on queue jobs whose function has
// message m1 and returns when release is closed.
func inFlight(t *testing.T) (h *harness, release chan struct{}) {
	t.Helper()
	release = make(chan struct{})
	blocked := func(ctx context.Context, ev events.SQSEvent) (Result, error) {
		<-release
		return Result{}, nil
	}
	h = newHarness(t, []sqs.QueueConfig{standard("jobs", 30)}, blocked)
	h.apply(mapping("jobs"))
	h.send("jobs", "", "m1")
	h.waitFor("an invocation", func() bool { return h.running == 1 })
	return h, release
}

func TestApplyRemoveFinishesInFlight(t *testing.T) {
	h, release := inFlight(t)
	h.apply()
	if s := h.m.States(); len(s) != 0 {
		t.Errorf("states after removal %+v", s)
	}
	h.send("jobs", "", "m2")
	close(release)
	h.deletedAll(1)
	time.Sleep(100 * time.Millisecond)
	batches, deleted := h.snapshot()
	if len(batches) != 1 || !slices.Equal(deleted, []string{"m1"}) {
		t.Errorf("after removal: invocations %q, deleted %q", batches, deleted)
	}
	attrs, err := h.q.Attributes(context.Background(), "jobs")
	if err != nil || attrs["ApproximateNumberOfMessages"] != "1" {
		t.Errorf("queue %v (%v), want m2 waiting", attrs, err)
	}
}

func TestApplyDisableEnable(t *testing.T) {
	h := newHarness(t, []sqs.QueueConfig{standard("jobs", 30)}, nil)
	h.apply(mapping("jobs", func(m *Mapping) { m.Enabled = false }))
	h.send("jobs", "", "m1")
	time.Sleep(100 * time.Millisecond)
	if s := h.m.States(); len(s) != 1 || s[0].State != StateDisabled || s[0].LastProcessingResult != ResultNone {
		t.Errorf("states %+v", s)
	}
	if batches, _ := h.snapshot(); len(batches) != 0 {
		t.Errorf("disabled mapping invoked %q", batches)
	}
	h.apply(mapping("jobs"))
	h.deletedAll(1)
	h.apply(mapping("jobs", func(m *Mapping) { m.Enabled = false }))
	h.send("jobs", "", "m2")
	time.Sleep(100 * time.Millisecond)
	if _, deleted := h.snapshot(); !slices.Equal(deleted, []string{"m1"}) {
		t.Errorf("deleted %q", deleted)
	}
}

func TestApplyInvalid(t *testing.T) {
	h := newHarness(t, []sqs.QueueConfig{standard("jobs", 30)}, nil)
	err := h.m.Apply([]Mapping{
		mapping("jobs"),
		mapping("other", func(m *Mapping) { m.BatchSize = 20 }),
		mapping("jobs"),
	})
	if !errs.Is(errs.Invalid, err) || !errs.Is(errs.Exist, err) {
		t.Errorf("Apply error %v, want an invalid and a duplicate mapping", err)
	}
	if s := h.m.States(); len(s) != 1 || s[0].Queue != "jobs" {
		t.Errorf("states %+v", s)
	}
}

func TestReceiveError(t *testing.T) {
	h := newHarness(t, nil, nil)
	h.apply(mapping("missing"))
	h.waitFor("the result", func() bool { return h.m.States()[0].LastProcessingResult == ResultQueueFailed })
}

func TestCloseWaits(t *testing.T) {
	h, release := inFlight(t)
	closed := make(chan error)
	go func() { closed <- h.m.Close(context.Background()) }()
	select {
	case err := <-closed:
		t.Fatalf("Close returned %v with an invocation in flight", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	if _, deleted := h.snapshot(); !slices.Equal(deleted, []string{"m1"}) {
		t.Errorf("deleted %q", deleted)
	}
	if err := h.m.Apply([]Mapping{mapping("jobs")}); err == nil {
		t.Error("Apply after Close succeeded")
	}
}

func TestCloseTimeout(t *testing.T) {
	stuck := func(ctx context.Context, ev events.SQSEvent) (Result, error) {
		<-ctx.Done()
		return Result{}, ctx.Err()
	}
	h := newHarness(t, []sqs.QueueConfig{standard("jobs", 30)}, stuck)
	h.apply(mapping("jobs"))
	h.send("jobs", "", "m1")
	h.waitFor("an invocation", func() bool { return h.running == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := h.m.Close(ctx); !errs.Is(errs.Timeout, err) {
		t.Errorf("Close = %v, want a timeout", err)
	}
	if _, deleted := h.snapshot(); len(deleted) != 0 {
		t.Errorf("deleted %q", deleted)
	}
}

// BenchmarkSendToInvoke measures the time from SendMessage to the start of
// the invocation on an idle queue with no batch window (on the fake
// queue), reporting the median and 99th percentile.
func BenchmarkSendToInvoke(b *testing.B) {
	started := make(chan time.Time, 1)
	q := newFake()
	if err := q.Apply(context.Background(), []sqs.QueueConfig{standard("jobs", 30)}); err != nil {
		b.Fatal(err)
	}
	m := New(Options{Queues: q, Invoke: func(ctx context.Context, fn string, payload []byte) (Result, error) {
		started <- time.Now()
		return Result{}, nil
	}})
	defer m.Close(context.Background())
	if err := m.Apply([]Mapping{mapping("jobs")}); err != nil {
		b.Fatal(err)
	}
	in := []sqs.SendInput{{Body: "hello"}}
	var lat []time.Duration
	for b.Loop() {
		t0 := time.Now()
		if _, _, err := q.Send(context.Background(), "jobs", in); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, (<-started).Sub(t0))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

func TestConcurrencyZeroParks(t *testing.T) {
	var allowed atomic.Int32
	h := newHarness(t, []sqs.QueueConfig{standard("jobs", 30)}, nil,
		func(o *Options) { o.Concurrency = func(string) int { return int(allowed.Load()) } })
	h.send("jobs", "", "m1")
	h.apply(mapping("jobs"))
	time.Sleep(100 * time.Millisecond)
	if batches, _ := h.snapshot(); len(batches) != 0 {
		t.Fatalf("invoked %q with a concurrency of 0", batches)
	}
	if s := h.m.States(); s[0].Pollers != 1 {
		t.Errorf("%d pollers parked, want 1", s[0].Pollers)
	}
	allowed.Store(1)
	h.deletedAll(1)
}

// TestGrowthRate: a backlog adds pollers at most one every growEvery, so
// a burst does not cold-start a sandbox per message batch at once.
func TestGrowthRate(t *testing.T) {
	slow := func(ctx context.Context, ev events.SQSEvent) (Result, error) {
		time.Sleep(20 * time.Millisecond)
		return Result{}, nil
	}
	h := newHarness(t, []sqs.QueueConfig{standard("jobs", 30)}, slow)
	h.m.growEvery = 100 * time.Millisecond
	h.send("jobs", "", bodies("m", 300)...)
	start := time.Now()
	h.apply(mapping("jobs"))
	h.deletedAll(300)
	elapsed := time.Since(start)
	h.mu.Lock()
	defer h.mu.Unlock()
	// One poller to start with, then one more per 100 ms at most.
	if most := minPollers + int(elapsed/(100*time.Millisecond)) + 1; h.peak > most {
		t.Errorf("%d invocations at once within %v, want at most %d", h.peak, elapsed, most)
	}
	if h.peak < 2 {
		t.Errorf("%d invocations at once: no growth", h.peak)
	}
}
