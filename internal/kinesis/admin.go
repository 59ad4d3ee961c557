package kinesis

import (
	"context"
	"maps"
	"unicode/utf8"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/errs"
)

// checkRetention checks a retention period against AWS's bounds.
func checkRetention(hours int) error {
	if hours < MinRetentionHours {
		return fail(CodeInvalidArgument, "Minimum allowed retention period is %d hours. Requested retention period (%d hours) is too short.", MinRetentionHours, hours)
	}
	if hours > MaxRetentionHours {
		return fail(CodeInvalidArgument, "Maximum allowed retention period is %d hours. Requested retention period (%d hours) is too long.", MaxRetentionHours, hours)
	}
	return nil
}

// SetRetention is IncreaseStreamRetentionPeriod (increase) or
// DecreaseStreamRetentionPeriod; it changes the JetStream stream's MaxAge.
func (s *Service) SetRetention(ctx context.Context, name string, hours int, increase bool) error {
	st, err := s.get(name)
	if err != nil {
		return err
	}
	if err := checkRetention(hours); err != nil {
		return err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	cur := st.m.Retention
	if increase && hours < cur {
		return fail(CodeInvalidArgument, "Requested retention period (%d hours) for stream %s can not be shorter than existing retention period (%d hours). Use DecreaseRetentionPeriod API.", hours, name, cur)
	}
	if !increase && hours > cur {
		return fail(CodeInvalidArgument, "Requested retention period (%d hours) for stream %s can not be longer than existing retention period (%d hours). Use IncreaseRetentionPeriod API.", hours, name, cur)
	}
	if hours == cur {
		return nil
	}
	st.m.Retention = hours
	if err := s.open(ctx, st); err != nil {
		st.m.Retention = cur
		return err
	}
	return s.save(ctx, st)
}

// checkTags checks tags against AWS's limits: at most 50 on a stream
// (total counts those it would have), keys 1 to 128 characters, values up
// to 256.
func checkTags(name string, total int, tags map[string]string) error {
	if total > MaxTags {
		return fail(CodeInvalidArgument, "Failed to add tags to stream %s under account %s because a given stream cannot have more than %d tags associated with it.", name, arn.Account, MaxTags)
	}
	for k, v := range tags {
		if n := utf8.RuneCountInString(k); n < 1 || n > MaxTagKey {
			return fail(CodeValidation, "1 validation error detected: Value '%s' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]", k)
		}
		if utf8.RuneCountInString(v) > MaxTagValue {
			return fail(CodeValidation, "1 validation error detected: Value '%s' at 'tags' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 0]", v)
		}
	}
	return nil
}

// Tags are a stream's tags.
func (s *Service) Tags(ctx context.Context, name string) (map[string]string, error) {
	st, err := s.get(name)
	if err != nil {
		return nil, err
	}
	st.mu.RLock()
	defer st.mu.RUnlock()
	out := make(map[string]string, len(st.m.Tags))
	maps.Copy(out, st.m.Tags)
	return out, nil
}

// Tag adds or overwrites tags.
func (s *Service) Tag(ctx context.Context, name string, tags map[string]string) error {
	return s.retag(ctx, name, func(t map[string]string) error {
		maps.Copy(t, tags)
		return checkTags(name, len(t), tags)
	})
}

// Untag removes tags by key (at most 50 keys a call).
func (s *Service) Untag(ctx context.Context, name string, keys []string) error {
	if len(keys) == 0 || len(keys) > MaxTags {
		return fail(CodeValidation, "1 validation error detected: Value '%v' at 'tagKeys' failed to satisfy constraint: Member must have length less than or equal to 50", keys)
	}
	return s.retag(ctx, name, func(t map[string]string) error {
		for _, k := range keys {
			delete(t, k)
		}
		return nil
	})
}

func (s *Service) retag(ctx context.Context, name string, change func(map[string]string) error) error {
	st, err := s.get(name)
	if err != nil {
		return err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	t := make(map[string]string, len(st.m.Tags))
	maps.Copy(t, st.m.Tags)
	if err := change(t); err != nil {
		return err
	}
	st.m.Tags = t
	return s.save(ctx, st)
}

// UpdateShardCount reshards a provisioned stream to target uniform shards:
// every open shard closes and target new ones split the hash key space
// evenly, each naming the closed shards its range overlaps as parents. It
// returns the open shard count before.
func (s *Service) UpdateShardCount(ctx context.Context, name string, target int) (int, error) {
	st, err := s.get(name)
	if err != nil {
		return 0, err
	}
	if target < 1 {
		return 0, fail(CodeValidation, "1 validation error detected: Value '%d' at 'targetShardCount' failed to satisfy constraint: Member must have value greater than or equal to 1", target)
	}
	s.mu.Lock() // the account's shard count
	defer s.mu.Unlock()
	st.mu.RLock()
	cur := st.openCount()
	mode := st.m.Mode
	st.mu.RUnlock()
	switch {
	case mode == OnDemand:
		return 0, fail(CodeValidation, "UpdateShardCount is not supported for stream %s under account %s in ON_DEMAND capacity mode.", name, arn.Account)
	case target > 2*cur:
		return 0, fail(CodeLimitExceeded, "UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: %d Target shard count: %d", cur, target)
	case 2*target < cur:
		return 0, fail(CodeLimitExceeded, "UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: %d Target shard count: %d", cur, target)
	case target > cur:
		if err := s.checkShardLimit(target - cur); err != nil {
			return 0, err
		}
	case target == cur:
		return cur, nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	prev := st.m
	prev.Shards = append([]shardMeta(nil), st.m.Shards...)
	s.reshard(st, target)
	if err := s.save(ctx, st); err != nil {
		st.m = prev
		st.index()
		return 0, err
	}
	for _, sh := range st.shards {
		sh.signal() // readers waiting on closed shards see their end
	}
	return cur, nil
}

// reshard closes the open shards and opens target uniform ones; st.mu
// must be held for writing, so no put is in flight.
func (s *Service) reshard(st *stream, target int) {
	now := s.now().UnixMilli()
	last := st.last.Load()
	type old struct {
		idx    int
		lo, hi hashKey
	}
	var closed []old
	for i := range st.m.Shards {
		sm := &st.m.Shards[i]
		if sm.Closed {
			continue
		}
		sm.Closed, sm.EndJS, sm.ClosedAt = true, last, now
		sh := st.shards[sm.Index]
		closed = append(closed, old{sm.Index, sh.lo, sh.hi})
	}
	for _, r := range splitRange(target) {
		sm := shardMeta{Index: st.m.NextShard, Start: r[0].String(), End: r[1].String(), StartJS: last + 1, Created: now}
		st.m.NextShard++
		for _, o := range closed {
			if o.lo.cmp(r[1]) <= 0 && o.hi.cmp(r[0]) >= 0 {
				sm.Parents = append(sm.Parents, o.idx)
			}
		}
		st.m.Shards = append(st.m.Shards, sm)
	}
	st.index()
}

// Apply makes the stack's streams exist as configured: creates missing
// ones, applies shard counts, retention and tags; streams created through
// the API are left alone, stack streams no longer declared are deleted.
func (s *Service) Apply(ctx context.Context, streams []StreamConfig) error {
	const op errs.Op = "kinesis.Apply"
	want := map[string]bool{}
	for _, c := range streams {
		want[c.Name] = true
		st, err := s.get(c.Name)
		if err != nil {
			if err := s.create(ctx, c, true); err != nil {
				return errs.E(op, errs.Invalid, c.Name, err)
			}
			continue
		}
		if err := s.update(ctx, st, c); err != nil {
			return errs.E(op, errs.Invalid, c.Name, err)
		}
	}
	s.mu.RLock()
	var drop []string
	for n, st := range s.streams {
		if st.m.Stack && !want[n] {
			drop = append(drop, n)
		}
	}
	s.mu.RUnlock()
	for _, n := range drop {
		if err := s.DeleteStream(ctx, n, true); err != nil {
			return errs.E(op, n, err)
		}
	}
	return nil
}

// update brings an existing stream to c.
func (s *Service) update(ctx context.Context, st *stream, c StreamConfig) error {
	st.mu.RLock()
	mode, cur, ret := st.m.Mode, st.openCount(), st.m.Retention
	st.mu.RUnlock()
	if c.Mode == "" {
		c.Mode = Provisioned
	}
	if c.Mode != mode {
		return fail(CodeInvalidArgument, "changing a stream's mode (%s to %s) is not supported", mode, c.Mode)
	}
	if c.Mode == Provisioned {
		n := max(c.ShardCount, 1)
		// Within AWS's factor of two a step; beyond it, in steps.
		for cur != n {
			step := min(n, 2*cur)
			if n < cur {
				step = max(n, (cur+1)/2)
			}
			if _, err := s.UpdateShardCount(ctx, c.Name, step); err != nil {
				return err
			}
			cur = step
		}
	}
	if c.RetentionHours == 0 {
		c.RetentionHours = MinRetentionHours
	}
	if c.RetentionHours != ret {
		if err := s.SetRetention(ctx, c.Name, c.RetentionHours, c.RetentionHours > ret); err != nil {
			return err
		}
	}
	if err := checkTags(c.Name, len(c.Tags), c.Tags); err != nil {
		return err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	st.m.Stack = true
	st.m.Tags = maps.Clone(c.Tags)
	return s.save(ctx, st)
}

// UpdateStreamMode switches a stream between PROVISIONED and ON_DEMAND;
// the mode it already has is accepted and changes nothing. On-demand
// streams are not throttled per shard; the switch keeps the open shards
// (AWS would rescale them, Verge does not).
func (s *Service) UpdateStreamMode(ctx context.Context, name, mode string) error {
	if mode != Provisioned && mode != OnDemand {
		return fail(CodeValidation, "1 validation error detected: Value '%s' at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must satisfy enum value set: [ON_DEMAND, PROVISIONED]", mode)
	}
	st, err := s.get(name)
	if err != nil {
		return err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.gone.Load() {
		return errNoStream(name)
	}
	prev := st.m.Mode
	if prev == mode {
		return nil
	}
	st.m.Mode = mode
	if err := s.save(ctx, st); err != nil {
		st.m.Mode = prev
		return err
	}
	return nil
}
