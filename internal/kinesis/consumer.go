package kinesis

import (
	"context"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/verge-edge/verge/internal/arn"
)

// consumerARN is AWS's: STREAM_ARN/consumer/NAME:CREATION_EPOCH_SECONDS.
func consumerARN(streamARN string, c consumerMeta) string {
	return streamARN + "/consumer/" + c.Name + ":" + strconv.FormatInt(c.Created, 10)
}

func (st *stream) consumer(c consumerMeta) Consumer {
	return Consumer{Name: c.Name, ARN: consumerARN(st.arn, c), Status: StatusActive, Created: time.Unix(c.Created, 0), Stream: st.arn}
}

// streamOfARN is the stream name in a stream or consumer ARN.
func streamOfARN(a string) (string, bool) {
	p := arn.Stream("")
	if !strings.HasPrefix(a, p) {
		return "", false
	}
	name, _, _ := strings.Cut(a[len(p):], "/")
	return name, name != ""
}

// RegisterConsumer registers an enhanced fan-out consumer of a stream
// (given by name or ARN). It is ACTIVE at once.
func (s *Service) RegisterConsumer(ctx context.Context, stream, name string) (Consumer, error) {
	if err := validName("consumerName", name); err != nil {
		return Consumer{}, err
	}
	if n, ok := streamOfARN(stream); ok {
		stream = n
	}
	st, err := s.get(stream)
	if err != nil {
		return Consumer{}, err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, c := range st.m.Consumers {
		if c.Name == name {
			return Consumer{}, fail(CodeResourceInUse, "Consumer %s under stream %s already exists for account %s.", consumerARN(st.arn, c), st.m.Name, arn.Account)
		}
	}
	if len(st.m.Consumers) >= MaxConsumers {
		return Consumer{}, fail(CodeLimitExceeded, "Consumer limit of %d has been reached for stream %s under account %s.", MaxConsumers, st.m.Name, arn.Account)
	}
	c := consumerMeta{Name: name, Created: s.now().Unix()}
	st.m.Consumers = append(st.m.Consumers, c)
	if err := s.save(ctx, st); err != nil {
		st.m.Consumers = st.m.Consumers[:len(st.m.Consumers)-1]
		return Consumer{}, err
	}
	return st.consumer(c), nil
}

// findConsumer is the consumer named by ARN, or by stream and name.
func (s *Service) findConsumer(stream, name, consumerARN string) (*stream, consumerMeta, error) {
	if consumerARN != "" {
		n, ok := streamOfARN(consumerARN)
		if !ok {
			return nil, consumerMeta{}, fail(CodeInvalidArgument, "Invalid ConsumerARN %s.", consumerARN)
		}
		stream = n
	} else if n, ok := streamOfARN(stream); ok {
		stream = n
	}
	st, err := s.get(stream)
	if err != nil {
		return nil, consumerMeta{}, err
	}
	st.mu.RLock()
	defer st.mu.RUnlock()
	for _, c := range st.m.Consumers {
		if consumerARN != "" && consumerARN == st.consumer(c).ARN || consumerARN == "" && c.Name == name {
			return st, c, nil
		}
	}
	what := consumerARN
	if what == "" {
		what = name
	}
	return nil, consumerMeta{}, fail(CodeResourceNotFound, "Consumer %s under stream %s not found for account %s.", what, stream, arn.Account)
}

// Consumer describes a consumer, by ARN or by stream and name.
func (s *Service) Consumer(ctx context.Context, stream, name, consumerARN string) (Consumer, error) {
	st, c, err := s.findConsumer(stream, name, consumerARN)
	if err != nil {
		return Consumer{}, err
	}
	return st.consumer(c), nil
}

// Consumers lists a stream's consumers in registration order.
func (s *Service) Consumers(ctx context.Context, stream string) ([]Consumer, error) {
	if n, ok := streamOfARN(stream); ok {
		stream = n
	}
	st, err := s.get(stream)
	if err != nil {
		return nil, err
	}
	st.mu.RLock()
	defer st.mu.RUnlock()
	out := make([]Consumer, 0, len(st.m.Consumers))
	for _, c := range st.m.Consumers {
		out = append(out, st.consumer(c))
	}
	return out, nil
}

// DeregisterConsumer removes a consumer, by ARN or by stream and name.
func (s *Service) DeregisterConsumer(ctx context.Context, stream, name, consumerARN string) error {
	st, c, err := s.findConsumer(stream, name, consumerARN)
	if err != nil {
		return err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	for i, o := range st.m.Consumers {
		if o == c {
			st.m.Consumers = append(st.m.Consumers[:i:i], st.m.Consumers[i+1:]...)
			break
		}
	}
	return s.save(ctx, st)
}

// A subscription is SubscribeToShard's event stream.
type subscription struct {
	s       *Service
	st      *stream
	sh      *shard
	key     string
	from    uint64
	at      int64
	started time.Time
	last    time.Time // the last event
	done    bool      // the shard's end was sent
	stop    chan struct{}
	once    sync.Once
}

// SubscribeToShard starts pushing a shard's records to a consumer for 5
// minutes. One subscription per consumer and shard may be active.
func (s *Service) SubscribeToShard(ctx context.Context, consumerARN, shardID string, start IteratorInput) (Subscription, error) {
	st, c, err := s.findConsumer("", "", consumerARN)
	if err != nil {
		return nil, err
	}
	_, sh, err := s.lookup(st.m.Name, shardID)
	if err != nil {
		return nil, err
	}
	st.mu.RLock()
	from, at, err := s.position(st, sh, start)
	st.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	key := consumerARN + "\x00" + shardID
	s.mu.Lock()
	if s.subs[key] {
		s.mu.Unlock()
		return nil, fail(CodeResourceInUse, "Another active subscription exists for this consumer: %s:%s:%s:%s", arn.Account, st.m.Name, shardID, c.Name)
	}
	s.subs[key] = true
	s.mu.Unlock()
	now := s.now()
	return &subscription{s: s, st: st, sh: sh, key: key, from: from, at: at, started: now, last: now, stop: make(chan struct{})}, nil
}

// Next returns the next event: records as soon as any are put, an empty
// event after SubscribeHeartbeat without any, io.EOF after
// SubscriptionLife, once a closed shard's end was sent, or once Close was
// called (from any goroutine). One goroutine calls Next at a time.
func (sub *subscription) Next(ctx context.Context) (SubscribeEvent, error) {
	for {
		select {
		case <-sub.stop:
			return SubscribeEvent{}, io.EOF
		default:
		}
		if sub.done {
			sub.Close()
			return SubscribeEvent{}, io.EOF
		}
		now := sub.s.now()
		if now.Sub(sub.started) >= SubscriptionLife {
			sub.Close()
			return SubscribeEvent{}, io.EOF
		}
		if sub.st.gone.Load() {
			sub.Close()
			return SubscribeEvent{}, fail(CodeResourceNotFound, "Stream %s under account %s not found.", sub.st.m.Name, arn.Account)
		}
		wake := sub.sh.waiter()
		out, next, end, err := sub.s.read(ctx, sub.st, sub.sh, sub.from, sub.at, MaxGetRecords, MaxGetRecordsBytes)
		if err != nil {
			return SubscribeEvent{}, err
		}
		sub.at = 0
		if len(out.Records) > 0 || end || now.Sub(sub.last) >= SubscribeHeartbeat {
			return sub.event(out, next, end, now), nil
		}
		wait := SubscribeHeartbeat - now.Sub(sub.last)
		t := time.NewTimer(min(wait, SubscriptionLife-now.Sub(sub.started)))
		select {
		case <-wake:
		case <-t.C:
		case <-sub.s.closed:
			t.Stop()
			sub.Close()
			return SubscribeEvent{}, io.EOF
		case <-sub.stop:
			t.Stop()
			return SubscribeEvent{}, io.EOF
		case <-ctx.Done():
			t.Stop()
			return SubscribeEvent{}, ctx.Err()
		}
		t.Stop()
	}
}

// event is one SubscribeToShardEvent of what read returned.
func (sub *subscription) event(out Records, next uint64, end bool, now time.Time) SubscribeEvent {
	sub.from, sub.last = next, now
	ev := SubscribeEvent{Records: out.Records, MillisBehindLatest: out.MillisBehind, ChildShards: out.ChildShards}
	if end {
		sub.done = true
		return ev // AWS sends no continuation at a shard's end
	}
	// AFTER_SEQUENCE_NUMBER of this resumes at next.
	ev.ContinuationSequenceNumber = seq{tag: sub.st.tag, shard: sub.sh.idx, js: next - 1, ms: now.UnixMilli()}.String()
	if n := len(out.Records); n > 0 {
		ev.ContinuationSequenceNumber = out.Records[n-1].Sequence
	}
	return ev
}

// Close ends the subscription, freeing its consumer and shard; a Next
// waiting returns io.EOF.
func (sub *subscription) Close() {
	sub.once.Do(func() {
		close(sub.stop)
		sub.s.mu.Lock()
		delete(sub.s.subs, sub.key)
		sub.s.mu.Unlock()
	})
}
