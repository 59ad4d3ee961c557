package kafka

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/verge-edge/verge/internal/wait"
)

// A runner is one mapping's consumer: it polls its topic in the group,
// gathers each partition's records, invokes the function with them and
// commits what succeeded, all while the group cannot rebalance.
type runner struct {
	m         *Manager
	cfg       Mapping
	bootstrap string // the event's bootstrapServers
	log       *slog.Logger
	gen       context.Context // ends when the mapping stops
	cancel    context.CancelFunc
	done      chan struct{}

	mu sync.Mutex
	st State

	// revokedSet holds the partitions taken away since the last poll:
	// their gathered records are dropped, never invoked or committed.
	revMu      sync.Mutex
	revokedSet map[int32]bool

	bufs map[int32]*buffer // the poll loop's own
}

// A buffer is a partition's records gathered for its next batches.
type buffer struct {
	recs  []*kgo.Record
	bytes int
	since time.Time // when the first of recs was gathered
}

func (m *Manager) start(mp Mapping, prev <-chan struct{}) *runner {
	gen, cancel := context.WithCancel(m.hard)
	r := &runner{
		m: m, cfg: mp, bootstrap: strings.Join(mp.Bootstrap, ","),
		log: m.log.With("mapping", mp.UUID, "function", mp.Function, "topic", mp.Topic),
		gen: gen, cancel: cancel, done: make(chan struct{}),
		st:   State{UUID: mp.UUID, State: StateCreating, StateTransitionReason: reasonUser, LastProcessingResult: ResultNone, LastModified: m.o.Now()},
		bufs: map[int32]*buffer{}, revokedSet: map[int32]bool{},
	}
	if !mp.Enabled {
		r.st.State = StateDisabled
	}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		defer close(r.done)
		if prev != nil {
			<-prev
		}
		if mp.Enabled {
			r.run()
		}
	}()
	return r
}

// Cancel, Done and State make a runner a Run of the Manager's Set.
func (r *runner) Cancel()               { r.cancel() }
func (r *runner) Done() <-chan struct{} { return r.done }

func (r *runner) State() State {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.st
}

func (r *runner) setResult(res string) {
	r.mu.Lock()
	r.st.LastProcessingResult = res
	r.mu.Unlock()
}

// setProblem shows a problem reaching or reading the brokers; err is
// logged, never a secret (the client's errors do not hold credentials).
func (r *runner) setProblem(text string, err error) {
	r.mu.Lock()
	changed := r.st.LastProcessingResult != text
	r.st.LastProcessingResult, r.st.StateTransitionReason = text, text
	r.mu.Unlock()
	if changed {
		r.log.Warn("kafka: "+strings.TrimPrefix(text, "PROBLEM: "), "brokers", r.bootstrap, "err", err)
	}
}

// clearProblem is called once the brokers answer again.
func (r *runner) clearProblem() {
	r.mu.Lock()
	if strings.HasPrefix(r.st.StateTransitionReason, "PROBLEM") {
		r.st.StateTransitionReason = reasonUser
		r.st.LastProcessingResult = ResultNone
	}
	r.mu.Unlock()
}

// assigned runs when the group gives the consumer partitions: it has
// joined.
func (r *runner) assigned(context.Context, *kgo.Client, map[string][]int32) {
	r.mu.Lock()
	if r.st.State == StateCreating {
		r.st.State = StateEnabled
		r.log.Info("kafka: joined the consumer group", "group", r.cfg.UUID)
	}
	r.mu.Unlock()
}

// revoked runs when partitions are taken away (or lost); the poll loop is
// not processing then (BlockRebalanceOnPoll), so nothing of theirs is in
// flight.
func (r *runner) revoked(_ context.Context, _ *kgo.Client, parts map[string][]int32) {
	r.revMu.Lock()
	for _, p := range parts[r.cfg.Topic] {
		r.revokedSet[p] = true
	}
	r.revMu.Unlock()
}

// run polls until the mapping stops.
func (r *runner) run() {
	opts, err := r.clientOpts()
	if err != nil {
		r.setProblem(problem(err, r.cfg.Auth.Mechanism), err)
		<-r.gen.Done()
		return
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		r.setProblem(problem(err, r.cfg.Auth.Mechanism), err)
		<-r.gen.Done()
		return
	}
	defer cl.Close() // leaves the group
	if !r.connect(cl) {
		return
	}
	pause := problemFirst
	for r.gen.Err() == nil {
		ctx, cancel := context.WithTimeout(r.gen, r.pollTimeout())
		fs := cl.PollRecords(ctx, r.room())
		cancel()
		if fs.IsClientClosed() {
			return
		}
		r.dropRevoked()
		bad := r.fetchErrors(fs)
		fs.EachRecord(r.gather)
		if ready := r.ready(); len(ready) > 0 {
			r.dispatch(cl, ready)
		}
		cl.AllowRebalance()
		if !bad {
			pause = problemFirst
			continue
		}
		if !wait.Sleep(r.gen, pause) {
			return
		}
		pause = min(2*pause, problemMax)
	}
}

// connect pings the brokers until one answers, showing why none does.
func (r *runner) connect(cl *kgo.Client) bool {
	pause := problemFirst
	for {
		ctx, cancel := context.WithTimeout(r.gen, problemMax)
		err := cl.Ping(ctx)
		cancel()
		if r.gen.Err() != nil {
			return false
		}
		if err == nil {
			r.clearProblem()
			return true
		}
		r.setProblem(problem(err, r.cfg.Auth.Mechanism), err)
		if !wait.Sleep(r.gen, pause) {
			return false
		}
		pause = min(2*pause, problemMax)
	}
}

// fetchErrors shows the errors a poll carries (the group's and the
// partitions'); it reports whether there were any.
func (r *runner) fetchErrors(fs kgo.Fetches) bool {
	bad := false
	for _, fe := range fs.Errors() {
		if r.gen.Err() != nil || errors.Is(fe.Err, context.DeadlineExceeded) || errors.Is(fe.Err, context.Canceled) {
			continue
		}
		bad = true
		r.setProblem(problem(fe.Err, r.cfg.Auth.Mechanism), fe.Err)
	}
	if !bad && fs.NumRecords() > 0 {
		r.clearProblem()
	}
	return bad
}

// dropRevoked forgets what was gathered of partitions taken away; their
// new owner reads them from the group's committed offset.
func (r *runner) dropRevoked() {
	r.revMu.Lock()
	defer r.revMu.Unlock()
	for p := range r.revokedSet {
		delete(r.bufs, p)
		delete(r.revokedSet, p)
	}
}

// room is how many records the next poll may gather: a slow function
// leaves the rest in the client, which then stops fetching, rather than
// in memory here. It is at least one, as every round polls (a poll is
// what holds the group's rebalance back).
func (r *runner) room() int {
	n := 0
	for _, b := range r.bufs {
		n += len(b.recs)
	}
	return max(maxGathered(r.cfg.BatchSize)-n, 1)
}

func (r *runner) gather(rec *kgo.Record) {
	b := r.bufs[rec.Partition]
	if b == nil {
		b = &buffer{}
		r.bufs[rec.Partition] = b
	}
	if len(b.recs) == 0 {
		b.since = time.Now()
	}
	b.recs = append(b.recs, rec)
	b.bytes += recordSize(rec)
}

// ready takes the next batch of each partition whose batch is due: a
// full batch, 6 MB of event, or the batching window over. One batch per
// partition per round keeps a partition's order and lets each round
// commit what it settled.
func (r *runner) ready() map[int32][]*kgo.Record {
	var out map[int32][]*kgo.Record
	for p, b := range r.bufs {
		if !r.due(b) {
			continue
		}
		if out == nil {
			out = map[int32][]*kgo.Record{}
		}
		n := r.cut(b.recs)
		out[p] = b.recs[:n:n]
		for _, rec := range b.recs[:n] {
			b.bytes -= recordSize(rec)
		}
		b.recs = b.recs[n:]
	}
	return out
}

func (r *runner) due(b *buffer) bool {
	return len(b.recs) > 0 && (len(b.recs) >= r.cfg.BatchSize || b.bytes >= maxPayload ||
		time.Since(b.since) >= r.cfg.window())
}

// pollTimeout is how long the next poll may wait: until the first
// gathered batch is due, hardly at all when one is.
func (r *runner) pollTimeout() time.Duration {
	d := pollWait
	for _, b := range r.bufs {
		if len(b.recs) > 0 {
			d = min(d, max(time.Until(b.since.Add(r.cfg.window())), time.Millisecond))
		}
		if r.due(b) {
			d = time.Millisecond
		}
	}
	return d
}

// dispatch runs the due partitions' batches at once, then commits the
// offsets after the settled ones to the group, in one commit.
func (r *runner) dispatch(cl *kgo.Client, ready map[int32][]*kgo.Record) {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		done = map[int32]kgo.EpochOffset{}
	)
	for p, recs := range ready {
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := r.partition(recs)
			if last != nil {
				mu.Lock()
				done[p] = kgo.EpochOffset{Epoch: last.LeaderEpoch, Offset: last.Offset + 1}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(done) > 0 {
		r.commit(cl, done)
	}
}

// partition runs a batch of one partition and returns its last record
// once settled (nil when the mapping stopped first).
func (r *runner) partition(recs []*kgo.Record) *kgo.Record {
	if !r.work(recs) {
		return nil
	}
	return recs[len(recs)-1]
}

// cut is how many of recs the next batch takes: up to BatchSize and 6 MB
// of event, at least one.
func (r *runner) cut(recs []*kgo.Record) int {
	size := overhead(r.bootstrap, r.cfg.Topic)
	n := 0
	for n < len(recs) && n < r.cfg.BatchSize {
		size += recordSize(recs[n])
		if n > 0 && size > maxPayload {
			break
		}
		n++
	}
	return n
}

// commit commits the offsets after the settled records to the group. A
// commit that fails is logged: the records are delivered again after a
// rebalance or restart, as at-least-once allows.
func (r *runner) commit(cl *kgo.Client, done map[int32]kgo.EpochOffset) {
	ctx, cancel := context.WithTimeout(r.m.hard, commitWait)
	defer cancel()
	cl.CommitOffsetsSync(ctx, map[string]map[int32]kgo.EpochOffset{r.cfg.Topic: done},
		func(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, err error) {
			if err == nil {
				for _, t := range resp.Topics {
					for _, p := range t.Partitions {
						if e := kerr.ErrorForCode(p.ErrorCode); e != nil && err == nil {
							err = e
						}
					}
				}
			}
			if err != nil {
				r.log.Warn("kafka: committing offsets failed; the records will be delivered again", "err", err)
			}
		})
}
