package kinesis

import (
	"context"

	"github.com/verge-edge/verge/internal/arn"
)

// SplitShard closes the open shard shardID and opens two children: one
// covering [its start, newStartingHashKey-1], the other [newStartingHashKey,
// its end], both with the shard as their parent.
func (s *Service) SplitShard(ctx context.Context, name, shardID, newStartingHashKey string) error {
	return s.reshardOne(ctx, name, "SplitShard", 1, func(st *stream) ([]shardMeta, error) {
		sm, err := st.openShard(name, shardID, "splitting")
		if err != nil {
			return nil, err
		}
		sh := st.shards[sm.Index]
		k, ok := parseHashKey(newStartingHashKey)
		if !ok || k.cmp(sh.lo) <= 0 || k.cmp(sh.hi) > 0 {
			return nil, fail(CodeInvalidArgument, "NewStartingHashKey %s used in SplitShard() on shard %s in stream %s under account %s is not both greater than the shard's StartingHashKey %s and no greater than its EndingHashKey %s.", newStartingHashKey, shardID, name, arn.Account, sm.Start, sm.End)
		}
		return []shardMeta{
			{Start: sm.Start, End: sub1(k).String(), Parents: []int{sm.Index}},
			{Start: k.String(), End: sm.End, Parents: []int{sm.Index}},
		}, nil
	})
}

// MergeShards closes two open shards whose hash key ranges are adjacent
// and opens one child covering both, whose ParentShardId is shardID and
// AdjacentParentShardId adjacentShardID.
func (s *Service) MergeShards(ctx context.Context, name, shardID, adjacentShardID string) error {
	return s.reshardOne(ctx, name, "MergeShards", -1, func(st *stream) ([]shardMeta, error) {
		a, err := st.openShard(name, shardID, "merging")
		if err != nil {
			return nil, err
		}
		b, err := st.openShard(name, adjacentShardID, "merging")
		if err != nil {
			return nil, err
		}
		sa, sb := st.shards[a.Index], st.shards[b.Index]
		lo, hi := a, b
		switch {
		case a.Index != b.Index && add(sa.hi, hashKey{0, 1}) == sb.lo && sa.hi != maxHashKey:
		case a.Index != b.Index && add(sb.hi, hashKey{0, 1}) == sa.lo && sb.hi != maxHashKey:
			lo, hi = b, a
		default:
			return nil, fail(CodeInvalidArgument, "Shards %s and %s in stream %s under account %s are not an adjacent pair of shards eligible for merging", shardID, adjacentShardID, name, arn.Account)
		}
		return []shardMeta{{Start: lo.Start, End: hi.End, Parents: []int{a.Index, b.Index}}}, nil
	})
}

// openShard is the metadata of the open shard id; st.mu must be held.
func (st *stream) openShard(name, id, doing string) (*shardMeta, error) {
	i, ok := parseShardID(id)
	sh := st.shards[i]
	if !ok || sh == nil || shardID(i) != id {
		return nil, fail(CodeResourceNotFound, "Could not find shard %s in stream %s under account %s.", id, name, arn.Account)
	}
	if sh.m.Closed {
		return nil, fail(CodeInvalidArgument, "Shard %s in stream %s under account %s has already been merged or split, and thus is not eligible for %s.", id, name, arn.Account, doing)
	}
	return sh.m, nil
}

// reshardOne applies a SplitShard or MergeShards (op) that changes the
// open shard count by delta: plan, under the stream's write lock (so no
// put is in flight), names the shards to open, whose parents close at the
// stream's current sequence.
func (s *Service) reshardOne(ctx context.Context, name, op string, delta int, plan func(*stream) ([]shardMeta, error)) error {
	st, err := s.get(name)
	if err != nil {
		return err
	}
	onDemand := func() error {
		return fail(CodeValidation, "%s is not supported for stream %s under account %s in ON_DEMAND capacity mode.", op, name, arn.Account)
	}
	s.mu.Lock() // the account's shard count
	defer s.mu.Unlock()
	st.mu.RLock()
	mode := st.m.Mode
	st.mu.RUnlock()
	if mode == OnDemand { // before the shard limit, as AWS answers
		return onDemand()
	}
	if delta > 0 {
		if err := s.checkShardLimit(delta); err != nil {
			return err
		}
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.gone.Load() {
		return errNoStream(name)
	}
	if st.m.Mode == OnDemand {
		return onDemand()
	}
	children, err := plan(st)
	if err != nil {
		return err
	}
	prev := st.m
	prev.Shards = append([]shardMeta(nil), st.m.Shards...)
	now := s.now().UnixMilli()
	last := st.last.Load()
	closing := map[int]bool{}
	for _, c := range children {
		for _, p := range c.Parents {
			closing[p] = true
		}
	}
	for i := range st.m.Shards {
		if sm := &st.m.Shards[i]; closing[sm.Index] {
			sm.Closed, sm.EndJS, sm.ClosedAt = true, last, now
		}
	}
	for _, c := range children {
		c.Index, c.StartJS, c.Created = st.m.NextShard, last+1, now
		st.m.NextShard++
		st.m.Shards = append(st.m.Shards, c)
	}
	st.index()
	if err := s.save(ctx, st); err != nil {
		st.m = prev
		st.index()
		return err
	}
	for i := range closing {
		st.shards[i].signal() // readers waiting on closed shards see their end
	}
	return nil
}
