package engine

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/awsapi"
	"github.com/verge-edge/verge/internal/esm"
	"github.com/verge-edge/verge/internal/esm/kafka"
	"github.com/verge-edge/verge/internal/stack"
)

// kafkaUUID is the UUID of a Kafka trigger's mapping, and so its consumer
// group's id: made from the function and the event's index, it stays the
// same across restarts, and the group keeps its committed offsets.
func kafkaUUID(t stack.KafkaTrigger) string {
	return awsapi.MappingUUID(t.Function, fmt.Sprintf("%s#%d", stack.EventKafka, t.Index))
}

// kafkaMapping is a Kafka trigger as the Kafka mappings run it.
func kafkaMapping(t stack.KafkaTrigger) kafka.Mapping {
	m := kafka.Mapping{
		UUID: kafkaUUID(t), Function: t.Function, FunctionARN: arn.Function(t.Function, ""),
		Bootstrap: t.Bootstrap, Topic: t.Topic, BatchSize: t.BatchSize,
		MaxBatchWindow:   time.Duration(t.MaxBatchWindowSeconds * float64(time.Second)),
		StartingPosition: esm.TrimHorizon, MaximumRetryAttempts: t.MaximumRetryAttempts,
		BisectBatchOnFunctionError: t.BisectBatchOnFunctionError, Enabled: t.Enabled,
	}
	if t.StartingPosition == stack.StartLatest {
		m.StartingPosition = esm.Latest
	}
	if a := t.Auth; a != nil {
		m.Auth = kafka.Auth{Mechanism: kafkaMechanisms[a.Mechanism], Username: a.Username, Password: a.Password,
			Certificate: a.Certificate, PrivateKey: a.PrivateKey, KeyPassword: a.KeyPassword, RootCA: a.RootCA}
	}
	m.OnFailure = esmDestination(t.OnFailure)
	return m
}

// kafkaMechanisms are the plan's authentication mechanisms as the Kafka
// mappings name them.
var kafkaMechanisms = map[string]string{
	stack.KafkaAuthBasic: kafka.AuthPlain, stack.KafkaAuthScram256: kafka.AuthScram256,
	stack.KafkaAuthScram512: kafka.AuthScram512, stack.KafkaAuthMTLS: kafka.AuthMTLS,
}

// esmDestination is an onFailure destination as the mappings send to it.
func esmDestination(d *stack.Destination) *esm.Destination {
	if d == nil {
		return nil
	}
	if d.Kind == stack.DestinationTopic {
		return &esm.Destination{Kind: "sns", Name: d.Name}
	}
	return &esm.Destination{Kind: "sqs", Name: d.Name}
}

// applyKafka runs the plan's Kafka triggers. The mappings' manager starts
// with the first plan that has one, so a stack without Kafka runs no
// Kafka client. Like applyStreams it runs in a Commit and logs what fails.
func (ev *eventSide) applyKafka(ctx context.Context, plan *stack.Plan) {
	ms := make([]kafka.Mapping, 0, len(plan.KafkaTriggers))
	for _, t := range plan.KafkaTriggers {
		ms = append(ms, kafkaMapping(t))
	}
	mgr := ev.kafkaManager(ctx, len(ms) > 0)
	if mgr == nil {
		return
	}
	if err := mgr.Apply(ms); err != nil {
		ev.logger.Error("applying the stack's kafka triggers", "err", err)
	}
}

// kafkaManager returns the Kafka mappings' manager, starting it when need
// is set and it has not started. A failure to start is logged and kept for
// the mappings' state; the next apply tries again. The manager logs each
// mapping's problems (brokers unreachable, credentials refused) as they
// change, which verge dev shows.
func (ev *eventSide) kafkaManager(ctx context.Context, need bool) *kafka.Manager {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	if ev.kafka != nil || !need || ev.closed {
		return ev.kafka
	}
	// The manager outlives the apply that starts it.
	mgr, err := kafka.New(context.WithoutCancel(ctx), kafka.Options{Invoke: ev.invokeStream, Send: ev.sendFailure, Logger: ev.logger})
	if err != nil {
		ev.kafkaErr = err
		ev.logger.Error("starting the kafka triggers", "err", err)
		return nil
	}
	ev.kafka, ev.kafkaErr = mgr, nil
	return mgr
}

// closeKafka stops the Kafka mappings (their batches in flight finish
// until ctx ends).
func (ev *eventSide) closeKafka(ctx context.Context) error {
	ev.mu.Lock()
	mgr := ev.kafka
	ev.kafka = nil
	ev.mu.Unlock()
	if mgr == nil {
		return nil
	}
	return mgr.Close(ctx)
}

// kafkaTriggers lists plan's Kafka triggers as Lambda's self-managed
// Kafka event source mappings, with their states.
func (ev *eventSide) kafkaTriggers(plan *stack.Plan) []awsapi.Trigger {
	ev.mu.Lock()
	mgr, startErr := ev.kafka, ev.kafkaErr
	ev.mu.Unlock()
	var states map[string]kafka.State
	if mgr != nil {
		states = mgr.States()
	}
	out := make([]awsapi.Trigger, 0, len(plan.KafkaTriggers))
	for _, t := range plan.KafkaTriggers {
		id := kafkaUUID(t)
		// Lambda's window is whole seconds: 0.5 s shows as 0.
		tr := awsapi.Trigger{Function: t.Function, UUID: id, BatchSize: t.BatchSize, MaxBatchingWindow: int(math.Floor(t.MaxBatchWindowSeconds)),
			Stream: &awsapi.StreamSettings{StartingPosition: t.StartingPosition, MaximumRetryAttempts: t.MaximumRetryAttempts,
				BisectBatchOnFunctionError: t.BisectBatchOnFunctionError},
			Kafka: &awsapi.KafkaSettings{Bootstrap: t.Bootstrap, Topic: t.Topic, Access: kafkaAccess(t.Auth)}}
		if d := t.OnFailure; d != nil {
			tr.Stream.OnFailure = arn.Queue(d.Name)
			if d.Kind == stack.DestinationTopic {
				tr.Stream.OnFailure = arn.Topic(d.Name)
			}
		}
		tr.LastProcessingResult = "No records processed"
		st, ok := states[id]
		switch {
		case ok:
			tr.State, tr.StateTransitionReason, tr.LastProcessingResult, tr.LastModified = st.State, st.StateTransitionReason, st.LastProcessingResult, st.LastModified
		case startErr != nil:
			tr.State, tr.StateTransitionReason = "Creating", "PROBLEM: the Kafka poller did not start: "+startErr.Error()
		case !t.Enabled:
			tr.State = "Disabled"
		default:
			tr.State = "Creating"
		}
		out = append(out, tr)
	}
	return out
}

// kafkaAccess are a trigger's SourceAccessConfigurations: its secrets'
// roles and ARNs, never their values.
func kafkaAccess(a *stack.KafkaAuth) []awsapi.SourceAccess {
	if a == nil {
		return nil
	}
	out := []awsapi.SourceAccess{{Type: a.Mechanism, URI: a.SecretARN}}
	if a.RootCASecretARN != "" {
		out = append(out, awsapi.SourceAccess{Type: stack.KafkaAuthRootCA, URI: a.RootCASecretARN})
	}
	return out
}
