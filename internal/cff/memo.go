package cff

import (
	"encoding/binary"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/verge-edge/verge/internal/edge"
)

// A viewer-response function that adds headers to every response reads
// nothing but the response, which on cache hits is the same entry over and
// over. The Runner asks jsfn whether a run was pure (jsfn.Result.Pure: it
// read only the event's version and response, no clock, no random number,
// no KeyValueStore, no console), and if it was, keeps what applying its
// result made (status, headers, body) under the response's status and
// headers, all of them: the event's response part and the hidden headers
// put back are functions of those. A later call with the same status and
// headers, byte for byte, gets a copy of that instead of a run. The body
// is not in the key: functions never see it, and a result without a body
// keeps the response's own.
const (
	// memoSize bounds the results a function keeps: a hit's Age header
	// changes every second, which makes a new key, so the set is cleared
	// when full rather than kept in order.
	memoSize = 256
	// memoGiveUp is how many checked runs in a row must be impure, none
	// pure, before a function's runs are no longer checked: the check
	// costs a few microseconds a run.
	memoGiveUp = 64
	// memoKeyMax is the longest key kept.
	memoKeyMax = 4 << 10
)

// memo holds what a function's pure results made, by the response's key.
type memo struct {
	mu sync.RWMutex
	m  map[string]*applied
	// impure counts checked runs that were not pure since the last pure
	// one; once it reaches memoGiveUp with no pure run ever, off is set.
	impure  atomic.Int32
	anyPure atomic.Bool
	off     atomic.Bool
}

// applied is what a pure result made of a response.
type applied struct {
	status  int
	header  http.Header // shared: copied before use
	body    []byte      // the result's body, if hasBody
	hasBody bool
}

// appliedOf records resp after a result was applied to it; hasBody tells
// whether the result set the body.
func appliedOf(resp *edge.Response, hasBody bool) *applied {
	a := &applied{status: resp.Status, header: resp.Header.Clone(), hasBody: hasBody}
	if hasBody {
		a.body = resp.Body
	}
	return a
}

// apply makes resp what the kept result made of it.
func (a *applied) apply(resp *edge.Response) {
	resp.Status, resp.Header = a.status, a.header.Clone()
	if a.hasBody {
		resp.Body = a.body
	}
}

// appendResponseKey appends the memo key of resp: its status and every
// header, names sorted, each string prefixed with its length. names is
// scratch space.
func appendResponseKey(b []byte, resp *edge.Response, names []string) ([]byte, []string) {
	b = binary.AppendUvarint(b, uint64(resp.Status))
	names = names[:0]
	for k := range resp.Header {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		vs := resp.Header[k]
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		b = binary.AppendUvarint(b, uint64(len(vs)))
		for _, v := range vs {
			b = binary.AppendUvarint(b, uint64(len(v)))
			b = append(b, v...)
		}
	}
	return b, names
}

// checking reports whether runs of the function are still checked.
func (m *memo) checking() bool { return !m.off.Load() }

// get returns what was kept for key.
func (m *memo) get(key []byte) (*applied, bool) {
	if m.off.Load() {
		return nil, false
	}
	m.mu.RLock()
	o, ok := m.m[string(key)]
	m.mu.RUnlock()
	return o, ok
}

// record notes a checked run's outcome: a pure one's is kept under key.
func (m *memo) record(key []byte, a *applied, pure bool) {
	if !pure {
		if !m.anyPure.Load() && m.impure.Add(1) >= memoGiveUp {
			m.off.Store(true)
		}
		return
	}
	m.anyPure.Store(true)
	m.impure.Store(0)
	if len(key) > memoKeyMax {
		return
	}
	m.mu.Lock()
	if m.m == nil || len(m.m) >= memoSize {
		m.m = make(map[string]*applied, memoSize)
	}
	m.m[string(key)] = a
	m.mu.Unlock()
}
