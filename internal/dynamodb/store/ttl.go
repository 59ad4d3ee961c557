package store

import (
	"context"
	"encoding/json"
	"strconv"
	"time"
)

// sweep removes expired items every interval, and compacts the log every
// compactEvery, until ctx ends.
func (s *Store) sweep(ctx context.Context, interval time.Duration) {
	defer close(s.done)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	var compacted time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		compact := s.compactEvery > 0 && time.Since(compacted) >= s.compactEvery
		if compact {
			compacted = time.Now()
		}
		s.mu.RLock()
		tables := make([]*table, 0, len(s.tables))
		for _, t := range s.tables {
			tables = append(tables, t)
		}
		s.mu.RUnlock()
		for _, t := range tables {
			if err := s.expire(ctx, t); err != nil && ctx.Err() == nil {
				s.log.Warn("dynamodb: removing expired items", "table", t.meta.Name, "err", err)
			}
			if !compact {
				continue
			}
			if err := s.compact(ctx, t); err != nil && ctx.Err() == nil {
				s.log.Warn("dynamodb: compacting the log", "table", t.meta.Name, "err", err)
			}
		}
	}
}

// expire removes t's items whose TTL attribute is past, each only if it
// is still expired when removed (a write may have moved its TTL).
func (s *Store) expire(ctx context.Context, t *table) error {
	t.mu.RLock()
	attr := t.meta.TTLAttribute
	var keys [][]byte
	if attr != "" {
		now := s.now()
		t.rows.Scan(func(r *row) bool {
			if r.item != nil && expired(r.item, attr, now) {
				keys = append(keys, r.key)
			}
			return true
		})
	}
	t.mu.RUnlock()
	for _, k := range keys {
		_, err := s.write(ctx, t, k, func(old []byte, exists bool) ([]byte, error) {
			if !exists || !expired(old, attr, s.now()) {
				return old, nil // changed meanwhile: nothing to write
			}
			return nil, nil
		}, true, nil)
		if err != nil {
			return err
		}
	}
	return nil
}

// expired reports whether item's attribute attr is a number of epoch
// seconds in the past, but not more than five years past (AWS leaves
// those).
func expired(item []byte, attr string, now time.Time) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(item, &m) != nil {
		return false
	}
	raw, ok := m[attr]
	if !ok {
		return false
	}
	var v struct{ N *string }
	if json.Unmarshal(raw, &v) != nil || v.N == nil {
		return false
	}
	secs, err := strconv.ParseFloat(*v.N, 64)
	if err != nil {
		return false
	}
	at := time.Unix(int64(secs), 0)
	return at.Before(now) && now.Sub(at) <= ttlHorizon
}
