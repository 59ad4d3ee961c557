package sqs

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/sqs"
	"github.com/verge-edge/verge/internal/wait"
)

// A runner runs one mapping. Its pollers belong to a generation, which
// disabling the mapping (or removing it) ends: they stop receiving, settle
// what they hold and exit; enabling it again starts a new generation.
type runner struct {
	m   *Manager
	cfg atomic.Pointer[Mapping]

	mu       sync.Mutex
	gen      *generation // nil while disabled
	result   string
	modified time.Time
}

// A generation is a set of pollers that receive until ctx ends.
type generation struct {
	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	pollers int
	grown   time.Time // when grow last added a poller
}

func newRunner(m *Manager, mp Mapping) *runner {
	r := &runner{m: m, result: ResultNone, modified: m.o.Now()}
	r.cfg.Store(&mp)
	if mp.Enabled {
		r.enable()
	}
	return r
}

// update applies a changed mapping. Pollers read the settings at each
// batch, so only a change of Enabled starts or ends a generation.
func (r *runner) update(mp Mapping) {
	old := r.cfg.Swap(&mp)
	if *old == mp {
		return
	}
	r.mu.Lock()
	r.modified = r.m.o.Now()
	r.mu.Unlock()
	switch {
	case mp.Enabled && !old.Enabled:
		r.enable()
	case !mp.Enabled && old.Enabled:
		r.disable()
	}
}

// enable starts a generation of pollers; the Manager's lock is held.
func (r *runner) enable() {
	ctx, cancel := context.WithCancel(context.Background())
	g := &generation{ctx: ctx, cancel: cancel}
	r.mu.Lock()
	r.gen = g
	r.mu.Unlock()
	n := max(1, min(minPollers, r.limit(r.cfg.Load())))
	g.pollers = n
	r.m.wg.Add(n)
	for range n {
		go r.poll(g)
	}
}

// disable ends the generation; the Manager's lock is held.
func (r *runner) disable() {
	r.mu.Lock()
	g := r.gen
	r.gen = nil
	r.mu.Unlock()
	if g != nil {
		g.cancel()
	}
}

func (r *runner) state() State {
	cfg := r.cfg.Load()
	r.mu.Lock()
	defer r.mu.Unlock()
	s := State{
		Function: cfg.Function, Queue: cfg.Queue, QueueARN: cfg.QueueARN,
		State: StateDisabled, LastProcessingResult: r.result, LastModified: r.modified,
	}
	if r.gen != nil {
		s.State = StateEnabled
		r.gen.mu.Lock()
		s.Pollers = r.gen.pollers
		r.gen.mu.Unlock()
	}
	return s
}

func (r *runner) setResult(res string) {
	r.mu.Lock()
	r.result = res
	r.mu.Unlock()
}

// limit is how many batches of the mapping may be in flight.
func (r *runner) limit(cfg *Mapping) int {
	n := maxPollers
	if f := r.m.o.Concurrency; f != nil {
		n = min(n, f(cfg.Function))
	}
	if cfg.MaximumConcurrency > 0 {
		n = min(n, cfg.MaximumConcurrency)
	}
	return max(n, 0)
}

// retire ends the calling poller when the generation has more than keep
// pollers.
func (g *generation) retire(keep int) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.pollers > max(keep, 1) {
		g.pollers--
		return true
	}
	return false
}

// leave ends the calling poller.
func (g *generation) leave() {
	g.mu.Lock()
	g.pollers--
	g.mu.Unlock()
}

// grow starts one more poller when the generation has fewer than limit,
// at most one every growEvery: Lambda adds up to 300 concurrent batches a
// minute to an SQS mapping, and each new one may be a cold start.
func (r *runner) grow(g *generation, limit int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := r.m.o.Now()
	if g.pollers >= limit || g.ctx.Err() != nil || now.Sub(g.grown) < r.m.growEvery {
		return
	}
	g.grown = now
	g.pollers++
	r.m.wg.Add(1)
	go r.poll(g)
}

// poll gathers batches and invokes them until its generation ends or the
// generation has pollers to spare. Messages that did not fit a batch (the
// 6 MB cut) start the next one, and are invoked even when the generation
// has ended.
func (r *runner) poll(g *generation) {
	defer r.m.wg.Done()
	var carry []sqs.Message // with when they were received, at the latest
	var carried time.Time
	problem := time.Duration(0) // backoff after a problem, 0 when none
	for {
		cfg := r.cfg.Load()
		limit := r.limit(cfg)
		if len(carry) == 0 {
			if g.ctx.Err() != nil {
				g.leave()
				return
			}
			if g.retire(limit) {
				return
			}
			if limit == 0 {
				wait.Sleep(g.ctx, parkedCheck)
				continue
			}
		}
		b, err := r.gather(g.ctx, cfg, carry, carried)
		carry, carried = b.carry, b.received
		if err != nil && g.ctx.Err() == nil {
			r.setResult(ResultQueueFailed)
			r.m.log.Warn("sqs: receive failed", "function", cfg.Function, "queue", cfg.Queue, "err", err)
		}
		if b.full {
			// A backlog: another poller receives while this one invokes.
			r.grow(g, limit)
		}
		done := processed
		if len(b.msgs) > 0 {
			done = r.process(g.ctx, cfg, b)
		}
		switch {
		case err != nil || done == missing:
			// Receiving more would only raise receive counts.
			problem = min(max(2*problem, problemFirst), problemMax)
			wait.Sleep(g.ctx, problem)
		case done == failed:
			// Lambda backs off from a failing function, unless it
			// reports batch item failures.
			if !cfg.ReportBatchItemFailures && len(carry) == 0 && g.retire(min(minPollers, limit)) {
				return
			}
		case len(b.msgs) == 0:
			problem = 0
			if len(carry) == 0 && g.retire(min(minPollers, limit)) {
				return
			}
		default:
			problem = 0
		}
	}
}

// A batch is what gather collected: the messages, the event, when the
// first message came, whether the queue seemed to hold more, and messages
// for the next batch.
type batch struct {
	msgs     []sqs.Message
	payload  []byte
	received time.Time
	full     bool
	carry    []sqs.Message
}

// What became of a batch.
type outcome int

const (
	processed outcome = iota // invoked; deleted all or, per the response, some
	failed                   // invoked and failed, or throttled throughout
	missing                  // the function does not exist
)

// gather receives one batch: until it holds BatchSize messages, the window
// has passed since its first message (at once without a window), or the
// next message would take the event over maxPayload. When ctx ends it
// returns what it holds. The carried messages, received at carried, come
// first.
func (r *runner) gather(ctx context.Context, cfg *Mapping, carry []sqs.Message, carried time.Time) (batch, error) {
	size := len(eventStart) + len(eventEnd)
	for i := range carry {
		size += recordSize(cfg.QueueARN, &carry[i])
	}
	b := batch{payload: append(make([]byte, 0, max(size, 4096)), eventStart...)}
	add := func(msgs []sqs.Message) []sqs.Message {
		for i := range msgs {
			if len(b.msgs) == cfg.BatchSize {
				return msgs[i:]
			}
			mark := len(b.payload)
			if len(b.msgs) > 0 {
				b.payload = append(b.payload, ',')
			}
			b.payload = appendRecord(b.payload, cfg.QueueARN, &msgs[i])
			if len(b.msgs) > 0 && len(b.payload)+len(eventEnd) > maxPayload {
				b.payload = b.payload[:mark]
				return msgs[i:]
			}
			b.msgs = append(b.msgs, msgs[i])
		}
		return nil
	}
	if len(carry) > 0 {
		// Their visibility timeout runs from then: the throttling
		// retries and the window count from there too.
		b.received = carried
		if b.carry = add(carry); b.carry != nil {
			b.payload = append(b.payload, eventEnd...)
			return b, nil
		}
	}
	var err error
	for len(b.msgs) < cfg.BatchSize && ctx.Err() == nil {
		wait := r.m.wait
		if len(b.msgs) > 0 {
			if cfg.MaxBatchWindow == 0 {
				break
			}
			if wait = cfg.MaxBatchWindow - r.m.o.Now().Sub(b.received); wait <= 0 {
				break
			}
		}
		n := min(maxReceive, cfg.BatchSize-len(b.msgs))
		var msgs []sqs.Message
		msgs, err = r.m.o.Queues.Receive(ctx, cfg.Queue, sqs.ReceiveInput{MaxMessages: n, WaitTime: &wait})
		if err != nil {
			break
		}
		if len(b.msgs) == 0 {
			if len(msgs) == 0 {
				break // an idle long poll: the poller may retire
			}
			b.received = r.m.o.Now()
		}
		b.full = len(msgs) == n
		if b.carry = add(msgs); b.carry != nil {
			b.full = true
			break
		}
	}
	b.payload = append(b.payload, eventEnd...)
	return b, err
}

// process invokes the function with a batch and deletes what it
// processed. A throttled batch is retried until its visibility timeout
// ends or, once the generation ends (a removal, Close), not at all.
func (r *runner) process(gen context.Context, cfg *Mapping, b batch) outcome {
	log := r.m.log
	ctx := r.m.hard
	backoff := throttleFirst
	var deadline time.Time
	for {
		res, err := r.m.o.Invoke(ctx, cfg.Function, b.payload)
		switch {
		case err == nil:
		case errs.Is(errs.Throttled, err) && ctx.Err() == nil:
			// Lambda retries a throttled batch until its visibility
			// timeout ends; the messages then return to the queue.
			if deadline.IsZero() {
				deadline = b.received.Add(r.visibility(ctx, cfg.Queue))
			}
			if r.m.o.Now().Add(backoff).After(deadline) || !wait.Sleep(gen, backoff) || ctx.Err() != nil {
				r.setResult(ResultThrottled)
				log.Warn("sqs: invocation throttled until the visibility timeout", "function", cfg.Function, "queue", cfg.Queue, "count", len(b.msgs))
				return failed
			}
			backoff = min(2*backoff, throttleMax)
			continue
		case errs.Is(errs.NotFound, err):
			r.setResult(ResultNotFound)
			log.Warn("sqs: invocation failed", "function", cfg.Function, "queue", cfg.Queue, "count", len(b.msgs), "err", err)
			return missing
		default:
			r.setResult(ResultFailed)
			log.Warn("sqs: invocation failed", "function", cfg.Function, "queue", cfg.Queue, "count", len(b.msgs), "err", err)
			return failed
		}
		del, why := settle(b.msgs, res, cfg.ReportBatchItemFailures, cfg.fifo())
		deleted := r.delete(ctx, cfg, b.msgs, del)
		switch {
		case why != nil && deleted == 0:
			r.setResult(ResultFailed)
			log.Warn("sqs: invocation failed", "function", cfg.Function, "queue", cfg.Queue, "count", len(b.msgs), "err", why)
			return failed
		case why != nil:
			log.Info("sqs: batch partly failed", "function", cfg.Function, "queue", cfg.Queue, "count", len(b.msgs), "deleted", deleted, "err", why)
		}
		r.setResult(ResultOK)
		return processed
	}
}

// visibility is the queue's visibility timeout.
func (r *runner) visibility(ctx context.Context, queue string) time.Duration {
	attrs, err := r.m.o.Queues.Attributes(ctx, queue)
	if err != nil {
		return defaultVisibility
	}
	s, err := strconv.Atoi(attrs["VisibilityTimeout"])
	if err != nil {
		return defaultVisibility
	}
	return time.Duration(s) * time.Second
}

// delete deletes the messages del marks and returns how many it deleted:
// in one DeleteBatch when the queue service has it, else one by one.
func (r *runner) delete(ctx context.Context, cfg *Mapping, msgs []sqs.Message, del []bool) int {
	var handles []string
	var ids []string
	for i, d := range del {
		if d {
			handles = append(handles, msgs[i].ReceiptHandle)
			ids = append(ids, msgs[i].MessageID)
		}
	}
	var failed []error
	if bq, ok := r.m.o.Queues.(BatchDeleter); ok {
		failed = bq.DeleteBatch(ctx, cfg.Queue, handles)
	} else {
		failed = make([]error, len(handles))
		for i, h := range handles {
			failed[i] = r.m.o.Queues.Delete(ctx, cfg.Queue, h)
		}
	}
	deleted := 0
	for i, err := range failed {
		if err != nil {
			r.m.log.Warn("sqs: delete failed", "function", cfg.Function, "queue", cfg.Queue, "messageId", ids[i], "err", err)
			continue
		}
		deleted++
	}
	return deleted
}
