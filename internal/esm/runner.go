package esm

import (
	"context"
	"sync"
	"time"
)

// A runner runs one mapping: it lists the source's shards now and then and
// runs each shard whose parents are finished.
type runner struct {
	m      *Manager
	cfg    Mapping
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{} // closed once every shard of this run has stopped
	// positioned is closed once the mapping's StartingPosition is resolved
	// and checkpointed (or the run ended): records put after it are read.
	positioned chan struct{}
	posOnce    sync.Once

	mu       sync.Mutex
	result   string
	modified time.Time
	behind   map[string]time.Duration
}

// start runs a mapping once prev (a previous run of it, nil for none) has
// stopped. A disabled mapping only reports its state.
func (m *Manager) start(mp Mapping, prev <-chan struct{}) *runner {
	ctx, cancel := context.WithCancel(context.Background())
	r := &runner{m: m, cfg: mp, ctx: ctx, cancel: cancel, done: make(chan struct{}), positioned: make(chan struct{}),
		result: ResultNone, modified: m.o.Now(), behind: map[string]time.Duration{}}
	if !mp.Enabled {
		close(r.done)
		r.markPositioned()
		return r
	}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		defer close(r.done)
		defer r.markPositioned()
		if prev != nil {
			select {
			case <-prev:
			case <-ctx.Done():
				return
			}
		}
		r.run()
	}()
	return r
}

// markPositioned closes positioned, once.
func (r *runner) markPositioned() { r.posOnce.Do(func() { close(r.positioned) }) }

// Cancel, Done and State make a runner a Run of the Manager's Set.
func (r *runner) Cancel()               { r.cancel() }
func (r *runner) Done() <-chan struct{} { return r.done }

func (r *runner) State() State {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := State{UUID: r.cfg.UUID, State: StateDisabled, LastProcessingResult: r.result, LastModified: r.modified}
	if r.cfg.Enabled {
		s.State = StateEnabled
	}
	for _, b := range r.behind {
		s.Behind = max(s.Behind, b)
	}
	return s
}

func (r *runner) setResult(res string) {
	r.mu.Lock()
	r.result = res
	r.mu.Unlock()
}

func (r *runner) setBehind(shard string, d time.Duration) {
	r.mu.Lock()
	r.behind[shard] = d
	r.mu.Unlock()
}

// A shardEnd is a shard's run ending.
type shardEnd struct {
	id       string
	finished bool
}

// run lists the shards every reshardEvery and whenever a shard ends, and
// starts each shard that is ready, until the mapping stops.
func (r *runner) run() {
	var wg sync.WaitGroup
	defer wg.Wait()
	ends := make(chan shardEnd)
	running := map[string]bool{}
	finished := map[string]bool{}
	started := false
	problem := time.Duration(0)
	for r.ctx.Err() == nil {
		err := r.scan(&started, running, finished, func(id string, cp checkpoint) {
			running[id] = true
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := &shard{r: r, cfg: &r.cfg, id: id, gen: r.ctx}
				fin := s.run(cp)
				select {
				case ends <- shardEnd{id, fin}:
				case <-r.ctx.Done():
				}
			}()
		})
		wait := reshardEvery
		if err != nil && r.ctx.Err() == nil {
			r.setResult(ResultSourceError)
			r.m.log.Warn("esm: listing shards failed", "mapping", r.cfg.UUID, "err", err)
			problem = min(max(2*problem, problemFirst), problemMax)
			wait = problem
		} else {
			problem = 0
		}
		t := time.NewTimer(wait)
		select {
		case e := <-ends:
			delete(running, e.id)
			r.setBehind(e.id, 0)
			finished[e.id] = e.finished
		case <-t.C:
		case <-r.ctx.Done():
		}
		t.Stop()
	}
}

// scan lists the shards and starts those not running or finished whose
// parents are finished (or no longer listed). The first scan of a
// mapping resolves its StartingPosition for every shard listed; shards
// found later are children of a reshard and start at their trim horizon.
func (r *runner) scan(started *bool, running, finished map[string]bool, run func(string, checkpoint)) error {
	ctx := r.ctx
	cps := r.m.cps
	shards, err := r.cfg.Source.Shards(ctx)
	if err != nil {
		return err
	}
	if !*started {
		if *started, err = cps.started(ctx, r.cfg.UUID); err != nil {
			return err
		}
		if !*started {
			if err := r.resolveStart(shards); err != nil {
				return err
			}
			*started = true
		}
		r.markPositioned()
	}
	listed := make(map[string]bool, len(shards))
	for _, sh := range shards {
		listed[sh.ID] = true
	}
	for _, sh := range shards {
		if running[sh.ID] || finished[sh.ID] {
			continue
		}
		cp, ok, err := cps.get(ctx, r.cfg.UUID, sh.ID)
		if err != nil {
			return err
		}
		if cp.Finished {
			finished[sh.ID] = true
			continue
		}
		ready := true
		for _, p := range sh.Parents {
			if running[p] || (listed[p] && !finished[p]) {
				ready = false
			}
		}
		if !ready {
			continue
		}
		if !ok {
			cp = checkpoint{Pos: Position{Start: TrimHorizon}}
		}
		run(sh.ID, cp)
	}
	return nil
}

// resolveStart checkpoints the mapping's StartingPosition for every shard
// without a checkpoint (LATEST resolved now, so that a restart does not
// move it), then marks the mapping started.
func (r *runner) resolveStart(shards []Shard) error {
	ctx := r.ctx
	cps := r.m.cps
	for _, sh := range shards {
		if _, ok, err := cps.get(ctx, r.cfg.UUID, sh.ID); err != nil || ok {
			if err != nil {
				return err
			}
			continue
		}
		pos := Position{Start: r.cfg.StartingPosition, Timestamp: r.cfg.StartingTimestamp}
		if r.cfg.StartingPosition == Latest {
			var err error
			if pos, err = r.cfg.Source.Tip(ctx, sh.ID); err != nil {
				return err
			}
		}
		if err := cps.put(ctx, r.cfg.UUID, sh.ID, checkpoint{Pos: pos}); err != nil {
			return err
		}
	}
	return cps.markStarted(ctx, r.cfg.UUID, r.m.o.Now())
}
