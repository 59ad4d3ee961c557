package esm

import (
	"sync"

	"github.com/verge-edge/verge/internal/errs"
)

// A Run is one running mapping of a Set.
type Run[S any] interface {
	// Cancel asks the run to stop; Done is closed once it has.
	Cancel()
	Done() <-chan struct{}
	State() S
}

// A Set is a manager's running mappings by UUID, configs of type C with
// states of type S. Apply starts new mappings, stops removed ones and
// restarts changed ones, each new run once the one it replaces is done.
// This package's Manager and the Kafka mappings' (internal/esm/kafka)
// share it.
type Set[C, S any] struct {
	// Same reports whether a running mapping's config is unchanged.
	Same func(a, b *C) bool
	// Start starts a run of cfg once prev (nil for none) is closed.
	Start func(cfg C, prev <-chan struct{}) Run[S]

	mu     sync.Mutex
	runs   map[string]setEntry[C, S]
	closed bool
}

type setEntry[C, S any] struct {
	cfg C
	run Run[S]
}

// Apply makes next the running set. It fails, changing nothing, once
// Close has been called.
func (s *Set[C, S]) Apply(next map[string]C) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errs.E(errs.Unavailable, errs.Errorf("the manager is closed"))
	}
	if s.runs == nil {
		s.runs = map[string]setEntry[C, S]{}
	}
	for id, e := range s.runs {
		if _, ok := next[id]; !ok {
			e.run.Cancel()
			delete(s.runs, id)
		}
	}
	for id, cfg := range next {
		old, ok := s.runs[id]
		if ok && s.Same(&old.cfg, &cfg) {
			continue
		}
		var prev <-chan struct{}
		if ok {
			old.run.Cancel()
			prev = old.run.Done()
		}
		s.runs[id] = setEntry[C, S]{cfg: cfg, run: s.Start(cfg, prev)}
	}
	return nil
}

// States returns each run's state by UUID.
func (s *Set[C, S]) States() map[string]S {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]S, len(s.runs))
	for id, e := range s.runs {
		out[id] = e.run.State()
	}
	return out
}

// Close cancels every run and refuses later Applies; the caller waits for
// the runs' goroutines.
func (s *Set[C, S]) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for id, e := range s.runs {
		e.run.Cancel()
		delete(s.runs, id)
	}
}

// Run returns the run of mapping id, nil when there is none.
func (s *Set[C, S]) Run(id string) Run[S] {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.runs[id].run
}

// ByUUID is a manager's Apply input as a Set takes it: each valid mapping
// (check returns its UUID and itself with defaults filled in) by UUID.
// The invalid ones, and a second mapping of one UUID, are left out and
// returned as problems, for the caller to report once the rest is applied.
func ByUUID[C any](op errs.Op, ms []C, check func(*C) (string, C, error)) (map[string]C, errs.List) {
	var problems errs.List
	next := make(map[string]C, len(ms))
	for i := range ms {
		id, cfg, err := check(&ms[i])
		if err != nil {
			problems = append(problems, err)
			continue
		}
		if _, dup := next[id]; dup {
			problems = append(problems, errs.E(op, errs.Exist, id, errs.Errorf("two mappings have this UUID")))
			continue
		}
		next[id] = cfg
	}
	return next, problems
}
