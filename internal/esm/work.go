package esm

import (
	"context"
	"encoding/json"
	"time"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/uid"
	"github.com/verge-edge/verge/internal/wait"
)

// A piece is a batch, or part of one after bisection or a partial
// failure, with the attempts made on it so far.
type piece struct {
	entries []*entry
	retries int // failed attempts counted toward MaximumRetryAttempts
	invokes int // invocations that reached the function
}

// What became of one attempt.
type attempt int

const (
	succeeded attempt = iota
	partial           // batchItemFailures: the records before the first failure succeeded
	failedAttempt
	throttled
)

// work invokes the function with a batch until every record is settled
// (processed, or given up on and reported to OnFailure) or the mapping
// stops; records it leaves unsettled are read again on the next run.
func (s *shard) work(lane int, batch []*entry, call *windowCall) {
	pieces := []piece{{entries: batch}}
	for len(pieces) > 0 {
		p := pieces[0]
		pieces = pieces[1:]
		split, ok := s.process(lane, p, call)
		if !ok {
			return
		}
		pieces = append(split, pieces...)
	}
}

// process runs one piece to its end. It returns the halves to run
// instead when it bisects, and ok false when the mapping stopped.
func (s *shard) process(lane int, p piece, call *windowCall) (split []piece, ok bool) {
	cfg := s.cfg
	m := s.r.m
	throttle, retry := retryFirst, retryFirst
	var lastError string
	for {
		if s.gen.Err() != nil {
			return nil, false
		}
		if old := s.aged(p.entries); old > 0 {
			// The window goes on: a final invocation is still made,
			// without these records if need be.
			s.giveUp(lane, p.entries[:old], conditionAge, p.invokes, lastError, nil)
			if p.entries = p.entries[old:]; len(p.entries) == 0 && (call == nil || !call.final) {
				return nil, true
			}
		}
		res, err := m.o.Invoke(m.hard, cfg.Function, appendEvent(make([]byte, 0, eventSize(p.entries, call)), p.entries, call))
		outcome, resp, why := s.judge(p.entries, res, err, call)
		switch outcome {
		case throttled:
			s.r.setResult(ResultThrottled)
			if !wait.Sleep(s.gen, throttle) {
				return nil, false
			}
			throttle = min(2*throttle, retryMax)
			continue
		case succeeded:
			s.r.setResult(ResultOK)
			s.report(lane, p.entries, resp.state, call)
			return nil, true
		}
		p.invokes++
		lastError = res.FunctionError
		if err != nil {
			lastError = functionUnhandled
		}
		s.r.setResult(ResultFailed)
		if errs.Is(errs.NotFound, err) {
			s.r.setResult(ResultNotFound)
		}
		m.log.Warn("esm: batch failed", "mapping", cfg.UUID, "function", cfg.Function, "shard", s.id,
			"records", len(p.entries), "err", why)
		if outcome == partial {
			k := len(p.entries) - len(resp.failed) // see judge: failed holds the rest
			rep := report{lane: lane, settled: p.entries[:k]}
			if call != nil && !call.final && resp.state != nil {
				rep.state, call.state = resp.state, resp.state
			}
			s.reports <- rep
			p.entries = p.entries[k:]
		} else if cfg.BisectBatchOnFunctionError && len(p.entries) > 1 {
			// Splitting does not count toward the retry quota.
			h := len(p.entries) / 2
			return []piece{
				{entries: p.entries[:h], retries: p.retries, invokes: p.invokes},
				{entries: p.entries[h:], retries: p.retries, invokes: p.invokes},
			}, true
		}
		p.retries++
		if cfg.MaximumRetryAttempts != forever && p.retries > cfg.MaximumRetryAttempts {
			s.giveUp(lane, p.entries, conditionRetries, p.invokes, lastError, call)
			return nil, true
		}
		if !wait.Sleep(s.gen, retry) {
			return nil, false
		}
		retry = min(2*retry, retryMax)
	}
}

// judge classifies an attempt. For a partial failure, resp.failed is
// replaced by the records from the first failed one on, so the caller
// knows where to resume.
func (s *shard) judge(batch []*entry, res Result, err error, call *windowCall) (attempt, response, error) {
	const op errs.Op = "esm.judge"
	switch {
	case errs.Is(errs.Throttled, err):
		return throttled, response{}, err
	case err != nil:
		return failedAttempt, response{}, err
	case res.FunctionError != "":
		return failedAttempt, response{}, errs.E(op, errs.Errorf("function error %s", res.FunctionError))
	}
	resp, err := readResponse(res.Payload, s.cfg.ReportBatchItemFailures, call != nil && !call.final)
	if err != nil {
		return failedAttempt, response{}, err
	}
	if len(resp.failed) == 0 {
		return succeeded, resp, nil
	}
	k, err := firstFailed(batch, resp.failed)
	if err != nil {
		return failedAttempt, response{}, err
	}
	rest := make([]string, len(batch)-k)
	for i, e := range batch[k:] {
		rest[i] = e.rec.Seq
	}
	resp.failed = rest
	return partial, resp, errs.E(op, errs.Errorf("%d of %d records failed from %s on", len(rest), len(batch), rest[0]))
}

// aged is how many records at the front of batch are past
// MaximumRecordAge.
func (s *shard) aged(batch []*entry) int {
	now := s.r.m.o.Now()
	n := 0
	for n < len(batch) && s.cfg.expired(batch[n].rec.Arrival, now) {
		n++
	}
	return n
}

// report tells the shard that records are settled, with the window state
// after them. A window's final invocation closes it; one that ended it
// early starts it again with a fresh state; a state over the limit ends
// it early.
func (s *shard) report(lane int, done []*entry, state json.RawMessage, call *windowCall) {
	rep := report{lane: lane, settled: done}
	switch {
	case call == nil:
	case call.early:
		rep.state = json.RawMessage("{}")
	case call.final:
		rep.closed = true
	case len(state) > maxWindowState:
		rep.state, rep.early = state, true
	default:
		rep.state = state
	}
	s.reports <- rep
}

// giveUp sends a batch's failure record to OnFailure and settles its
// records: the shard moves on. With call, the window invocation is over
// too (a final one closes the window).
func (s *shard) giveUp(lane int, batch []*entry, condition string, invokes int, lastError string, call *windowCall) {
	cfg := s.cfg
	m := s.r.m
	g := giveUp{
		requestID: uid.New(), functionARN: cfg.FunctionARN, condition: condition,
		invokes: invokes, lastError: lastError, invoked: invokes > 0,
		at: m.o.Now(), shard: s.id, source: cfg.Source, records: records(batch),
	}
	if len(batch) > 0 {
		s.send(&g)
	}
	if call != nil {
		// The window's state stays as it was before these records.
		call = &windowCall{final: call.final, early: call.early}
	}
	s.report(lane, batch, nil, call)
}

// send delivers a failure record, or logs it when there is no
// destination or it cannot be delivered.
func (s *shard) send(g *giveUp) {
	cfg := s.cfg
	m := s.r.m
	log := m.log.With("mapping", cfg.UUID, "function", cfg.Function, "shard", s.id, "condition", g.condition,
		"from", g.records[0].Seq, "to", g.records[len(g.records)-1].Seq, "records", len(g.records))
	body, err := g.marshal()
	if err != nil {
		log.Error("esm: building a failure record failed", "err", err)
		return
	}
	if cfg.OnFailure == nil || m.o.Send == nil {
		log.Warn("esm: records discarded")
		return
	}
	ctx, cancel := context.WithTimeout(m.hard, 30*time.Second)
	defer cancel()
	if err := m.o.Send(ctx, *cfg.OnFailure, body); err != nil {
		log.Error("esm: sending a failure record failed; records discarded", "destination", cfg.OnFailure.Name, "err", err)
		return
	}
	log.Info("esm: records discarded, failure record sent", "destination", cfg.OnFailure.Name)
}
