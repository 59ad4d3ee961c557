package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/nats-io/nats.go/jetstream"
)

// follow applies every log entry from sequence from on to the tables it
// belongs to, as it is logged: other nodes' writes reach this node's
// tables and stream readers. This node's own writes come back too and
// change nothing (apply keeps the newest version).
func (s *Store) follow(ctx context.Context, from uint64) error {
	c, err := s.js.OrderedConsumer(ctx, streamName, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{subjectPrefix + ">"},
		DeliverPolicy:  jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:    from,
	})
	if err != nil {
		return fmt.Errorf("dynamodb: following the log: %w", err)
	}
	cc, err := c.Consume(s.applyFollowed)
	if err != nil {
		return fmt.Errorf("dynamodb: following the log: %w", err)
	}
	s.following = cc
	return nil
}

// applyFollowed applies one followed entry. Entries of tables this node
// does not know (created elsewhere since it opened) are skipped.
func (s *Store) applyFollowed(m jetstream.Msg) {
	rest, _ := strings.CutPrefix(m.Subject(), subjectPrefix)
	id, _, _ := strings.Cut(rest, ".")
	s.mu.RLock()
	t := s.byID[id]
	s.mu.RUnlock()
	if t == nil {
		return
	}
	md, err := m.Metadata()
	if err != nil {
		return
	}
	if err := t.applyLogged(md.Sequence.Stream, m.Data()); err != nil {
		s.log.Warn("dynamodb: following the log", "table", t.meta.Name, "err", err)
	}
}

// watchTables keeps a following node's index definitions those of the
// bucket: an index another node adds is filled here from this node's
// items, one it deletes is dropped. (This node's own changes come back
// and change nothing.)
func (s *Store) watchTables(ctx context.Context) error {
	w, err := s.kv.WatchAll(ctx, jetstream.UpdatesOnly())
	if err != nil {
		return fmt.Errorf("dynamodb: watching the table definitions: %w", err)
	}
	s.watcher = w
	s.watched = make(chan struct{})
	go func() {
		defer close(s.watched)
		for e := range w.Updates() {
			if e == nil || e.Operation() != jetstream.KeyValuePut {
				continue
			}
			var m meta
			if json.Unmarshal(e.Value(), &m) != nil {
				continue
			}
			s.mu.RLock()
			t := s.tables[m.Name]
			s.mu.RUnlock()
			if t != nil && t.meta.ID == m.ID {
				t.syncIndexes(m.Indexes)
			}
		}
	}()
	return nil
}

// syncIndexes makes t's indexes those of cfgs, keeping those it has and
// filling those it has not.
func (t *table) syncIndexes(cfgs []IndexConfig) {
	t.mu.Lock()
	defer t.mu.Unlock()
	next := make([]*index, 0, len(cfgs))
	for _, c := range cfgs {
		ix := newIndex(c, t.meta.Key)
		if i := slices.IndexFunc(t.indexes, func(x *index) bool { return sameIndex(x.cfg, ix.cfg) }); i >= 0 {
			next = append(next, t.indexes[i])
			continue
		}
		ix.fill(t.rows, t.sizeOf)
		next = append(next, ix)
	}
	t.indexes, t.indexNames = next, indexNames(next)
	t.meta.Indexes = slices.Clone(cfgs)
}

// sameIndex reports whether two index definitions are one.
func sameIndex(a, b IndexConfig) bool {
	return a.Name == b.Name && a.Key == b.Key && a.Local == b.Local && a.Projection == b.Projection && slices.Equal(a.NonKey, b.NonKey)
}
