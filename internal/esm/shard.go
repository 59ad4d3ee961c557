package esm

import (
	"context"
	"encoding/json"
	"hash/fnv"
	"time"

	"github.com/verge-edge/verge/internal/wait"
)

// A window is a shard's open tumbling window, kept in its checkpoint.
type window struct {
	Start time.Time       `json:"start"`
	End   time.Time       `json:"end"`
	State json.RawMessage `json:"state"`
	// Early is set when the state passed 1 MB: the next invocation ends
	// the window early, and the window goes on with a fresh state.
	Early bool `json:"early,omitempty"`
}

// A lane is one of a shard's ParallelizationFactor sequences of batches:
// a partition key always maps to the same lane, which runs one batch at a
// time, so each key's records are processed in order.
type lane struct {
	queue []*entry // read, not yet in a batch
	busy  bool
}

// A report is what a batch's worker tells its shard: records settled (in
// order), the window state after them, and, last, that it is done.
type report struct {
	lane    int
	settled []*entry
	state   json.RawMessage // the window's new state; nil when unchanged
	closed  bool            // the window's final invocation succeeded or was given up
	early   bool            // the state passed 1 MB
	done    bool            // the worker has returned
}

// A shard runs one shard of a mapping: a reader goroutine reads records
// into the lanes' queues, batches go to worker goroutines, and the
// checkpoint follows the records settled without a gap.
type shard struct {
	r            *runner
	cfg          *Mapping
	id           string
	gen          context.Context // the mapping's run; ends on removal and Close
	cp           checkpoint      // as last written
	log          []*entry        // records read and not behind the checkpoint, in order
	lanes        []lane
	queued, busy int
	ended        bool // the reader has read the shard to its end
	reports      chan report
}

// run follows the shard from cp until the mapping stops or the shard is
// finished; finished reports the latter.
func (s *shard) run(cp checkpoint) (finished bool) {
	s.cp = cp
	s.lanes = make([]lane, s.cfg.lanes())
	s.reports = make(chan report, 16)
	reads := make(chan Read)
	readCtx, stopReading := context.WithCancel(s.gen)
	defer stopReading()
	s.r.m.wg.Add(1)
	go func() {
		defer s.r.m.wg.Done()
		s.read(readCtx, cp.Pos, reads)
	}()

	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	limit := s.cfg.BatchSize * len(s.lanes)
	for {
		stopping := s.gen.Err() != nil
		if !stopping {
			if next := s.dispatch(s.r.m.o.Now()); !next.IsZero() {
				timer.Reset(max(time.Until(next), time.Millisecond))
			}
		}
		if stopping && s.busy == 0 {
			return false
		}
		if s.ended && s.busy == 0 && len(s.log) == 0 && s.cp.Window == nil {
			s.cp.Finished = true
			return s.save()
		}
		in := reads
		if s.queued >= limit || s.ended || stopping {
			in = nil
		}
		var cancelled <-chan struct{}
		if !stopping {
			cancelled = s.gen.Done()
		}
		select {
		case rd, ok := <-in:
			if !ok {
				s.ended = true
				continue
			}
			s.add(rd.Records)
			if rd.End {
				s.ended = true
			}
		case rep := <-s.reports:
			s.settle(rep)
		case <-timer.C:
		case <-cancelled:
		}
	}
}

// read reads the shard from pos into out until it ends or ctx does, then
// closes out.
func (s *shard) read(ctx context.Context, pos Position, out chan<- Read) {
	defer close(out)
	src := s.cfg.Source
	maxRecords := min(s.cfg.BatchSize*len(s.lanes), maxBatchSize)
	problem := time.Duration(0)
	for ctx.Err() == nil {
		rd, err := src.Read(ctx, s.id, pos, maxRecords, maxPayload, readWait)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			problem = min(max(2*problem, problemFirst), problemMax)
			s.r.setResult(ResultSourceError)
			s.r.m.log.Warn("esm: reading a shard failed", "mapping", s.cfg.UUID, "shard", s.id, "err", err)
			wait.Sleep(ctx, problem)
			continue
		}
		problem = 0
		s.r.setBehind(s.id, rd.Behind)
		if n := len(rd.Records); n > 0 {
			pos = Position{After: rd.Records[n-1].Seq}
		}
		if len(rd.Records) == 0 && !rd.End {
			continue
		}
		select {
		case out <- rd:
		case <-ctx.Done():
			return
		}
		if rd.End {
			return
		}
	}
}

// add queues records read, each on its key's lane.
func (s *shard) add(recs []Record) {
	now := s.r.m.o.Now()
	for _, rec := range recs {
		e := &entry{rec: rec, read: now}
		s.log = append(s.log, e)
		l := &s.lanes[laneOf(rec.Key, len(s.lanes))]
		l.queue = append(l.queue, e)
		s.queued++
	}
}

func laneOf(key string, n int) int {
	if n == 1 {
		return 0
	}
	h := fnv.New32a()
	h.Write([]byte(key))
	return int(h.Sum32() % uint32(n))
}

// settle applies a worker's report and moves the checkpoint past the
// records now settled without a gap.
func (s *shard) settle(rep report) {
	for _, e := range rep.settled {
		e.settled = true
	}
	changed := false
	if w := s.cp.Window; w != nil {
		switch {
		case rep.closed:
			s.cp.Window, changed = nil, true
		case rep.early:
			w.State, w.Early, changed = rep.state, true, true
		case rep.state != nil:
			w.State, w.Early, changed = rep.state, false, true
		}
	}
	n := 0
	for n < len(s.log) && s.log[n].settled {
		n++
	}
	if n > 0 {
		s.cp.Pos = Position{After: s.log[n-1].rec.Seq}
		clear(s.log[:n])
		s.log = s.log[n:]
		changed = true
	}
	if changed {
		s.save()
	}
	if rep.done {
		s.lanes[rep.lane].busy = false
		s.busy--
	}
}

// save writes the checkpoint, retrying until JetStream has it or Close
// gives up; it reports success.
func (s *shard) save() bool {
	m := s.r.m
	problem := time.Duration(0)
	for {
		err := m.cps.put(m.hard, s.cfg.UUID, s.id, s.cp)
		if err == nil {
			return true
		}
		if m.hard.Err() != nil {
			return false
		}
		m.log.Warn("esm: writing a checkpoint failed", "mapping", s.cfg.UUID, "shard", s.id, "err", err)
		problem = min(max(2*problem, problemFirst), problemMax)
		wait.Sleep(m.hard, problem)
	}
}

// dispatch starts a batch on every idle lane whose batch is ready, and
// returns when the next one may be (zero for none).
func (s *shard) dispatch(now time.Time) (next time.Time) {
	if s.cfg.TumblingWindow > 0 {
		return s.dispatchWindow(now)
	}
	for i := range s.lanes {
		l := &s.lanes[i]
		if l.busy || len(l.queue) == 0 {
			continue
		}
		n, full := cut(l.queue, s.cfg.BatchSize, maxPayload-len(eventStart)-len(eventEnd))
		due := l.queue[0].read.Add(s.cfg.MaxBatchWindow)
		if !full && !s.ended && now.Before(due) {
			next = earliest(next, due)
			continue
		}
		s.start(i, n, nil)
	}
	return next
}

// dispatchWindow is dispatch for a tumbling window: a batch holds records
// of the open window only, and when the window ends (by the clock, or
// because a later record is read) it gets a final invocation.
func (s *shard) dispatchWindow(now time.Time) (next time.Time) {
	l := &s.lanes[0]
	if l.busy {
		return next
	}
	w := s.cp.Window
	if w == nil {
		if len(l.queue) == 0 {
			return next
		}
		start, end := windowOf(l.queue[0].rec.Arrival, s.cfg.TumblingWindow)
		w = &window{Start: start, End: end, State: json.RawMessage("{}")}
		s.cp.Window = w
	}
	call := &windowCall{start: w.Start, end: w.End, state: w.State, shard: s.id, arn: s.cfg.Source.ARN()}
	if w.Early {
		call.final, call.early = true, true
		s.start(0, 0, call)
		return next
	}
	in := 0
	for in < len(l.queue) && l.queue[in].rec.Arrival.Before(w.End) {
		in++
	}
	closing := in < len(l.queue) || s.ended || !now.Before(w.End)
	n, full := cut(l.queue[:in], s.cfg.BatchSize, maxPayload-len(eventStart)-len(eventEnd)-call.overhead())
	switch {
	case closing:
		call.final = n == in
	case in == 0:
		return w.End
	case !full && now.Before(l.queue[0].read.Add(s.cfg.MaxBatchWindow)):
		return earliest(w.End, l.queue[0].read.Add(s.cfg.MaxBatchWindow))
	}
	s.start(0, n, call)
	return next
}

func earliest(a, b time.Time) time.Time {
	if a.IsZero() || b.Before(a) {
		return b
	}
	return a
}

// start hands the first n records of lane i to a worker.
func (s *shard) start(i, n int, call *windowCall) {
	l := &s.lanes[i]
	batch := l.queue[:n:n]
	l.queue = l.queue[n:]
	s.queued -= n
	l.busy = true
	s.busy++
	s.r.m.wg.Add(1)
	go func() {
		defer s.r.m.wg.Done()
		s.work(i, batch, call)
		s.reports <- report{lane: i, done: true}
	}()
}
