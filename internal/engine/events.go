package engine

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/verge-edge/verge/internal/broker"
	"github.com/verge-edge/verge/internal/dispatch"
	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/functions"
	"github.com/verge-edge/verge/internal/functions/async"
	"github.com/verge-edge/verge/internal/stack"
	"github.com/verge-edge/verge/internal/triggers/eventbus"
)

// eventSide is the event-driven half of a running Verge: the broker, the
// asynchronous invocation queue and the dispatcher of schedules and buses.
// It starts with the first plan that has functions, so a CDN-only stack
// runs no broker.
type eventSide struct {
	dir     string // the embedded broker's store
	natsURL string // or an external server's
	lambdas *functions.Service
	logger  *slog.Logger
	reg     prometheus.Registerer
	retry   []time.Duration
	// accountConc is the account's concurrency (--function-concurrency).
	accountConc int

	mu     sync.Mutex
	broker *broker.Broker
	queue  *async.Queue
	disp   *dispatch.Dispatcher
}

// Prepare compiles the plan's buses, rules and schedules. The first plan
// with functions opens the broker (embedded under DATA/nats, or --nats)
// and the queue, which serve nothing until a commit routes events to them.
func (ev *eventSide) Prepare(ctx context.Context, plan *stack.Plan) (Change, error) {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	if ev.disp == nil {
		if len(plan.Functions) == 0 {
			return change{}, nil
		}
		if err := ev.start(ctx); err != nil {
			return nil, err
		}
	}
	st, err := ev.disp.Prepare(plan)
	if err != nil {
		return nil, err
	}
	return st, nil
}

func (ev *eventSide) start(ctx context.Context) error {
	b, err := broker.Open(ctx, broker.Options{Dir: ev.dir, URL: ev.natsURL, Logger: ev.logger})
	if err != nil {
		return fmt.Errorf("the event broker: %w", err)
	}
	// A function without reserved concurrency runs no more events at once
	// than the account (--function-concurrency) allows.
	q, err := async.New(ctx, async.Options{JetStream: b.JetStream(), Invoker: dispatch.Invoker(ev.lambdas), Retry: ev.retry,
		Publish: ev.Publish, Logger: ev.logger, Registry: ev.reg, Concurrency: min(async.DefaultConcurrency, ev.accountConc)})
	if err != nil {
		b.Close()
		return fmt.Errorf("the asynchronous queue: %w", err)
	}
	ev.broker, ev.queue = b, q
	ev.disp = dispatch.New(dispatch.Options{Queue: q, Logger: ev.logger})
	return nil
}

// parts returns the queue and dispatcher, nil before the first plan with
// functions.
func (ev *eventSide) parts() (*async.Queue, *dispatch.Dispatcher) {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	return ev.queue, ev.disp
}

// Enqueue takes an asynchronous invocation (awsapi.Enqueuer).
func (ev *eventSide) Enqueue(ctx context.Context, fn string, payload []byte) (string, error) {
	q, _ := ev.parts()
	if q == nil {
		//lint:ignore ST1005 Lambda's own message
		return "", errs.E(errs.NotFound, fn, fmt.Errorf("Function not found: %s", fn))
	}
	return q.Enqueue(ctx, fn, payload)
}

// Publish puts an event on a bus (eventbus.Publisher); with no functions
// no rule can match.
func (ev *eventSide) Publish(ctx context.Context, bus string, event []byte) error {
	if _, d := ev.parts(); d != nil {
		return d.Publish(ctx, bus, event)
	}
	return nil
}

// hasBus says whether bus exists: the default one always does.
func (ev *eventSide) hasBus(bus string) bool {
	if _, d := ev.parts(); d != nil {
		return d.HasBus(bus)
	}
	return eventbus.BusName(bus) == stack.DefaultEventBus
}

// Pending, NextTimes and Trigger serve the admin API (admin.Async).
func (ev *eventSide) Pending() map[string]int {
	if q, _ := ev.parts(); q != nil {
		return q.Pending()
	}
	return map[string]int{}
}

func (ev *eventSide) NextTimes() map[string]time.Time {
	if _, d := ev.parts(); d != nil {
		return d.NextTimes()
	}
	return map[string]time.Time{}
}

func (ev *eventSide) Trigger(fn string) int {
	if _, d := ev.parts(); d != nil {
		return d.Trigger(fn)
	}
	return 0
}

// Close stops the schedules, then the queue (running invocations go back
// to the queue), then the broker.
func (ev *eventSide) Close(context.Context) error {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	if ev.disp == nil {
		return nil
	}
	ev.disp.Close()
	ev.queue.Close()
	ev.broker.Close()
	ev.disp = nil
	return nil
}
