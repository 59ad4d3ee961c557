package store

import (
	"context"
	"fmt"
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
