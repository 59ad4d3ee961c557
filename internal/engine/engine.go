package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/stack"
)

// A Part is one running piece of Verge that a plan configures.
type Part interface {
	// Prepare compiles, builds and checks plan without changing what
	// serves traffic. Its Change makes the result live.
	Prepare(ctx context.Context, plan *stack.Plan) (Change, error)
	// Close stops the part, waiting for its work up to ctx.
	Close(ctx context.Context) error
}

// A Change is a prepared plan of one part.
type Change interface {
	// Commit makes the prepared state live. It cannot fail.
	Commit()
	// Discard releases a prepared state that will not be committed.
	Discard()
}

// problems is a Change that carries failures which do not stop an apply:
// a function whose build failed keeps its previous version.
type problems interface{ Problems() error }

// change is a Change made of functions; nil ones do nothing.
type change struct {
	commit, discard func()
	problems        error
}

func (c change) Commit() {
	if c.commit != nil {
		c.commit()
	}
}

func (c change) Discard() {
	if c.discard != nil {
		c.discard()
	}
}

func (c change) Problems() error { return c.problems }

// named is a part with the name messages give it.
type named struct {
	name string
	Part
}

// parts applies plans to its parts, in order, as one transaction.
type parts struct {
	mu   sync.Mutex // serialises apply and close
	list []named
	plan *stack.Plan
	// applied is when plan was committed.
	applied time.Time
	closed  bool
}

// A Result says how an apply went when it was committed.
type Result struct {
	// Problems are failures that did not stop the apply, such as a
	// function whose build failed and keeps its previous version.
	Problems error
	// Took is the time from the first Prepare to the last Commit.
	Took time.Duration
}

// apply prepares every part, then commits them all; when a Prepare fails
// it discards the others and returns an error naming the part, and every
// part keeps running the previous plan.
func (ps *parts) apply(ctx context.Context, plan *stack.Plan) (Result, error) {
	const op errs.Op = "engine.Apply"
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.closed {
		return Result{}, errs.E(op, errs.Unavailable, errs.Errorf("the engine is closed"))
	}
	start := time.Now()
	changes := make([]Change, 0, len(ps.list))
	for _, p := range ps.list {
		c, err := p.Prepare(ctx, plan)
		if err != nil {
			for i := len(changes) - 1; i >= 0; i-- {
				changes[i].Discard()
			}
			return Result{}, errs.E(op, p.name, err)
		}
		changes = append(changes, c)
	}
	var probs errs.List
	for _, c := range changes {
		c.Commit()
		if p, ok := c.(problems); ok && p.Problems() != nil {
			probs = append(probs, p.Problems())
		}
	}
	ps.plan, ps.applied = plan, time.Now()
	return Result{Problems: probs.Err(), Took: time.Since(start)}, nil
}

// current is the plan last committed, nil before the first.
func (ps *parts) current() *stack.Plan {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.plan
}

// currentAt is the plan last committed and when it was.
func (ps *parts) currentAt() (*stack.Plan, time.Time) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.plan, ps.applied
}

// close closes the parts in reverse order; each gets what is left of ctx.
func (ps *parts) close(ctx context.Context) error {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.closed {
		return nil
	}
	ps.closed = true
	var all []error
	for i := len(ps.list) - 1; i >= 0; i-- {
		if err := ps.list[i].Close(ctx); err != nil {
			all = append(all, fmt.Errorf("%s: %w", ps.list[i].name, err))
		}
	}
	return errors.Join(all...)
}
