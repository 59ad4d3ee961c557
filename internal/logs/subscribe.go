package logs

import "context"

// A Sink is the hook of subscription filters (internal/logsub), which must
// see events as they arrive, not when the writer flushes them.
type Sink interface {
	// Take sees every event a group accepts, in the order Append takes
	// them, with its time normalized. It is called with the group's lock
	// held, so events of one group arrive in order: it must be quick, must
	// not block, and must not call back into the store.
	Take(group string, ev Event)
	// Drain returns once every event Take saw for group before the call is
	// delivered or in a durable queue, so that PutEvents can acknowledge
	// events a kill -9 cannot take from the subscribers.
	Drain(ctx context.Context, group string) error
}

// SetSink makes sink see every event appended from now on; nil stops it.
func (s *Store) SetSink(sink Sink) {
	if sink == nil {
		s.sink.Store(nil)
		return
	}
	s.sink.Store(&sink)
}

// notify hands ev, accepted by group g, to the sink.
func (s *Store) notify(g *Group, ev Event) {
	if p := s.sink.Load(); p != nil {
		(*p).Take(g.name, ev)
	}
}

// Exists says whether group name exists (a function's, once it is
// deployed or has logged, or one made through the API).
func (s *Store) Exists(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.groups[name]
	return ok
}
