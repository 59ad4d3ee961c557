package sns

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/nats-io/nats.go/jetstream"
)

// watch applies the bucket's changes made elsewhere (another node, or
// another Service on the same bucket) to the in-memory state, until
// Close.
func (s *Service) watch(w jetstream.KeyWatcher) {
	defer s.wg.Done()
	defer w.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case e, ok := <-w.Updates():
			if !ok {
				return
			}
			if e != nil {
				s.applyEntry(e)
			}
		}
	}
}

// applyEntry applies one change unless this node wrote (or read) it
// already.
func (s *Service) applyEntry(e jetstream.KeyValueEntry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := e.Key()
	if e.Revision() <= s.revs[k] {
		return
	}
	del := e.Operation() != jetstream.KeyValuePut
	if del {
		delete(s.revs, k)
	} else {
		s.revs[k] = e.Revision()
	}
	switch {
	case strings.HasPrefix(k, keyTopic):
		name := strings.TrimPrefix(k, keyTopic)
		t := s.topics[name]
		if del {
			if t != nil {
				for _, sub := range t.subs {
					delete(s.subs, sub.arn())
				}
				delete(s.topics, name)
			}
			return
		}
		nt := &topic{}
		if json.Unmarshal(e.Value(), nt) != nil {
			return
		}
		if t == nil {
			s.topics[name] = nt
			return
		}
		t.Stack, t.Attributes, t.Tags, t.Deleted = nt.Stack, nt.Attributes, nt.Tags, nt.Deleted
	case strings.HasPrefix(k, keySub):
		id := strings.TrimPrefix(k, keySub)
		var old *subscription
		for _, sub := range s.subs {
			if sub.ID == id {
				old = sub
				break
			}
		}
		if old != nil {
			if t := s.topics[old.Topic]; t != nil {
				t.subs = slices.DeleteFunc(slices.Clone(t.subs), func(x *subscription) bool { return x == old })
			}
			delete(s.subs, old.arn())
		}
		if del {
			return
		}
		sub := &subscription{}
		if json.Unmarshal(e.Value(), sub) != nil {
			return
		}
		if err := sub.compile(); err != nil {
			s.o.Logger.Warn("SNS subscription with a bad filter policy, kept without it", "subscription", sub.arn(), "error", err)
		}
		t := s.topics[sub.Topic]
		if t == nil {
			return // its topic was deleted meanwhile
		}
		t.subs = append(slices.Clip(t.subs), sub)
		s.subs[sub.arn()] = sub
	}
}
