package esm

import (
	"cmp"
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/wait"
)

// A Manager runs stream mappings until Close.
type Manager struct {
	o    Options
	log  *slog.Logger
	cps  *checkpoints
	hard context.Context // invocations and checkpoints; ended when Close gives up
	stop context.CancelFunc

	set Set[Mapping, State]
	wg  sync.WaitGroup // every goroutine, those of removed mappings included

	applyMu sync.Mutex // serializes Apply; guards fresh
	fresh   []*runner  // the new mappings the running Apply started
}

// New returns a Manager with no mappings; it opens (or creates) the
// checkpoint bucket.
func New(ctx context.Context, o Options) (*Manager, error) {
	const op errs.Op = "esm.New"
	if o.JetStream == nil || o.Invoke == nil {
		return nil, errs.E(op, errs.Invalid, errs.Errorf("a Manager needs JetStream and Invoke"))
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	cps, err := openCheckpoints(ctx, o.JetStream)
	if err != nil {
		return nil, errs.E(op, err)
	}
	hard, stop := context.WithCancel(context.Background())
	m := &Manager{o: o, log: o.Logger, cps: cps, hard: hard, stop: stop}
	m.set = Set[Mapping, State]{Same: same, Start: func(mp Mapping, prev <-chan struct{}) Run[State] {
		r := m.start(mp, prev)
		if prev == nil {
			m.fresh = append(m.fresh, r)
		}
		return r
	}}
	return m, nil
}

// Apply makes ms the running set: new mappings start, removed ones stop
// (their checkpoints stay), changed ones restart from their checkpoints
// once their batches in flight are settled. Invalid mappings are left out
// and reported together; the valid ones are applied. It returns once the
// new mappings have resolved their StartingPosition (at most
// PositionWait): a record put after it is read by a LATEST mapping.
func (m *Manager) Apply(ms []Mapping) error {
	const op errs.Op = "esm.Manager.Apply"
	next, problems := ByUUID(op, ms, check)
	m.applyMu.Lock()
	defer m.applyMu.Unlock()
	m.fresh = nil
	if err := m.set.Apply(next); err != nil {
		return errs.E(op, err)
	}
	m.awaitPositions(m.fresh)
	m.fresh = nil
	return problems.Err()
}

// awaitPositions waits, at most PositionWait in all, for new mappings to
// resolve their StartingPosition, so that a record put once Apply has
// returned is read by a LATEST mapping too. One that is not positioned in
// time keeps trying; its state tells why.
func (m *Manager) awaitPositions(rs []*runner) {
	if len(rs) == 0 {
		return
	}
	t := time.NewTimer(cmp.Or(m.o.PositionWait, DefaultPositionWait))
	defer t.Stop()
	for _, r := range rs {
		select {
		case <-r.positioned:
		case <-t.C:
			m.log.Warn("esm: a new mapping is not positioned yet; Apply goes on", "mapping", r.cfg.UUID)
			return
		}
	}
}

// States are the mappings' states by UUID.
func (m *Manager) States() map[string]State { return m.set.States() }

// Close stops every mapping and waits for the batches in flight to be
// settled and checkpointed. When ctx ends first it cancels them (their
// records are read again on the next run) and returns an error of kind
// Timeout once every goroutine has returned.
func (m *Manager) Close(ctx context.Context) error {
	const op errs.Op = "esm.Manager.Close"
	m.set.Close()
	defer m.stop()
	if err := wait.Drain(ctx, &m.wg, m.stop); err != nil {
		return errs.E(op, errs.Timeout, err)
	}
	return nil
}
