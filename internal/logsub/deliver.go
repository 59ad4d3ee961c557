package logsub

import (
	"context"
	"math/rand/v2"
	"strconv"
	"sync"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/logs"
	"github.com/verge-edge/verge/internal/triggers/cloudwatchlogs"
)

// sub is an active filter: its matcher and its queue of matching events.
type sub struct {
	f      Filter
	fn     string // the destination function, or
	stream string // the destination Kinesis stream
	m      *logs.Filter
	wake   chan struct{}

	ctx    context.Context // ends when the filter stops
	cancel context.CancelFunc

	mu       sync.Mutex // guards the queue and the counts below
	queue    []queued
	qBytes   int
	dropped  uint64
	pushed   uint64        // events ever queued
	done     uint64        // of which delivered or in a durable queue
	advanced chan struct{} // closed, and replaced, when done grows
}

// queued is a matching event with its id.
type queued struct {
	stream string
	ev     cloudwatchlogs.Event
}

// start runs filter f's delivery; a new filter's destination first gets
// the control message.
func (s *Service) start(f Filter, m *logs.Filter, fresh bool) *sub {
	fn, _ := FunctionName(f.Destination)
	stream, _ := StreamName(f.Destination)
	ctx, cancel := context.WithCancel(s.ctx)
	x := &sub{f: f, fn: fn, stream: stream, m: m, wake: make(chan struct{}, 1), ctx: ctx, cancel: cancel,
		advanced: make(chan struct{})}
	s.wg.Add(1)
	var first *cloudwatchlogs.Message
	if fresh {
		kind := cloudwatchlogs.DestinationLambda
		if fn == "" {
			kind = cloudwatchlogs.DestinationKinesis
		}
		c := cloudwatchlogs.Control(kind, s.o.Now().UnixMilli())
		first = &c
	}
	go s.run(ctx, x, first)
	return x
}

// stop ends x's delivery; what it holds is not delivered.
func (x *sub) stop() { x.cancel() }

// Take is the log store's hook (logs.Store.SetSink): it queues ev for
// every filter of group that matches it. It does not block.
func (s *Service) Take(group string, ev logs.Event) {
	p := s.byGroup.Load()
	if p == nil {
		return
	}
	xs := (*p)[group]
	id := ""
	for _, x := range xs {
		if !x.m.Match(ev.Message) {
			continue
		}
		ms := ev.Time.UnixMilli()
		if id == "" { // one id per event, whichever filters match it
			id = s.ids.Next(ms)
		}
		if !x.push(queued{stream: ev.Stream, ev: cloudwatchlogs.Event{ID: id, Timestamp: ms, Message: ev.Message}}, s.o.MaxQueue) {
			s.dropped.Add(1)
		}
	}
}

// push queues q and wakes the worker; false when the queue is full.
func (x *sub) push(q queued, max int) bool {
	n := len(q.stream) + len(q.ev.Message) + eventOverhead
	x.mu.Lock()
	if x.qBytes+n > max {
		x.dropped++
		x.mu.Unlock()
		return false
	}
	x.queue = append(x.queue, q)
	x.qBytes += n
	x.pushed++
	x.mu.Unlock()
	select {
	case x.wake <- struct{}{}:
	default:
	}
	return true
}

// take empties the queue and says how many events were dropped since
// the last take and how many were ever queued.
func (x *sub) take() (q []queued, dropped, pushed uint64) {
	x.mu.Lock()
	defer x.mu.Unlock()
	q, dropped, pushed = x.queue, x.dropped, x.pushed
	x.queue, x.qBytes, x.dropped = nil, 0, 0
	return q, dropped, pushed
}

// finish records that the first n events queued are delivered and wakes
// whoever drains.
func (x *sub) finish(n uint64) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.done = n
	close(x.advanced)
	x.advanced = make(chan struct{})
}

// drained waits until every event queued before the call is delivered
// (or in the asynchronous queue or the stream). A filter stopped
// meanwhile, deleted or replaced, owes nothing more.
func (x *sub) drained(ctx context.Context) error {
	x.mu.Lock()
	target := x.pushed
	for x.done < target {
		ch := x.advanced
		x.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		case <-x.ctx.Done():
			return nil
		}
		x.mu.Lock()
	}
	x.mu.Unlock()
	return nil
}

// Drain is the log store's other hook (logs.Store.SetSink): it returns
// once every event Take queued for group's filters before the call has
// left its filter's queue for the destination, so PutLogEvents can
// acknowledge events a kill -9 does not take from the subscribers.
func (s *Service) Drain(ctx context.Context, group string) error {
	var xs []*sub
	if p := s.byGroup.Load(); p != nil {
		xs = (*p)[group]
	}
	for _, x := range xs {
		if err := x.drained(ctx); err != nil {
			return err
		}
	}
	if s.ctx.Err() != nil { // closed: what was queued is not delivered
		return errClosed
	}
	return nil
}

// run delivers x's queue, whatever has gathered each time it wakes.
func (s *Service) run(ctx context.Context, x *sub, first *cloudwatchlogs.Message) {
	defer s.wg.Done()
	if first != nil {
		s.send(ctx, x, first)
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-x.wake:
		}
		q, dropped, pushed := x.take()
		if dropped > 0 {
			s.o.Logger.Warn("a subscription filter's destination fell behind: events dropped", "group", x.f.Group,
				"filter", x.f.Name, "dropped", dropped)
		}
		if len(q) > 0 {
			s.deliver(ctx, x, q)
		}
		x.finish(pushed)
	}
}

// deliver sends q: a message per log stream, in order of first event.
func (s *Service) deliver(ctx context.Context, x *sub, q []queued) {
	var order []string
	by := map[string][]cloudwatchlogs.Event{}
	for _, e := range q {
		if _, ok := by[e.stream]; !ok {
			order = append(order, e.stream)
		}
		by[e.stream] = append(by[e.stream], e.ev)
	}
	for _, stream := range order {
		m := cloudwatchlogs.Message{Type: cloudwatchlogs.MessageData, Owner: arn.Account, Group: x.f.Group,
			Stream: stream, Filters: []string{x.f.Name}, Events: by[stream]}
		s.send(ctx, x, &m)
	}
}

// send delivers one message, split under the cap: to the function as
// asynchronous invocations (from there durable and retried), or to the
// stream as records keyed by log stream (ByLogStream) or at random.
func (s *Service) send(ctx context.Context, x *sub, m *cloudwatchlogs.Message) {
	var err error
	if x.stream == "" {
		for _, p := range cloudwatchlogs.Payloads(m, s.o.MaxPayload) {
			if _, err = s.o.Enqueue(ctx, x.fn, p); err != nil {
				break
			}
		}
	} else {
		key := m.Stream
		if x.f.Distribution == DistributionRandom || key == "" {
			key = strconv.FormatUint(rand.Uint64(), 10)
		}
		for _, p := range cloudwatchlogs.Split(m, s.o.MaxPayload, cloudwatchlogs.Gzipped) {
			if err = s.o.PutRecord(ctx, x.stream, key, p); err != nil {
				break
			}
		}
	}
	if err != nil && ctx.Err() == nil {
		s.o.Logger.Warn("delivering to a subscription filter's destination", "group", x.f.Group, "filter", x.f.Name,
			"destination", x.f.Destination, "err", err)
	}
}
