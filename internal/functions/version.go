package functions

import (
	"sync"
	"time"

	"github.com/verge-edge/verge/internal/build"
	"github.com/verge-edge/verge/internal/logs"
	"github.com/verge-edge/verge/internal/runtimes"
	"github.com/verge-edge/verge/internal/stack"
)

// A function is a function resource with its versions.
type function struct {
	name  string
	logs  *logs.Group // nil when logging is disabled
	limit int         // reserved concurrency, or -1 for the account's
	// logBudget caps what its sandboxes log per minute.
	logBudget logBudget

	mu       sync.Mutex
	active   int                 // invocations in progress, all versions
	latest   *version            // what $LATEST runs
	numbered map[string]*version // published versions by number
	byKey    map[string]string   // version key → number, so a rebuild to the same key is not a new version
	next     int                 // the next version number
}

// A version is one build and configuration of a function under one name
// ("$LATEST" or a number), with its pool of sandboxes. The environment
// carries the name, so $LATEST and the number it equals have separate pools,
// as on Lambda.
type version struct {
	svc  *Service
	fn   *function
	name string
	key  string // hash of the build and the configuration
	cfg  *stack.Function
	art  *build.Artifact
	rt   *runtimes.Runtime
	// installed is when the version was made, Lambda's LastModified.
	installed time.Time

	mu      sync.Mutex
	idle    []*instance // warm sandboxes, most recently used last
	alive   int         // sandboxes started and not closed
	retired bool        // replaced: sandboxes are closed when released
}

// popIdle takes the warmest idle sandbox whose runtime is alive, or nil.
// It also takes out the dead ones it meets (their runtime exited while
// idle: a crash in a timer, a kill), for the caller to close: a dead
// sandbox is never handed out.
func (v *version) popIdle() (in *instance, dead []*instance) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for n := len(v.idle); n > 0; n = len(v.idle) {
		in = v.idle[n-1]
		v.idle = v.idle[:n-1]
		if !in.proc.Exited() {
			return in, dead
		}
		v.alive--
		dead = append(dead, in)
	}
	return nil, dead
}

// put returns a sandbox after an invocation: to the idle pool, or closed
// when it is broken or the version retired.
func (v *version) put(in *instance) {
	v.mu.Lock()
	if in.broken || v.retired {
		v.alive--
		v.mu.Unlock()
		v.svc.closeLater(in)
		return
	}
	in.idle = time.Now()
	v.idle = append(v.idle, in)
	v.mu.Unlock()
}

// reap closes sandboxes idle since before cutoff, keeping the keep warmest,
// and those whose runtime exited while idle, which it counts.
func (v *version) reap(cutoff time.Time, keep int) (dead int) {
	v.mu.Lock()
	var old []*instance
	kept := v.idle[:0]
	for i, in := range v.idle {
		// The idle list is in release order: the oldest come first.
		switch {
		case in.proc.Exited():
			dead++
		case in.idle.Before(cutoff) && len(v.idle)-i > keep:
		default:
			kept = append(kept, in)
			continue
		}
		old = append(old, in)
	}
	clear(v.idle[len(kept):])
	v.idle = kept
	v.alive -= len(old)
	v.mu.Unlock()
	for _, in := range old {
		v.svc.closeLater(in)
	}
	return dead
}

// retire closes the idle sandboxes now and the busy ones when released.
func (v *version) retire() {
	v.mu.Lock()
	v.retired = true
	old := v.idle
	v.idle = nil
	v.alive -= len(old)
	v.mu.Unlock()
	for _, in := range old {
		v.svc.closeLater(in)
	}
}

// counts returns the idle and alive sandbox counts.
func (v *version) counts() (idle, alive int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.idle), v.alive
}
