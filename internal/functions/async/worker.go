package async

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/lambda"
)

// worker pulls one function's events and runs them, at most limit at a
// time: the function's concurrency (Queue.concurrency).
type worker struct {
	q      *Queue
	fn     string
	cfg    atomic.Pointer[Config]
	cons   jetstream.Consumer
	cancel context.CancelFunc
	done   chan struct{} // closed when run returns
	wg     sync.WaitGroup

	mu      sync.Mutex
	limit   int                // events that may run at once: the function's concurrency
	running int                // slots taken, by running events and by the pull waiting for one
	freed   chan struct{}      // closed, and replaced, when a slot frees and waiting
	waiting bool               // the pull waits for a slot
	endPull context.CancelFunc // ends the current pull, for a new limit
}

func (q *Queue) startWorker(name string, cfg Config) (*worker, error) {
	ctx, cancel := context.WithTimeout(context.Background(), apiTimeout)
	defer cancel()
	q.resetOrphaned(ctx, name)
	cons, err := q.js.CreateOrUpdateConsumer(ctx, Stream, consumerConfig(name, cfg))
	if err != nil {
		return nil, fmt.Errorf("creating consumer %s: %w", consumerPrefix+name, err)
	}
	w := &worker{q: q, fn: name, cons: cons, done: make(chan struct{}), limit: q.concurrency(cfg), freed: make(chan struct{})}
	w.cfg.Store(&cfg)
	runCtx, stop := context.WithCancel(context.Background())
	w.cancel = stop
	go w.run(runCtx)
	return w, nil
}

// resetOrphaned deletes a durable consumer that still holds
// unacknowledged messages but has no puller: they belonged to a process
// that stopped (or was killed), and a fresh consumer gets them at once
// instead of after AckWait. The stream keeps the messages (work-queue
// retention), so nothing is lost.
func (q *Queue) resetOrphaned(ctx context.Context, name string) {
	cons, err := q.js.Consumer(ctx, Stream, consumerPrefix+name)
	if err != nil {
		return
	}
	info := cons.CachedInfo()
	if info.NumAckPending == 0 || info.NumWaiting > 0 {
		return
	}
	q.log.Info("async: redelivering events of a stopped process", "function", name, "events", info.NumAckPending)
	q.deleteConsumer(name)
}

func (w *worker) config() Config { return *w.cfg.Load() }

// stop ends the pull loop and waits for running events, whose contexts
// are cancelled.
func (w *worker) stop() {
	w.cancel()
	<-w.done
	w.wg.Wait()
}

// run keeps a continuous pull open, with a few messages buffered, and
// starts one event per free slot. The buffer hides the pull's round trip:
// when an event ends the next one is already here. A buffered message's
// AckWait (the function's timeout and a margin) outlasts any wait for a
// slot, since the buffer holds no more messages than there are slots and a
// slot frees when an invocation ends or times out.
//
// The slots, not the consumer's MaxAckPending, bound how many events run:
// JetStream counts an event held back with NakWithDelay (waiting for a
// retry, or backing off after a throttle) as pending an ack, so a
// MaxAckPending of the function's concurrency would let one event waiting
// minutes for its retry stall every other event of the function.
func (w *worker) run(ctx context.Context) {
	defer close(w.done)
	for ctx.Err() == nil {
		if err := w.consume(ctx); err != nil && ctx.Err() == nil {
			w.pause(ctx, err)
		}
	}
}

// consume runs one pull subscription, with a buffer as large as the limit,
// until ctx ends, the pull fails or the limit changes (setLimit ends the
// pull, and run opens one sized anew).
func (w *worker) consume(ctx context.Context) error {
	w.mu.Lock()
	size := w.limit
	pull, endPull := context.WithCancel(context.Background())
	w.endPull = endPull
	w.mu.Unlock()
	defer endPull()
	it, err := w.cons.Messages(jetstream.PullMaxMessages(size))
	if err != nil {
		return err
	}
	stopOnDone := context.AfterFunc(ctx, it.Stop)
	drainOnEnd := context.AfterFunc(pull, it.Drain)
	defer func() {
		stopOnDone()
		drainOnEnd()
		it.Stop()
	}()
	for {
		if !w.acquire(ctx, pull) {
			if ctx.Err() != nil {
				return nil
			}
			return w.drain(ctx, it)
		}
		msg, err := it.Next()
		if err != nil {
			w.release()
			if errors.Is(err, jetstream.ErrMsgIteratorClosed) {
				return nil
			}
			return err
		}
		if !w.fits() {
			// The limit went down while this slot waited for a message.
			w.release()
			w.startOrReturn(ctx, msg)
			continue
		}
		w.start(ctx, msg)
	}
}

// drain empties the buffer of a pull ended for a new limit: each message
// starts if a slot is free under the new limit, or else goes back to the
// stream at once, for the next pull. Waiting here instead, behind more
// events than the new limit lets run, could outlast its AckWait.
func (w *worker) drain(ctx context.Context, it jetstream.MessagesContext) error {
	for {
		msg, err := it.Next()
		if err != nil {
			if errors.Is(err, jetstream.ErrMsgIteratorClosed) {
				return nil
			}
			return err
		}
		w.startOrReturn(ctx, msg)
	}
}

func (w *worker) start(ctx context.Context, msg jetstream.Msg) {
	w.wg.Add(1)
	go w.handle(ctx, msg)
}

// startOrReturn starts msg if a slot is free, or else returns it to the
// stream.
func (w *worker) startOrReturn(ctx context.Context, msg jetstream.Msg) {
	if ctx.Err() == nil && w.tryAcquire() {
		w.start(ctx, msg)
		return
	}
	_ = msg.Nak()
}

// acquire takes a slot, waiting for one; false when ctx or pull ends
// first.
func (w *worker) acquire(ctx, pull context.Context) bool {
	for {
		w.mu.Lock()
		if w.running < w.limit {
			w.running++
			w.mu.Unlock()
			return true
		}
		freed := w.freed
		w.waiting = true
		w.mu.Unlock()
		select {
		case <-freed:
		case <-ctx.Done():
			return false
		case <-pull.Done():
			return false
		}
	}
}

// tryAcquire takes a slot if one is free.
func (w *worker) tryAcquire() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.running < w.limit {
		w.running++
		return true
	}
	return false
}

// fits reports whether the slots taken are within the limit.
func (w *worker) fits() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.running <= w.limit
}

func (w *worker) release() {
	w.mu.Lock()
	w.running--
	if w.waiting {
		close(w.freed)
		w.freed, w.waiting = make(chan struct{}), false
	}
	w.mu.Unlock()
}

// setLimit changes how many events may run at once. Running events go on;
// the current pull, whose buffer was sized for the old limit, ends and a
// new one starts. A lower limit applies as running events end.
func (w *worker) setLimit(n int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if n == w.limit {
		return
	}
	w.limit = n
	if w.endPull != nil {
		w.endPull()
	}
}

func (w *worker) pause(ctx context.Context, err error) {
	w.q.log.Warn("async: pulling events", "function", w.fn, "err", err)
	t := time.NewTimer(errorPause)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// event is a queued message's metadata.
type event struct {
	requestID string
	enqueued  time.Time
	attempts  int
	notBefore time.Time
}

// parseEvent reads an event's headers.
func parseEvent(h nats.Header) (event, error) {
	ev := event{requestID: h.Get(hdrRequestID)}
	if ev.requestID == "" {
		return ev, errors.New("no request id")
	}
	ns, err := strconv.ParseInt(h.Get(hdrEnqueued), 10, 64)
	if err != nil {
		return ev, fmt.Errorf("bad %s header: %w", hdrEnqueued, err)
	}
	ev.enqueued = time.Unix(0, ns)
	if ev.attempts, err = strconv.Atoi(h.Get(hdrAttempts)); err != nil || ev.attempts < 0 {
		return ev, fmt.Errorf("bad %s header %q", hdrAttempts, h.Get(hdrAttempts))
	}
	if nb := h.Get(hdrNotBefore); nb != "" {
		ns, err := strconv.ParseInt(nb, 10, 64)
		if err != nil {
			return ev, fmt.Errorf("bad %s header: %w", hdrNotBefore, err)
		}
		ev.notBefore = time.Unix(0, ns)
	}
	return ev, nil
}

// handle runs one delivery of an event.
func (w *worker) handle(ctx context.Context, msg jetstream.Msg) {
	defer w.wg.Done()
	defer w.release()
	ev, err := parseEvent(msg.Headers())
	if err != nil {
		w.q.log.Error("async: dropping a malformed event", "function", w.fn, "err", err)
		_ = msg.Term()
		return
	}
	cfg := w.config()
	now := w.q.o.Now()
	if wait := ev.notBefore.Sub(now); wait > 0 {
		_ = msg.NakWithDelay(wait)
		return
	}
	if now.Sub(ev.enqueued) > cfg.MaxEventAge {
		w.finish(ctx, msg, ev, outcome{condition: ConditionEventAgeExceeded, attempts: ev.attempts})
		return
	}
	attempt := ev.attempts + 1
	stop := keepAlive(msg, (cfg.Timeout+ackMargin)/3)
	res, err := w.q.o.Invoker.Invoke(ctx, w.fn, ev.requestID, msg.Data())
	stop()
	switch {
	case ctx.Err() != nil && (err != nil || res.FunctionError != ""):
		// Cut short by Close or Configure: not the function's failure.
		w.logAttempt(ev, attempt, "interrupted", "err", err)
		_ = msg.Nak()
	case errs.Is(errs.Throttled, err):
		w.throttled(ctx, msg, ev)
	case errs.Is(errs.NotFound, err):
		w.logAttempt(ev, attempt, "dropped", "err", err)
		w.q.m.dropped.WithLabelValues(w.fn, dropNotFound).Inc()
		_ = msg.Term()
	case err != nil:
		w.logAttempt(ev, attempt, "error", "err", err)
		w.failed(ctx, msg, ev, attempt, serviceError(err))
	case res.FunctionError != "":
		w.logAttempt(ev, attempt, "error", "errorType", res.ErrorType)
		w.failed(ctx, msg, ev, attempt, &res)
	default:
		w.logAttempt(ev, attempt, "success")
		w.finish(ctx, msg, ev, outcome{condition: ConditionSuccess, attempts: attempt, last: &res})
	}
}

// logAttempt logs one attempt: failures at Info, successes at Debug (a
// busy queue would flood the log).
func (w *worker) logAttempt(ev event, attempt int, outcome string, args ...any) {
	level := slog.LevelInfo
	if outcome == "success" {
		level = slog.LevelDebug
	}
	w.q.log.Log(context.Background(), level, "async attempt", append([]any{"function", w.fn, "requestId", ev.requestID, "attempt", attempt, "outcome", outcome}, args...)...)
}

// serviceError is the result recorded for an attempt that failed outside
// the function.
func serviceError(err error) *Result {
	p, _ := json.Marshal(map[string]string{"errorMessage": err.Error(), "errorType": "ServiceException"})
	return &Result{Payload: p, FunctionError: lambda.FunctionErrorUnhandled, ErrorType: "ServiceException"}
}

// keepAlive tells JetStream the message is still being worked on, so a
// long invocation is not redelivered.
func keepAlive(msg jetstream.Msg, every time.Duration) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				_ = msg.InProgress()
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// throttled holds the event back, doubling the delay with each delivery,
// without counting an attempt.
func (w *worker) throttled(ctx context.Context, msg jetstream.Msg, ev event) {
	n := uint64(1)
	if md, err := msg.Metadata(); err == nil {
		n = md.NumDelivered
	}
	delay := w.q.o.ThrottleDelay
	for i := uint64(1); i < n && delay < MaxThrottleDelay; i++ {
		delay *= 2
	}
	delay = min(delay, MaxThrottleDelay)
	w.logAttempt(ev, ev.attempts+1, "throttled", "retryIn", delay)
	cfg := w.config()
	if w.q.o.Now().Add(delay).Sub(ev.enqueued) > cfg.MaxEventAge {
		w.finish(ctx, msg, ev, outcome{condition: ConditionEventAgeExceeded, attempts: ev.attempts})
		return
	}
	_ = msg.NakWithDelay(delay)
}

// failed schedules a retry or, when none is left, ends the event.
func (w *worker) failed(ctx context.Context, msg jetstream.Msg, ev event, attempt int, res *Result) {
	cfg := w.config()
	if attempt > cfg.MaxRetryAttempts {
		w.finish(ctx, msg, ev, outcome{condition: ConditionRetriesExhausted, attempts: attempt, last: res})
		return
	}
	delay := w.q.o.Retry[min(attempt, len(w.q.o.Retry))-1]
	at := w.q.o.Now().Add(delay)
	if at.Sub(ev.enqueued) > cfg.MaxEventAge {
		w.finish(ctx, msg, ev, outcome{condition: ConditionEventAgeExceeded, attempts: attempt, last: res})
		return
	}
	if err := w.requeue(msg, ev, attempt, at); err != nil {
		// The event stays as it was and is tried again as the same attempt.
		w.q.log.Error("async: scheduling a retry", "function", w.fn, "requestId", ev.requestID, "err", err)
		_ = msg.NakWithDelay(delay)
		return
	}
	w.q.m.retries.WithLabelValues(w.fn).Inc()
}

// requeue replaces msg with a copy that records the attempt and is held
// back until at. The copy's message id makes a repeat (after a crash
// between publish and ack) a duplicate JetStream drops.
func (w *worker) requeue(msg jetstream.Msg, ev event, attempt int, at time.Time) error {
	ctx, cancel := context.WithTimeout(context.Background(), apiTimeout)
	defer cancel()
	next := nats.NewMsg(msg.Subject())
	next.Data = msg.Data()
	next.Header.Set(hdrRequestID, ev.requestID)
	next.Header.Set(hdrEnqueued, strconv.FormatInt(ev.enqueued.UnixNano(), 10))
	next.Header.Set(hdrAttempts, strconv.Itoa(attempt))
	next.Header.Set(hdrNotBefore, strconv.FormatInt(at.UnixNano(), 10))
	next.Header.Set(jetstream.MsgIDHeader, ev.requestID+"/"+strconv.Itoa(attempt))
	if _, err := w.q.js.PublishMsg(ctx, next); err != nil {
		return err
	}
	return msg.Ack()
}

// finish sends the invocation record to the destination for its
// condition, then removes the event.
func (w *worker) finish(ctx context.Context, msg jetstream.Msg, ev event, o outcome) {
	cfg := w.config()
	dest := cfg.OnFailure
	switch o.condition {
	case ConditionSuccess:
		dest = cfg.OnSuccess
	case ConditionRetriesExhausted:
		w.q.m.dropped.WithLabelValues(w.fn, dropRetries).Inc()
	case ConditionEventAgeExceeded:
		w.q.m.dropped.WithLabelValues(w.fn, dropAge).Inc()
	}
	if o.condition != ConditionSuccess {
		w.q.log.Warn("async event failed", "function", w.fn, "requestId", ev.requestID, "condition", o.condition, "attempts", o.attempts)
	}
	if dest != nil {
		if err := w.deliver(ctx, dest, msg.Data(), ev, o); err != nil {
			w.q.log.Error("async: delivering to destination", "function", w.fn, "requestId", ev.requestID, "destination", dest.target(), "err", err)
		} else {
			w.q.m.destinations.WithLabelValues(w.fn, o.condition).Inc()
		}
	}
	_ = msg.Ack()
}

// deliver sends the record for an event to dest. It outlives a Close so
// a finished event's record is not lost.
func (w *worker) deliver(ctx context.Context, dest *Destination, payload []byte, ev event, o outcome) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), apiTimeout)
	defer cancel()
	now := w.q.o.Now()
	rec, err := newRecord(now, w.fn, ev.requestID, payload, o)
	if err != nil {
		return err
	}
	target := dest.target()
	if target == "" {
		return errors.New("destination names no function, event bus, queue or topic")
	}
	switch dest.Kind {
	case KindFunction:
		_, err = w.q.enqueue(ctx, target, rec)
		return err
	case KindEventBus:
		if w.q.o.Publish == nil {
			return errors.New("no event bus is wired")
		}
		event, err := newBusEvent(now, w.fn, target, o.condition, rec)
		if err != nil {
			return err
		}
		return w.q.o.Publish(ctx, target, event)
	case KindQueue, KindTopic:
		if w.q.o.Send == nil {
			return errors.New("no queues or topics are wired")
		}
		return w.q.o.Send(ctx, dest.Kind, target, rec)
	}
	return fmt.Errorf("unknown destination kind %q", dest.Kind)
}
