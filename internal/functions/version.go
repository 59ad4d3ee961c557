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

	mu      sync.Mutex
	idle    []*instance // warm sandboxes, most recently used last
	alive   int         // sandboxes started and not closed
	retired bool        // replaced: sandboxes are closed when released
}

// popIdle takes the warmest idle sandbox, or nil.
func (v *version) popIdle() *instance {
	v.mu.Lock()
	defer v.mu.Unlock()
	n := len(v.idle)
	if n == 0 {
		return nil
	}
	in := v.idle[n-1]
	v.idle = v.idle[:n-1]
	return in
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

// reap closes sandboxes idle since before cutoff, keeping the keep warmest.
func (v *version) reap(cutoff time.Time, keep int) {
	v.mu.Lock()
	var old []*instance
	kept := v.idle[:0]
	for i, in := range v.idle {
		// The idle list is in release order: the oldest come first.
		if in.idle.Before(cutoff) && len(v.idle)-i > keep {
			old = append(old, in)
			continue
		}
		kept = append(kept, in)
	}
	v.idle = kept
	v.alive -= len(old)
	v.mu.Unlock()
	for _, in := range old {
		v.svc.closeLater(in)
	}
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
