package jsfn

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
)

// RecycleAfter is how many runs a VM serves before it is replaced, to bound
// what state can leak from one run to a later one.
const RecycleAfter = 1000

// ErrClosed is returned by Run on a closed Pool.
var ErrClosed = errors.New("jsfn: pool closed")

// Pool runs a Program on warm VMs. Run is safe for concurrent use: each
// run has a VM of its own. The pool holds at most size VMs, idle or busy;
// a Run that finds them all busy waits for one, as long as its context
// allows. A VM is replaced after a run that failed (other than with
// KindInvalid), and after RecycleAfter runs; the replacement is made in
// the background.
type Pool struct {
	prog *Program
	// idle holds VMs ready to run. Its capacity is the size, so a send
	// never blocks.
	idle chan *vm
	// slots holds a token for every VM that exists or is being made.
	slots chan struct{}
	done  chan struct{}

	mu     sync.Mutex // guards closed and refills' wg.Add
	closed bool
	refill sync.WaitGroup

	recycleAfter       int
	created, discarded atomic.Int64
}

// PoolStats counts a pool's VMs.
type PoolStats struct {
	Created   int64 // VMs made so far
	Discarded int64 // VMs closed after a failed run or RecycleAfter runs
	Idle      int   // VMs ready to run now
}

// Stats returns p's counters.
func (p *Pool) Stats() PoolStats {
	return PoolStats{Created: p.created.Load(), Discarded: p.discarded.Load(), Idle: len(p.idle)}
}

// NewPool returns a pool of at most size VMs (at least 1) for p. It makes
// one VM at once, so that the first run finds it warm; the others are
// made as runs need them.
func NewPool(p *Program, size int) *Pool {
	size = max(size, 1)
	pl := &Pool{
		prog:         p,
		idle:         make(chan *vm, size),
		slots:        make(chan struct{}, size),
		done:         make(chan struct{}),
		recycleAfter: RecycleAfter,
	}
	pl.slots <- struct{}{}
	if v, err := pl.newVM(); err == nil {
		pl.idle <- v
	} else {
		<-pl.slots // the first Run makes one, and reports the error
	}
	return pl
}

// Run runs the program's handler on event, a JSON value (the CloudFront
// event object). A failure of the function is a *RunError; the Result is
// then still returned, with the logs and compute time but no Output.
// Errors of the pool itself (closed, ctx ended, a VM that cannot be made)
// come with a nil Result.
func (p *Pool) Run(ctx context.Context, event []byte, opts RunOptions) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	v, err := p.get(ctx)
	if err != nil {
		return nil, err
	}
	res, err := v.exec(ctx, event, opts)
	if v.broken || v.runs >= p.recycleAfter {
		p.discard(v)
	} else {
		p.put(v)
	}
	return res, err
}

// get returns an idle VM, or makes one if there is room, or waits.
func (p *Pool) get(ctx context.Context) (*vm, error) {
	select {
	case <-p.done:
		return nil, ErrClosed
	case v := <-p.idle:
		return v, nil
	default:
	}
	select {
	case v := <-p.idle:
		return v, nil
	case p.slots <- struct{}{}:
		v, err := p.newVM()
		if err != nil {
			<-p.slots
			return nil, err
		}
		return v, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-p.done:
		return nil, ErrClosed
	}
}

// put returns a VM to the idle set, or closes it if the pool is closed.
func (p *Pool) put(v *vm) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		v.close()
		<-p.slots
		return
	}
	p.idle <- v
	p.mu.Unlock()
}

func (p *Pool) newVM() (*vm, error) {
	v, err := newVM(p.prog)
	if err == nil {
		p.created.Add(1)
	}
	return v, err
}

// discard closes a VM and makes a replacement in the background.
func (p *Pool) discard(v *vm) {
	p.discarded.Add(1)
	v.close()
	<-p.slots
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.refill.Add(1)
	go p.replace()
}

// replace makes a VM for the idle set if there is room.
func (p *Pool) replace() {
	defer p.refill.Done()
	select {
	case p.slots <- struct{}{}:
	default:
		return
	}
	v, err := p.newVM()
	if err != nil {
		<-p.slots
		return
	}
	p.put(v)
}

// Close closes the idle VMs and makes Run fail with ErrClosed. VMs busy in
// a run are closed when it ends.
func (p *Pool) Close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	close(p.done)
	p.mu.Unlock()
	p.refill.Wait()
	for {
		select {
		case v := <-p.idle:
			v.close()
			<-p.slots
		default:
			return
		}
	}
}
