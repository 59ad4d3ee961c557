package edge

import (
	"encoding/json"
	"sync"

	"github.com/verge-edge/verge/internal/edge/origin"
	"github.com/verge-edge/verge/internal/stack"
)

// maxOverrides bounds the origins kept for function-chosen overrides; past
// it the oldest is closed. Each holds a pooled transport.
const maxOverrides = 64

// overrides holds the HTTP origins viewer-request functions send requests
// to (CloudFront's updateRequestOrigin), one per distinct setting, so
// repeated overrides reuse pooled connections.
type overrides struct {
	opts  origin.Options
	mu    sync.Mutex
	m     map[string]origin.Handler
	order []string
}

func newOverrides(opts origin.Options) *overrides {
	return &overrides{opts: opts, m: map[string]origin.Handler{}}
}

// get returns the origin for spec, making it on first use.
func (o *overrides) get(spec stack.HTTPOrigin) (origin.Handler, error) {
	b, _ := json.Marshal(spec)
	key := string(b)
	o.mu.Lock()
	defer o.mu.Unlock()
	if h, ok := o.m[key]; ok {
		return h, nil
	}
	h, err := origin.NewHTTP(spec, o.opts)
	if err != nil {
		return nil, err
	}
	if len(o.order) >= maxOverrides {
		oldest := o.order[0]
		o.order = o.order[1:]
		o.m[oldest].Close() // only idle connections; requests in flight finish
		delete(o.m, oldest)
	}
	o.m[key] = h
	o.order = append(o.order, key)
	return h, nil
}

func (o *overrides) close() {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, h := range o.m {
		h.Close()
	}
}
