package engine

import (
	"context"
	"errors"
	"time"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/awsapi"
	"github.com/verge-edge/verge/internal/esm"
	"github.com/verge-edge/verge/internal/functions"
	"github.com/verge-edge/verge/internal/functions/async"
	"github.com/verge-edge/verge/internal/kinesis"
	"github.com/verge-edge/verge/internal/stack"
)

// streamConfigs are the plan's Kinesis streams as the stream service
// takes them.
func streamConfigs(plan *stack.Plan) []kinesis.StreamConfig {
	out := make([]kinesis.StreamConfig, 0, len(plan.Streams))
	for _, s := range plan.Streams {
		out = append(out, kinesis.StreamConfig{Name: s.Name, ShardCount: s.ShardCount, Mode: s.Mode,
			RetentionHours: s.RetentionHours, Tags: s.Tags})
	}
	return out
}

// streamMapping is a stream trigger as the stream mappings run it, its
// records read from src. source is the mapping's EventSourceArn, which
// names it: the stream's, or the consumer's it reads through.
func streamMapping(t stack.StreamTrigger, source string, src esm.Source) esm.Mapping {
	m := esm.Mapping{
		UUID: awsapi.MappingUUID(t.Function, source), Function: t.Function, FunctionARN: arn.Function(t.Function, ""), Source: src,
		BatchSize: t.BatchSize, MaxBatchWindow: time.Duration(t.MaxBatchWindowSeconds) * time.Second,
		StartingPosition: t.StartingPosition, MaximumRetryAttempts: t.MaximumRetryAttempts,
		BisectBatchOnFunctionError: t.BisectBatchOnFunctionError, ParallelizationFactor: t.ParallelizationFactor,
		ReportBatchItemFailures: t.ReportBatchItemFailures, TumblingWindow: time.Duration(t.TumblingWindowSeconds) * time.Second,
		Enabled: t.Enabled,
	}
	if t.StartingPositionTimestamp > 0 {
		m.StartingTimestamp = time.UnixMilli(int64(t.StartingPositionTimestamp * 1000))
	}
	if t.MaximumRecordAgeSeconds > 0 {
		m.MaximumRecordAge = time.Duration(t.MaximumRecordAgeSeconds) * time.Second
	}
	m.OnFailure = esmDestination(t.OnFailure)
	return m
}

// applyStreams makes the plan's streams and tables exist, registers the
// consumers its triggers read through, and runs its stream triggers. Like
// applyMessaging it runs in a Commit and logs what fails.
func (ev *eventSide) applyStreams(ctx context.Context, plan *stack.Plan) {
	streams, mgr := ev.streaming()
	if streams == nil {
		return
	}
	if err := streams.Apply(ctx, streamConfigs(plan)); err != nil {
		ev.logger.Error("applying the stack's streams", "err", err)
	}
	ev.applyTables(ctx, plan)
	ms := make([]esm.Mapping, 0, len(plan.StreamTriggers))
	consumers := map[string]string{}
	for _, t := range plan.StreamTriggers {
		source := triggerSource(t, nil)
		if t.Kind == stack.TriggerKinesis && t.Consumer != "" {
			c, err := ensureConsumer(ctx, streams, t)
			if err != nil {
				ev.logger.Error("registering a stream trigger's consumer", "function", t.Function, "stream", t.Stream, "err", err)
				continue
			}
			source = c.ARN
			consumers[t.Stream+"\x00"+t.Consumer] = c.ARN
		}
		src, err := ev.streamSource(streams, t)
		if err != nil {
			ev.logger.Error("reading a stream trigger's stream", "function", t.Function, "kind", t.Kind, "stream", t.Stream, "err", err)
			continue
		}
		ms = append(ms, streamMapping(t, source, src))
	}
	ev.mu.Lock()
	ev.consumers = consumers
	ev.mu.Unlock()
	if err := mgr.Apply(ms); err != nil {
		ev.logger.Error("applying the stack's stream triggers", "err", err)
	}
	ev.keepSources(plan)
}

// triggerSource is the EventSourceArn of trigger t, which names its
// mapping: a table's stream, a Kinesis stream, or the consumer (of
// consumers, by stream and name) it reads through.
func triggerSource(t stack.StreamTrigger, consumers map[string]string) string {
	if t.Kind == stack.TriggerDynamoDB {
		return arn.TableStream(t.Stream)
	}
	if c, ok := consumers[t.Stream+"\x00"+t.Consumer]; ok && t.Consumer != "" {
		return c
	}
	return arn.Stream(t.Stream)
}

// ensureConsumer registers the consumer t reads through, or finds it
// registered.
func ensureConsumer(ctx context.Context, streams *kinesis.Service, t stack.StreamTrigger) (kinesis.Consumer, error) {
	c, err := streams.RegisterConsumer(ctx, arn.Stream(t.Stream), t.Consumer)
	if errors.Is(err, &kinesis.Error{Code: kinesis.CodeResourceInUse}) {
		return streams.Consumer(ctx, arn.Stream(t.Stream), t.Consumer, "")
	}
	return c, err
}

// sourceKey names a trigger's source: its records name the function's
// role, and it reads through its consumer.
func sourceKey(t stack.StreamTrigger) string {
	return t.Kind + "\x00" + t.Stream + "\x00" + t.Consumer + "\x00" + t.Function
}

// streamSource is the source a trigger reads. The same trigger gets the
// same source at every apply: a new one would restart its mapping.
func (ev *eventSide) streamSource(streams *kinesis.Service, t stack.StreamTrigger) (esm.Source, error) {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	k := sourceKey(t)
	if src, ok := ev.sources[k]; ok {
		return src, nil
	}
	var src esm.Source
	var err error
	if t.Kind == stack.TriggerDynamoDB {
		src, err = ev.tables.StreamSource(t.Stream)
	} else {
		src, err = streams.SourceAs(t.Stream, t.Consumer, arn.Role(t.Function))
	}
	if err != nil {
		return nil, err
	}
	if ev.sources == nil {
		ev.sources = map[string]esm.Source{}
	}
	ev.sources[k] = src
	return src, nil
}

// keepSources forgets the sources of triggers plan no longer has.
func (ev *eventSide) keepSources(plan *stack.Plan) {
	keep := make(map[string]bool, len(plan.StreamTriggers))
	for _, t := range plan.StreamTriggers {
		keep[sourceKey(t)] = true
	}
	ev.mu.Lock()
	defer ev.mu.Unlock()
	for k := range ev.sources {
		if !keep[k] {
			delete(ev.sources, k)
		}
	}
}

// invokeStream runs one batch of a stream trigger synchronously, as
// Lambda's stream pollers do.
func (ev *eventSide) invokeStream(ctx context.Context, fn string, payload []byte) (esm.Result, error) {
	resp, err := ev.lambdas.Invoke(ctx, &functions.Request{Function: fn, Payload: payload})
	if err != nil {
		return esm.Result{}, err
	}
	return esm.Result{Payload: resp.Payload, FunctionError: resp.FunctionError}, nil
}

// sendFailure delivers a stream batch's failure record to its onFailure
// queue or topic.
func (ev *eventSide) sendFailure(ctx context.Context, d esm.Destination, record []byte) error {
	kind := async.KindQueue
	if d.Kind == "sns" {
		kind = async.KindTopic
	}
	return ev.send(ctx, kind, d.Name, record)
}

// streaming returns the stream service and the stream triggers' manager,
// nil before the event side starts.
func (ev *eventSide) streaming() (*kinesis.Service, *esm.Manager) {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	return ev.streams, ev.streamESM
}

// openStreams is the Kinesis API's backend: the stream service, starting
// the event side when no plan has yet.
func (ev *eventSide) openStreams(ctx context.Context) (kinesis.API, error) {
	if err := ev.ensure(ctx); err != nil {
		return nil, err
	}
	streams, _ := ev.streaming()
	if streams == nil {
		return nil, errEventSideClosed
	}
	return streams, nil
}

// streamTriggers lists plan's stream triggers as Lambda's event source
// mappings, with their states.
func (ev *eventSide) streamTriggers(plan *stack.Plan) []awsapi.Trigger {
	var states map[string]esm.State
	if _, mgr := ev.streaming(); mgr != nil {
		states = mgr.States()
	}
	ev.mu.Lock()
	consumers := ev.consumers
	ev.mu.Unlock()
	out := make([]awsapi.Trigger, 0, len(plan.StreamTriggers))
	for _, t := range plan.StreamTriggers {
		src := triggerSource(t, consumers)
		tr := awsapi.Trigger{Function: t.Function, Source: src, BatchSize: t.BatchSize, MaxBatchingWindow: t.MaxBatchWindowSeconds,
			Stream: &awsapi.StreamSettings{StartingPosition: t.StartingPosition, MaximumRetryAttempts: t.MaximumRetryAttempts,
				MaximumRecordAgeInSeconds: t.MaximumRecordAgeSeconds, BisectBatchOnFunctionError: t.BisectBatchOnFunctionError,
				ParallelizationFactor: t.ParallelizationFactor, TumblingWindowInSeconds: t.TumblingWindowSeconds}}
		if t.ReportBatchItemFailures {
			tr.FunctionResponseTypes = []string{"ReportBatchItemFailures"}
		}
		if t.StartingPositionTimestamp > 0 {
			tr.Stream.StartingPositionTimestamp = time.UnixMilli(int64(t.StartingPositionTimestamp * 1000))
		}
		if d := t.OnFailure; d != nil {
			tr.Stream.OnFailure = arn.Queue(d.Name)
			if d.Kind == stack.DestinationTopic {
				tr.Stream.OnFailure = arn.Topic(d.Name)
			}
		}
		if st, ok := states[awsapi.MappingUUID(t.Function, src)]; ok {
			tr.State, tr.LastProcessingResult, tr.LastModified = st.State, st.LastProcessingResult, st.LastModified
		}
		out = append(out, tr)
	}
	return out
}
