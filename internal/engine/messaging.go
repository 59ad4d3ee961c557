package engine

import (
	"context"
	"net/http"
	"time"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/functions"
	"github.com/verge-edge/verge/internal/functions/async"
	"github.com/verge-edge/verge/internal/sns"
	"github.com/verge-edge/verge/internal/sqs"
	"github.com/verge-edge/verge/internal/stack"
	sqstrigger "github.com/verge-edge/verge/internal/triggers/sqs"
)

// The queues, topics and queue triggers of the event side: the stack's
// resources applied to the services on JetStream, and the glue between
// them, the functions and the asynchronous queue.

// applyTimeout bounds applying a plan's queues, topics and mappings.
const applyTimeout = 30 * time.Second

// errEventSideClosed answers a delivery after the event side stopped.
var errEventSideClosed = errs.E(errs.Unavailable, "the event side is closed")

// mappings are the plan's sqs triggers as event source mappings.
func mappings(plan *stack.Plan) []sqstrigger.Mapping {
	out := make([]sqstrigger.Mapping, 0, len(plan.QueueTriggers))
	for _, t := range plan.QueueTriggers {
		out = append(out, sqstrigger.Mapping{Function: t.Function, Queue: t.Queue, QueueARN: arn.Queue(t.Queue),
			BatchSize: t.BatchSize, MaxBatchWindow: time.Duration(t.MaxBatchWindowSeconds) * time.Second,
			ReportBatchItemFailures: t.ReportBatchItemFailures, MaximumConcurrency: t.MaximumConcurrency, Enabled: t.Enabled})
	}
	return out
}

// checkMappings validates the plan's mappings before anything commits.
func checkMappings(ms []sqstrigger.Mapping) error {
	var list errs.List
	for _, m := range ms {
		if err := m.Validate(); err != nil {
			list = append(list, err)
		}
	}
	return list.Err()
}

// queueConfigs are the plan's queues as the queue service takes them.
func queueConfigs(plan *stack.Plan) []sqs.QueueConfig {
	out := make([]sqs.QueueConfig, 0, len(plan.Queues))
	for _, q := range plan.Queues {
		out = append(out, sqs.QueueConfig{Name: q.Name, Attributes: q.Attributes, Tags: q.Tags})
	}
	return out
}

// applyMessaging makes the plan's queues, topics and queue triggers run.
// It runs in a Commit, so it cannot fail the apply: the stack file's
// checks already hold what the services check, and anything else (the
// broker failing) is logged.
func (ev *eventSide) applyMessaging(plan *stack.Plan, ms []sqstrigger.Mapping) {
	ev.plan.Store(plan)
	ctx, cancel := context.WithTimeout(context.Background(), applyTimeout)
	defer cancel()
	qs, topics, esm := ev.messaging()
	if err := qs.Apply(ctx, queueConfigs(plan)); err != nil {
		ev.logger.Error("applying the stack's queues", "err", err)
	}
	if err := applyTopics(ctx, topics, plan); err != nil {
		ev.logger.Error("applying the stack's topics", "err", err)
	}
	if err := esm.Apply(ms); err != nil {
		ev.logger.Error("applying the stack's sqs triggers", "err", err)
	}
	ev.applyStreams(ctx, plan)
	ev.applyLogSubs(ctx, plan)
	ev.applyKafka(ctx, plan)
}

// invoke runs one batch of a queue trigger synchronously, as Lambda's
// event source mappings do.
func (ev *eventSide) invoke(ctx context.Context, fn string, payload []byte) (sqstrigger.Result, error) {
	resp, err := ev.lambdas.Invoke(ctx, &functions.Request{Function: fn, Payload: payload})
	if err != nil {
		return sqstrigger.Result{}, err
	}
	return sqstrigger.Result{Payload: resp.Payload, FunctionError: resp.FunctionError}, nil
}

// concurrency is how many invocations of fn may run at once: its reserved
// concurrency, else the account's.
func (ev *eventSide) concurrency(fn string) int {
	if plan := ev.plan.Load(); plan != nil {
		if f := plan.Functions[fn]; f != nil && f.ReservedConcurrency != nil {
			return *f.ReservedConcurrency
		}
	}
	return ev.accountConc
}

// send delivers an invocation record to a queue or a topic destination.
func (ev *eventSide) send(ctx context.Context, kind, name string, record []byte) error {
	qs, topics, _ := ev.messaging()
	if qs == nil {
		return errEventSideClosed
	}
	if kind == async.KindTopic {
		return publish(ctx, topics, name, string(record), "")
	}
	_, failed, err := qs.Send(ctx, name, []sqs.SendInput{{Body: string(record)}})
	if err == nil && failed[0] != nil {
		err = failed[0]
	}
	return err
}

// openQueues is the SQS API's backend: the queue service, starting the
// event side when no plan has yet.
func (ev *eventSide) openQueues(ctx context.Context) (*sqs.Service, error) {
	if err := ev.ensure(ctx); err != nil {
		return nil, err
	}
	qs, _, _ := ev.messaging()
	return qs, nil
}

// applyTopics makes the plan's topics and their subscriptions exist.
func applyTopics(ctx context.Context, topics *sns.Service, plan *stack.Plan) error {
	tcs := make([]sns.TopicConfig, 0, len(plan.Topics))
	for _, t := range plan.Topics {
		tcs = append(tcs, sns.TopicConfig{Name: t.Name, Attributes: t.Attributes, Tags: t.Tags})
	}
	subs := make([]sns.StackSubscription, 0, len(plan.TopicSubscriptions))
	for _, s := range plan.TopicSubscriptions {
		sub := sns.StackSubscription{Topic: s.Topic, Protocol: sns.ProtocolLambda, Endpoint: s.Function,
			FilterPolicy: s.FilterPolicy, FilterPolicyScope: s.FilterPolicyScope,
			RawMessageDelivery: s.RawMessageDelivery, DeadLetterQueue: s.OnDeliveryFailureQueue}
		if s.Function == "" {
			sub.Protocol, sub.Endpoint = sns.ProtocolSQS, s.Queue
		}
		subs = append(subs, sub)
	}
	return topics.Apply(ctx, tcs, subs)
}

// publish puts message on a topic.
func publish(ctx context.Context, topics *sns.Service, topic, message, subject string) error {
	if topics == nil {
		return errEventSideClosed
	}
	_, err := topics.Publish(ctx, arn.Topic(topic), sns.PublishInput{Message: message, Subject: subject})
	return err
}

// openTopics is the SNS API's backend: the topic service, starting the
// event side when no plan has yet.
func (ev *eventSide) openTopics(ctx context.Context) (*sns.Service, error) {
	if err := ev.ensure(ctx); err != nil {
		return nil, err
	}
	_, topics, _ := ev.messaging()
	return topics, nil
}

// serveSNS serves what SNS subscribers fetch from the endpoint: the
// signing certificate and the subscription links.
func (ev *eventSide) serveSNS(w http.ResponseWriter, r *http.Request) {
	topics, err := ev.openTopics(r.Context())
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	topics.Handler().ServeHTTP(w, r)
}

// mappingStates are the running queue triggers' states by function and
// queue ("FUNCTION\x00QUEUE").
func (ev *eventSide) mappingStates() map[string]sqstrigger.State {
	_, _, esm := ev.messaging()
	out := map[string]sqstrigger.State{}
	if esm == nil {
		return out
	}
	for _, st := range esm.States() {
		out[st.Function+"\x00"+st.Queue] = st
	}
	return out
}
