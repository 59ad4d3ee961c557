package kafka

import (
	"context"
	"encoding/base64"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/triggers/kafka"
	"github.com/verge-edge/verge/internal/uid"
	"github.com/verge-edge/verge/internal/wait"
)

// A piece is a batch, or half of one after bisection, with the attempts
// made on it so far.
type piece struct {
	recs    []*kgo.Record
	retries int // failed attempts counted toward MaximumRetryAttempts
	invokes int // invocations that reached the function
}

// work invokes the function with a batch of one partition until every
// record is settled (processed, or given up on and reported to
// OnFailure); it returns false when the mapping stopped first.
func (r *runner) work(batch []*kgo.Record) bool {
	pieces := []piece{{recs: batch}}
	for len(pieces) > 0 {
		p := pieces[0]
		pieces = pieces[1:]
		split, ok := r.process(p)
		if !ok {
			return false
		}
		pieces = append(split, pieces...)
	}
	return true
}

// process runs one piece to its end; it returns the halves to run
// instead when it bisects, and ok false when the mapping stopped.
func (r *runner) process(p piece) (split []piece, ok bool) {
	cfg := &r.cfg
	m := r.m
	throttle, retry := retryFirst, retryFirst
	payload := r.event(p.recs)
	for {
		if r.gen.Err() != nil {
			return nil, false
		}
		res, err := m.o.Invoke(m.hard, cfg.Function, payload)
		switch {
		case errs.Is(errs.Throttled, err):
			r.setResult(ResultThrottled)
			if !wait.Sleep(r.gen, throttle) {
				return nil, false
			}
			throttle = min(2*throttle, retryMax)
			continue
		case err == nil && res.FunctionError == "":
			r.setResult(ResultOK)
			return nil, true
		}
		p.invokes++
		lastError := res.FunctionError
		if err != nil {
			lastError = functionUnhandled
			if m.hard.Err() != nil {
				return nil, false // Close gave up on the invocation
			}
		}
		r.setResult(ResultFailed)
		if errs.Is(errs.NotFound, err) {
			r.setResult(ResultNotFound)
		}
		r.log.Warn("kafka: batch failed", "partition", p.recs[0].Partition, "from", p.recs[0].Offset,
			"records", len(p.recs), "functionError", res.FunctionError, "err", err)
		if cfg.BisectBatchOnFunctionError && len(p.recs) > 1 {
			// Splitting does not count toward the retry quota.
			h := len(p.recs) / 2
			return []piece{
				{recs: p.recs[:h], retries: p.retries, invokes: p.invokes},
				{recs: p.recs[h:], retries: p.retries, invokes: p.invokes},
			}, true
		}
		p.retries++
		if cfg.MaximumRetryAttempts != forever && p.retries > cfg.MaximumRetryAttempts {
			r.giveUp(p, lastError, len(payload))
			return nil, true
		}
		if !wait.Sleep(r.gen, retry) {
			return nil, false
		}
		retry = min(2*retry, retryMax)
	}
}

// event is the function's event for a batch of one partition.
func (r *runner) event(recs []*kgo.Record) []byte {
	batch := make([]kafka.Record, len(recs))
	size := overhead(r.bootstrap, r.cfg.Topic)
	for i, rec := range recs {
		batch[i] = toEvent(rec)
		size += kafka.Size(&batch[i])
	}
	return kafka.Append(make([]byte, 0, size), r.bootstrap, batch)
}

func toEvent(rec *kgo.Record) kafka.Record {
	e := kafka.Record{
		Topic: rec.Topic, Partition: rec.Partition, Offset: rec.Offset, Timestamp: rec.Timestamp,
		LogAppendTime: rec.Attrs.TimestampType() == 1, Key: rec.Key, Value: rec.Value,
	}
	if len(rec.Headers) > 0 {
		e.Headers = make([]kafka.Header, len(rec.Headers))
		for i, h := range rec.Headers {
			e.Headers[i] = kafka.Header{Key: h.Key, Value: h.Value}
		}
	}
	return e
}

// recordSize bounds the event bytes of rec, as kafka.Size does, without
// converting it.
func recordSize(rec *kgo.Record) int {
	n := 160 + 6*len(rec.Topic) + base64.StdEncoding.EncodedLen(len(rec.Key)) + base64.StdEncoding.EncodedLen(len(rec.Value))
	for _, h := range rec.Headers {
		n += 8 + 6*len(h.Key) + 5*len(h.Value)
	}
	return n
}

func overhead(bootstrap, topic string) int { return kafka.Overhead(bootstrap, topic) }

// giveUp sends a batch's failure record to OnFailure; the partition then
// moves past the batch.
func (r *runner) giveUp(p piece, lastError string, payloadSize int) {
	cfg := &r.cfg
	m := r.m
	first, last := p.recs[0], p.recs[len(p.recs)-1]
	f := failure{
		requestID: uid.New(), functionARN: cfg.FunctionARN, condition: conditionRetries,
		invokes: p.invokes, lastError: lastError, at: m.o.Now(),
		bootstrap: r.bootstrap, payloadSize: payloadSize, size: len(p.recs),
		key:   kafka.PartitionKey(first.Topic, first.Partition),
		first: position{first.Offset, first.Timestamp}, last: position{last.Offset, last.Timestamp},
	}
	log := r.log.With("partition", first.Partition, "from", first.Offset, "to", last.Offset, "records", len(p.recs))
	body := f.marshal()
	if cfg.OnFailure == nil || m.o.Send == nil {
		log.Warn("kafka: records discarded after their retries")
		return
	}
	ctx, cancel := context.WithTimeout(m.hard, 30*time.Second)
	defer cancel()
	if err := m.o.Send(ctx, *cfg.OnFailure, body); err != nil {
		log.Error("kafka: sending a failure record failed; records discarded", "destination", cfg.OnFailure.Name, "err", err)
		return
	}
	log.Info("kafka: records discarded, failure record sent", "destination", cfg.OnFailure.Name)
}
