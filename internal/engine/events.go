package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/verge-edge/verge/internal/broker"
	"github.com/verge-edge/verge/internal/dispatch"
	"github.com/verge-edge/verge/internal/dynamodb"
	"github.com/verge-edge/verge/internal/dynamodb/store"
	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/esm"
	"github.com/verge-edge/verge/internal/esm/kafka"
	"github.com/verge-edge/verge/internal/functions"
	"github.com/verge-edge/verge/internal/functions/async"
	"github.com/verge-edge/verge/internal/identity"
	"github.com/verge-edge/verge/internal/kinesis"
	"github.com/verge-edge/verge/internal/logs"
	"github.com/verge-edge/verge/internal/logsub"
	"github.com/verge-edge/verge/internal/sns"
	"github.com/verge-edge/verge/internal/sqs"
	"github.com/verge-edge/verge/internal/stack"
	"github.com/verge-edge/verge/internal/triggers/eventbus"
	sqstrigger "github.com/verge-edge/verge/internal/triggers/sqs"
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

	ids      *identity.Store // the AWS endpoint's URL, for SNS's links
	logStore *logs.Store     // the log groups, whose events feed logsubs

	mu     sync.Mutex
	broker *broker.Broker
	queue  *async.Queue
	disp   *dispatch.Dispatcher
	queues *sqs.Service
	topics *sns.Service
	esm    *sqstrigger.Manager
	// streams and streamESM are the Kinesis service and the stream
	// triggers' manager.
	streams   *kinesis.Service
	streamESM *esm.Manager
	sources   map[string]esm.Source // by sourceKey
	// tableStore and tables are the DynamoDB tables and their service.
	tableStore *store.Store
	tables     *dynamodb.Service
	consumers  map[string]string // consumer ARNs by stream and consumer name
	// logsubs are the log subscription filters.
	logsubs *logsub.Service
	// kafka is the Kafka triggers' manager, started by the first plan
	// with one; kafkaErr is why it did not start.
	kafka    *kafka.Manager
	kafkaErr error
	closed   bool // Close ran: the APIs may not start the event side again
	// plan is the plan committed last, for the queue triggers' concurrency.
	plan atomic.Pointer[stack.Plan]
}

// Prepare compiles the plan's buses, rules, schedules and queue triggers.
// The first plan with functions, queues, topics, streams or tables (or
// the first call to an API of the event side) opens the broker (embedded under DATA/nats, or
// --nats) and the services on it, which serve nothing of the stack until a
// commit routes events to them.
func (ev *eventSide) Prepare(ctx context.Context, plan *stack.Plan) (Change, error) {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	if ev.disp == nil {
		if len(plan.Functions) == 0 && len(plan.Queues) == 0 && len(plan.Topics) == 0 && len(plan.Streams) == 0 && len(plan.Tables) == 0 {
			return change{}, nil
		}
		if err := ev.start(ctx); err != nil {
			return nil, err
		}
	}
	ms := mappings(plan)
	if err := checkMappings(ms); err != nil {
		return nil, err
	}
	if err := ev.checkLogSubs(plan); err != nil {
		return nil, err
	}
	st, err := ev.disp.Prepare(plan)
	if err != nil {
		return nil, err
	}
	return change{commit: func() { st.Commit(); ev.applyMessaging(plan, ms) }, discard: st.Discard}, nil
}

// ensure starts the event side if no plan has.
func (ev *eventSide) ensure(ctx context.Context) error {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	if ev.disp != nil {
		return nil
	}
	if ev.closed {
		return errs.E(errs.Unavailable, "Verge is stopping")
	}
	return ev.start(ctx)
}

func (ev *eventSide) start(ctx context.Context) error {
	b, err := broker.Open(ctx, broker.Options{Dir: ev.dir, URL: ev.natsURL, Logger: ev.logger})
	if err != nil {
		return fmt.Errorf("the event broker: %w", err)
	}
	// A function without reserved concurrency runs no more events at once
	// than the account (--function-concurrency) allows.
	q, err := async.New(ctx, async.Options{JetStream: b.JetStream(), Invoker: dispatch.Invoker(ev.lambdas), Retry: ev.retry,
		Publish: ev.Publish, Send: ev.send, Logger: ev.logger, Registry: ev.reg, Concurrency: min(async.DefaultConcurrency, ev.accountConc)})
	if err != nil {
		b.Close()
		return fmt.Errorf("the asynchronous queue: %w", err)
	}
	qs, err := sqs.New(ctx, sqs.Options{JetStream: b.JetStream(), Logger: ev.logger})
	if err != nil {
		q.Close()
		b.Close()
		return fmt.Errorf("the queue service: %w", err)
	}
	topics, err := sns.Open(ctx, sns.Options{JetStream: b.JetStream(), Queues: qs, Lambda: q, Endpoint: ev.ids.Endpoint(), Logger: ev.logger})
	if err != nil {
		qs.Close()
		q.Close()
		b.Close()
		return fmt.Errorf("the topic service: %w", err)
	}
	streams, err := kinesis.New(ctx, kinesis.Options{JetStream: b.JetStream(), Logger: ev.logger})
	if err != nil {
		topics.Close()
		qs.Close()
		q.Close()
		b.Close()
		return fmt.Errorf("the stream service: %w", err)
	}
	// With an external server other nodes may write the tables too: this
	// node follows their writes.
	tables, err := store.Open(ctx, store.Options{JetStream: b.JetStream(), Logger: ev.logger, Size: dynamodb.ItemSize, Follow: ev.natsURL != ""})
	if err != nil {
		streams.Close()
		topics.Close()
		qs.Close()
		q.Close()
		b.Close()
		return fmt.Errorf("the table store: %w", err)
	}
	secret, err := tables.Secret(ctx)
	var mgr *esm.Manager
	if err == nil {
		mgr, err = esm.New(ctx, esm.Options{JetStream: b.JetStream(), Invoke: ev.invokeStream, Send: ev.sendFailure, Logger: ev.logger})
	}
	if err != nil {
		tables.Close()
		streams.Close()
		topics.Close()
		qs.Close()
		q.Close()
		b.Close()
		return fmt.Errorf("the stream triggers: %w", err)
	}
	subs, err := ev.openLogSubs(ctx, b, q, streams)
	if err != nil {
		mgr.Close(ctx)
		tables.Close()
		streams.Close()
		topics.Close()
		qs.Close()
		q.Close()
		b.Close()
		return fmt.Errorf("the log subscriptions: %w", err)
	}
	ev.logsubs = subs
	ev.broker, ev.queue, ev.queues, ev.topics, ev.streams, ev.streamESM = b, q, qs, topics, streams, mgr
	ev.tableStore, ev.tables = tables, dynamodb.New(dynamodb.Options{Store: tables, Key: secret})
	ev.esm = sqstrigger.New(sqstrigger.Options{Queues: qs, Invoke: ev.invoke, Logger: ev.logger, Concurrency: ev.concurrency})
	ev.disp = dispatch.New(dispatch.Options{Queue: q, Logger: ev.logger})
	return nil
}

// messaging returns the queue and topic services and the queue triggers'
// manager, nil before the event side starts.
func (ev *eventSide) messaging() (*sqs.Service, *sns.Service, *sqstrigger.Manager) {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	return ev.queues, ev.topics, ev.esm
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

// Close stops the queue, stream and Kafka triggers (their batches in flight
// finish), the schedules, then the asynchronous queue (running
// invocations go back to it), the streams, the tables, the topics, the
// queues and the broker.
func (ev *eventSide) Close(ctx context.Context) error {
	// Not under mu: the queue's workers deliver records to queues and
	// topics (send) until it has closed.
	ev.mu.Lock()
	ev.closed = true
	b, q, disp, qs, topics, qesm := ev.broker, ev.queue, ev.disp, ev.queues, ev.topics, ev.esm
	streams, sesm, tables, subs := ev.streams, ev.streamESM, ev.tableStore, ev.logsubs
	ev.mu.Unlock()
	if disp == nil {
		return nil
	}
	// Log lines stop feeding the subscriptions before the queue they
	// enqueue to closes.
	ev.logStore.SetSink(nil)
	subs.Close()
	err := errors.Join(qesm.Close(ctx), sesm.Close(ctx), ev.closeKafka(ctx))
	disp.Close()
	q.Close()
	streams.Close()
	tables.Close()
	topics.Close()
	qs.Close()
	b.Close()
	ev.mu.Lock()
	ev.disp, ev.queues, ev.topics, ev.esm, ev.streams, ev.streamESM = nil, nil, nil, nil, nil, nil
	ev.tableStore, ev.tables, ev.logsubs = nil, nil, nil
	ev.mu.Unlock()
	return err
}
