package engine

import (
	"context"
	"slices"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/awsapi"
	"github.com/verge-edge/verge/internal/broker"
	"github.com/verge-edge/verge/internal/functions/async"
	"github.com/verge-edge/verge/internal/kinesis"
	"github.com/verge-edge/verge/internal/logsub"
	"github.com/verge-edge/verge/internal/stack"
)

// The log subscriptions of the event side: the stack's cloudwatch-log
// events and the filters PutSubscriptionFilter made, fed by the log store
// as functions log (logs.Store.SetSink) and delivered through the
// asynchronous queue.

// openLogSubs opens the subscription registry on the broker, with the
// async queue and the Kinesis streams as destinations, and hooks it to the
// log store. Called by start, with mu held.
func (ev *eventSide) openLogSubs(ctx context.Context, b *broker.Broker, q *async.Queue, streams *kinesis.Service) (*logsub.Service, error) {
	subs, err := logsub.Open(ctx, logsub.Options{JetStream: b.JetStream(), Enqueue: q.Enqueue, Logger: ev.logger,
		HasFunction: func(name string) bool { return slices.Contains(ev.lambdas.Names(), name) },
		HasGroup:    ev.logStore.Exists,
		PutRecord: func(ctx context.Context, stream, key string, data []byte) error {
			_, err := streams.PutRecord(ctx, stream, kinesis.PutEntry{Data: data, PartitionKey: key})
			return err
		},
		HasStream: func(name string) bool {
			_, err := streams.Describe(context.Background(), name, 1, "")
			return err == nil
		}})
	if err != nil {
		return nil, err
	}
	ev.logStore.SetSink(subs)
	return subs, nil
}

// logFilters are the plan's cloudwatch-log events as subscription filters.
func logFilters(plan *stack.Plan) []logsub.Filter {
	out := make([]logsub.Filter, 0, len(plan.LogSubscriptions))
	for _, s := range plan.LogSubscriptions {
		out = append(out, logsub.Filter{Group: s.Group, Name: s.Name, Pattern: s.Filter,
			Destination: arn.Function(s.Function, ""), Function: s.Function})
	}
	return out
}

// checkLogSubs refuses a plan whose filters would close a loop with the
// API's. Called by Prepare, with mu held.
func (ev *eventSide) checkLogSubs(plan *stack.Plan) error {
	if ev.logsubs == nil {
		return nil
	}
	return ev.logsubs.Check(logFilters(plan))
}

// applyLogSubs makes the plan's cloudwatch-log events the stack's
// subscription filters. Like applyMessaging it runs in a Commit and logs
// what fails.
func (ev *eventSide) applyLogSubs(ctx context.Context, plan *stack.Plan) {
	subs := ev.logSubs()
	if subs == nil {
		return
	}
	if err := subs.Apply(ctx, logFilters(plan)); err != nil {
		ev.logger.Error("applying the stack's cloudwatch-log events", "err", err)
	}
}

// logSubs returns the registry, nil before the event side starts.
func (ev *eventSide) logSubs() *logsub.Service {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	return ev.logsubs
}

// openLogSubsAPI is the Logs API's registry: the subscription filters,
// starting the event side when no plan has yet.
func (ev *eventSide) openLogSubsAPI(ctx context.Context) (awsapi.Subscriptions, error) {
	if err := ev.ensure(ctx); err != nil {
		return nil, err
	}
	subs := ev.logSubs()
	if subs == nil {
		return nil, errEventSideClosed
	}
	return subs, nil
}
