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
// records) except each item's last, which the table is rebuilt from.
func (s *Store) compact(ctx context.Context, t *table) error {
	bound, err := s.firstSince(ctx, t.filter(), s.now().Add(-streamRetention))
	if err != nil {
		return err
	}
	info, err := s.stream.Info(ctx, jetstream.WithSubjectFilter(t.filter()))
	if err != nil {
		return err
	}
	for subj, n := range info.State.Subjects {
		if n < 2 {
			continue
		}
		last, err := s.stream.GetLastMsgForSubject(ctx, subj)
		if err != nil {
			return err
		}
		// Purges the subject's entries before min(bound, last): never its
		// last one.
		if err := s.stream.Purge(ctx, jetstream.WithPurgeSubject(subj), jetstream.WithPurgeSequence(min(bound, last.Sequence))); err != nil {
			return err
		}
	}
	return nil
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
