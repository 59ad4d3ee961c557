package logs

// A Sink sees every event a group accepts, in the order Append takes them,
// with its time normalized: the hook of subscription filters
// (internal/logsub), which must see events as they arrive, not when the
// writer flushes them. It is called with the group's lock held, so events
// of one group arrive in order: it must be quick, must not block, and must
// not call back into the store.
type Sink func(group string, ev Event)

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
		(*p)(g.name, ev)
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
