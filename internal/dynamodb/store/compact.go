package store

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// compact drops the log entries of t that nothing needs any more: those
// older than the stream's retention (24 hours, as DynamoDB Streams keep
// records) except each item's last, which the table is rebuilt from. It
// looks only at the items written again since it last looked (an item
// written once has one entry), so its cost follows the writes, not the
// table's size; an item whose entries are not all old enough yet is
// looked at again once the retention bound passes its last entry, so a
// pass does not ask JetStream about items it cannot shorten. (After a restart an item's older entries
// wait for its next write: the rebuild reads last entries only.)
func (s *Store) compact(ctx context.Context, t *table) error {
	t.mu.Lock()
	keys := t.rewritten
	t.rewritten = nil
	t.mu.Unlock()
	if len(keys) == 0 {
		return nil
	}
	bound, err := s.firstSince(ctx, t.filter(), s.now().Add(-streamRetention))
	if err != nil {
		t.requeue(keys)
		return err
	}
	for k, wait := range keys {
		if wait >= bound {
			continue // its older entries are all within the retention still
		}
		next, err := s.compactItem(ctx, t, k, bound)
		if err != nil {
			t.requeue(keys)
			return err
		}
		if next == 0 {
			delete(keys, k)
		} else {
			keys[k] = next
		}
	}
	t.requeue(keys)
	return nil
}

// compactItem purges the entries of the item of key k before bound,
// never its last. It returns the sequence the bound must pass for more
// to drop (the item's last entry, when it is newer than the bound), or 0
// when the item now has one entry.
func (s *Store) compactItem(ctx context.Context, t *table, k string, bound uint64) (uint64, error) {
	subj := t.subject([]byte(k))
	last, err := s.stream.GetLastMsgForSubject(ctx, subj)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return 0, nil // the table's log was purged under it (deleted)
	}
	if err != nil {
		return 0, err
	}
	if err := s.stream.Purge(ctx, jetstream.WithPurgeSubject(subj), jetstream.WithPurgeSequence(min(bound, last.Sequence))); err != nil {
		return 0, err
	}
	if bound < last.Sequence {
		return last.Sequence, nil
	}
	return 0, nil
}

// requeue marks keys to be compacted again, each once the bound passes
// its sequence; a key written since keeps the earlier of the two.
func (t *table) requeue(keys map[string]uint64) {
	if len(keys) == 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.rewritten == nil {
		t.rewritten = map[string]uint64{}
	}
	for k, wait := range keys {
		if cur, ok := t.rewritten[k]; !ok || wait < cur {
			t.rewritten[k] = wait
		}
	}
}

// firstSince returns the sequence of the first entry of filter stored at
// or after at (MaxUint64 if none).
func (s *Store) firstSince(ctx context.Context, filter string, at time.Time) (uint64, error) {
	body, _ := json.Marshal(struct {
		NextFor   string    `json:"next_by_subj"`
		StartTime time.Time `json:"start_time"`
	}{filter, at.UTC()})
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	m, err := s.js.Conn().RequestWithContext(ctx, directGetAPI+streamName, body)
	if err != nil {
		return 0, err
	}
	if st := m.Header.Get("Status"); st == "404" || st == "408" {
		return math.MaxUint64, nil
	} else if st != "" {
		return 0, errors.New("direct get: " + st + " " + m.Header.Get("Description"))
	}
	return strconv.ParseUint(m.Header.Get("Nats-Sequence"), 10, 64)
}
