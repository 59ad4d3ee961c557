package engine

import (
	"context"
	"sync"
	"time"

	"github.com/verge-edge/verge/internal/edge"
	"github.com/verge-edge/verge/internal/stack"
)

// retireAfter is how long replaced edge functions stay open for requests
// in flight.
const retireAfter = 30 * time.Second

// edgePart is the CDN with the function runtimes its plan needs.
type edgePart struct {
	srv  *edge.Server
	opts edgeFuncsOptions

	mu      sync.Mutex
	fns     *edgeFuncs             // the live plan's, nil without functions at the edge
	retired map[*time.Timer]func() // replaced runtimes waiting for requests in flight
	loaded  bool
}

func (p *edgePart) Prepare(_ context.Context, plan *stack.Plan) (Change, error) {
	fns, err := newFunctions(plan, p.opts)
	if err != nil {
		return nil, err
	}
	st, err := p.srv.Prepare(plan, fns.runner())
	if err != nil {
		fns.Close()
		return nil, err
	}
	return change{
		commit:  func() { st.Commit(); p.swap(fns) },
		discard: func() { st.Discard(); fns.Close() },
	}, nil
}

// swap makes fns the live runtimes, retires the previous ones and, on a
// reload, purges the cache: any behaviour may have changed what a path
// returns.
func (p *edgePart) swap(fns *edgeFuncs) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if old := p.fns; old != nil {
		var t *time.Timer
		t = time.AfterFunc(retireAfter, func() {
			p.mu.Lock()
			delete(p.retired, t)
			p.mu.Unlock()
			old.Close()
		})
		p.retired[t] = old.Close
	}
	p.fns = fns
	if p.loaded {
		p.srv.Invalidate("", []string{"/*"})
	}
	p.loaded = true
}

// Close waits for the edge's background fetches, then closes every
// runtime, the retired ones at once.
func (p *edgePart) Close(ctx context.Context) error {
	err := p.srv.Close(ctx)
	p.mu.Lock()
	defer p.mu.Unlock()
	for t, closeFn := range p.retired {
		if t.Stop() {
			closeFn()
		}
	}
	p.retired = nil
	p.fns.Close()
	return err
}
