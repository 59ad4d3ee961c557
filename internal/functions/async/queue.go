package async

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/verge-edge/verge/internal/errs"
)

// Invoker runs one invocation of a function. An error is a service error:
// errs.Throttled (retried later without counting as an attempt),
// errs.NotFound (the function is gone: the event is dropped) or any other
// (counted as a failed attempt).
type Invoker interface {
	Invoke(ctx context.Context, function, requestID string, payload []byte) (Result, error)
}

// Result is what an invocation returned.
type Result struct {
	Payload       []byte
	FunctionError string // "Unhandled" when the function failed, else ""
	ErrorType     string
}

// Config is a function's asynchronous invocation settings. Values are
// taken literally (MaxRetryAttempts 0 means no retry); a negative
// MaxRetryAttempts or a zero MaxEventAge or Timeout means the default, and
// values out of Lambda's ranges are clamped into them. DefaultConfig gives
// Lambda's defaults.
type Config struct {
	MaxRetryAttempts int           // 0-2
	MaxEventAge      time.Duration // 60 s - 6 h
	OnSuccess        *Destination
	OnFailure        *Destination
	Timeout          time.Duration // the function's timeout, for AckWait
	// Concurrency is the most of the function's events that run at once:
	// its reserved concurrency, so a backlog drains at the pace the
	// function runs instead of being throttled. 0: Options.Concurrency.
	Concurrency int
}

// DefaultConfig returns Lambda's defaults: 2 retries, 6 hours.
func DefaultConfig() Config {
	return Config{MaxRetryAttempts: DefaultMaxRetryAttempts, MaxEventAge: DefaultMaxEventAge, Timeout: DefaultTimeout}
}

// Destination is where an invocation record goes: a function (Kind
// KindFunction) or an event bus (KindEventBus), named by Name or else by ARN.
type Destination struct {
	Kind string
	Name string
	ARN  string
}

// Options configure New.
type Options struct {
	JetStream jetstream.JetStream
	Invoker   Invoker
	// Retry are the delays before retry 1 and 2 (the last repeats).
	// Default DefaultRetry, AWS's.
	Retry []time.Duration
	// Publish puts an EventBridge event (JSON, with source "lambda" and
	// the invocation record as detail) on the named bus, for event-bus
	// destinations. Nil: such records are logged and dropped.
	Publish func(ctx context.Context, bus string, event []byte) error
	// Send delivers an invocation record to an SQS queue (KindQueue: the
	// record is the message body) or publishes it to an SNS topic
	// (KindTopic: the record is the message), for those destinations.
	// Nil: such records are logged and dropped.
	Send func(ctx context.Context, kind, name string, record []byte) error
	// ThrottleDelay is the first delay after a throttled invocation; it
	// doubles up to MaxThrottleDelay. Default DefaultThrottleDelay.
	ThrottleDelay time.Duration
	// Concurrency is how many events of one function run at once when
	// its Config sets no Concurrency (no reserved concurrency). Default
	// DefaultConcurrency; a caller whose account concurrency is smaller
	// passes that.
	Concurrency int
	Logger      *slog.Logger
	Registry    prometheus.Registerer
	// Now is the clock for event ages and records. Default time.Now.
	Now func() time.Time
}

// Queue is the asynchronous invocation queue.
type Queue struct {
	o      Options
	js     jetstream.JetStream
	stream jetstream.Stream
	m      *metrics
	log    *slog.Logger

	mu      sync.Mutex // serialises Configure and Close
	workers map[string]*worker

	known  sync.Map // function name → struct{}: functions that take events
	closed atomic.Bool
}

// functionName is Lambda's rule for function names; it also keeps names
// safe as NATS subject tokens and consumer names.
var functionName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// New creates (or reopens) the stream and returns a Queue with no
// functions; Configure starts them.
func New(ctx context.Context, o Options) (*Queue, error) {
	const op errs.Op = "async.New"
	if o.JetStream == nil || o.Invoker == nil {
		return nil, errs.E(op, errs.Invalid, errors.New("async: JetStream and Invoker are required"))
	}
	if len(o.Retry) == 0 {
		o.Retry = DefaultRetry
	}
	if o.ThrottleDelay <= 0 {
		o.ThrottleDelay = DefaultThrottleDelay
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	s, err := o.JetStream.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        Stream,
		Description: "Verge asynchronous invocations",
		Subjects:    []string{subjectPrefix + ">"},
		Retention:   jetstream.WorkQueuePolicy,
		Storage:     jetstream.FileStorage,
	})
	if err != nil {
		return nil, errs.E(op, errs.Unavailable, Stream, fmt.Errorf("creating the stream: %w", err))
	}
	return &Queue{o: o, js: o.JetStream, stream: s, m: newMetrics(o.Registry), log: o.Logger, workers: map[string]*worker{}}, nil
}

// Configure sets the functions that take asynchronous events: it starts a
// consumer for each new function, updates changed ones and stops the
// consumers of functions no longer listed. Events of a removed function
// stay queued (Pending counts them) and are delivered if it comes back.
func (q *Queue) Configure(fns map[string]Config) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed.Load() {
		return
	}
	for name, w := range q.workers {
		if _, ok := fns[name]; !ok {
			q.known.Delete(name)
			w.stop()
			delete(q.workers, name)
			q.deleteConsumer(name)
		}
	}
	for name, cfg := range fns {
		if !functionName.MatchString(name) {
			q.log.Error("async: invalid function name", "function", name)
			continue
		}
		cfg = cfg.normalize()
		if w, ok := q.workers[name]; ok {
			if w.config().Timeout != cfg.Timeout {
				q.updateConsumer(name, cfg)
			}
			w.cfg.Store(&cfg)
			w.setLimit(q.concurrency(cfg))
			continue
		}
		w, err := q.startWorker(name, cfg)
		if err != nil {
			q.log.Error("async: starting consumer", "function", name, "err", err)
			continue
		}
		q.workers[name] = w
		q.known.Store(name, struct{}{})
	}
}

// normalize applies defaults and clamps to Lambda's ranges.
func (c Config) normalize() Config {
	if c.MaxRetryAttempts < 0 {
		c.MaxRetryAttempts = DefaultMaxRetryAttempts
	}
	c.MaxRetryAttempts = min(c.MaxRetryAttempts, MaxRetryAttempts)
	if c.MaxEventAge <= 0 {
		c.MaxEventAge = DefaultMaxEventAge
	}
	c.MaxEventAge = min(max(c.MaxEventAge, MinEventAge), DefaultMaxEventAge)
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	c.Concurrency = max(c.Concurrency, 0)
	return c
}

// concurrency is how many of a function's events run at once.
func (q *Queue) concurrency(c Config) int {
	if c.Concurrency > 0 {
		return c.Concurrency
	}
	return q.o.Concurrency
}

func consumerConfig(name string, cfg Config) jetstream.ConsumerConfig {
	return jetstream.ConsumerConfig{
		Durable:       consumerPrefix + name,
		FilterSubject: subjectPrefix + name,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       cfg.Timeout + ackMargin,
		MaxDeliver:    -1,
		// Events waiting for a retry count as pending acks; how many run
		// at once is bounded by the worker's slots instead (see run).
		MaxAckPending: -1,
	}
}

func (q *Queue) updateConsumer(name string, cfg Config) {
	ctx, cancel := context.WithTimeout(context.Background(), apiTimeout)
	defer cancel()
	if _, err := q.js.UpdateConsumer(ctx, Stream, consumerConfig(name, cfg)); err != nil {
		q.log.Error("async: updating consumer", "function", name, "err", err)
	}
}

func (q *Queue) deleteConsumer(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), apiTimeout)
	defer cancel()
	if err := q.js.DeleteConsumer(ctx, Stream, consumerPrefix+name); err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
		q.log.Error("async: deleting consumer", "function", name, "err", err)
	}
}

// Enqueue accepts an event for function and returns its request id once
// JetStream has stored it.
func (q *Queue) Enqueue(ctx context.Context, function string, payload []byte) (string, error) {
	if q.closed.Load() {
		return "", errs.E(errs.Op("async.Enqueue"), errs.Unavailable, function, errors.New("the async queue is closed"))
	}
	return q.enqueue(ctx, function, payload)
}

// enqueue is Enqueue without the closed check, so records of events that
// finish while the queue closes still reach destination functions.
func (q *Queue) enqueue(ctx context.Context, function string, payload []byte) (string, error) {
	const op errs.Op = "async.Enqueue"
	_, ok := q.known.Load(function)
	switch {
	case !ok:
		return "", errs.E(op, errs.NotFound, function, errors.New("no such function takes asynchronous events"))
	case len(payload) > MaxPayload:
		return "", errs.E(op, errs.TooLarge, function, fmt.Errorf("payload of %d bytes is over the %d-byte limit for asynchronous invocation", len(payload), MaxPayload))
	}
	id := uuid.NewString()
	msg := nats.NewMsg(subjectPrefix + function)
	msg.Data = payload
	msg.Header.Set(hdrRequestID, id)
	msg.Header.Set(hdrEnqueued, strconv.FormatInt(q.o.Now().UnixNano(), 10))
	msg.Header.Set(hdrAttempts, "0")
	if _, err := q.js.PublishMsg(ctx, msg); err != nil {
		return "", errs.E(op, errs.Unavailable, function, fmt.Errorf("queueing the event: %w", err))
	}
	q.m.queued.WithLabelValues(function).Inc()
	return id, nil
}

// Pending returns the events queued and not yet done, per function: those
// waiting, running or waiting for a retry.
func (q *Queue) Pending() map[string]int {
	ctx, cancel := context.WithTimeout(context.Background(), apiTimeout)
	defer cancel()
	out := map[string]int{}
	info, err := q.stream.Info(ctx, jetstream.WithSubjectFilter(subjectPrefix+">"))
	if err != nil {
		q.log.Error("async: reading pending events", "err", err)
		return out
	}
	for subj, n := range info.State.Subjects {
		out[subj[len(subjectPrefix):]] = int(n)
	}
	return out
}

// Close stops every consumer. Running invocations are interrupted through
// their context and their events returned to the queue, so another Queue
// on the same stream (after a restart) delivers them.
func (q *Queue) Close() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed.Swap(true) {
		return nil
	}
	var wg sync.WaitGroup
	for _, w := range q.workers {
		wg.Go(w.stop)
	}
	wg.Wait()
	q.workers = nil
	return nil
}
