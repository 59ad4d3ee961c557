package kinesis

import (
	"context"
	"crypto/hmac"
	"encoding/base64"
	"encoding/binary"
	"time"
)

// A listToken is ListShards' NextToken: the stream (name and id), the
// last shard index listed, the page size, the filter, the creation time
// (ms) and an HMAC, base64.
type listToken struct {
	name, id string
	after    int
	max      int
	filter   string
	at       int64 // the filter's timestamp, ms
	created  int64
}

func (s *Service) encodeToken(t listToken) string {
	b := []byte{iteratorVersion}
	for _, str := range []string{t.name, t.id, t.filter} {
		b = binary.AppendUvarint(b, uint64(len(str)))
		b = append(b, str...)
	}
	for _, n := range []int64{int64(t.after), int64(t.max), t.at, t.created} {
		b = binary.AppendVarint(b, n)
	}
	b = append(b, s.mac(b)...)
	return base64.StdEncoding.EncodeToString(b)
}

func (s *Service) decodeToken(str string) (listToken, error) {
	bad := fail(CodeInvalidArgument, "Invalid NextToken.")
	b, err := decodeOpaque(str)
	if err != nil || len(b) < 1+macSize || b[0] != iteratorVersion {
		return listToken{}, bad
	}
	body, sum := b[:len(b)-macSize], b[len(b)-macSize:]
	if !hmac.Equal(sum, s.mac(body)) {
		return listToken{}, bad
	}
	b = body[1:]
	var strs [3]string
	for i := range strs {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return listToken{}, bad
		}
		strs[i] = string(b[k : k+int(n)])
		b = b[k+int(n):]
	}
	var nums [4]int64
	for i := range nums {
		n, k := binary.Varint(b)
		if k <= 0 {
			return listToken{}, bad
		}
		nums[i] = n
		b = b[k:]
	}
	if len(b) != 0 {
		return listToken{}, bad
	}
	return listToken{name: strs[0], id: strs[1], filter: strs[2], after: int(nums[0]), max: int(nums[1]), at: nums[2], created: nums[3]}, nil
}

// ListShards lists a stream's shards a page at a time. With NextToken,
// name must be "" (the token names the stream), as AWS requires.
func (s *Service) ListShards(ctx context.Context, name string, in ListShardsInput) ([]Shard, string, error) {
	now := s.now()
	t := listToken{name: name, after: -1, max: in.MaxResults, filter: in.FilterType, at: in.FilterTimestamp.UnixMilli()}
	if in.NextToken != "" {
		switch {
		case name != "":
			return nil, "", fail(CodeInvalidArgument, "NextToken and StreamName cannot be provided together.")
		case in.FilterType != "":
			return nil, "", fail(CodeInvalidArgument, "NextToken and ShardFilter cannot be provided together.")
		case in.ExclusiveStartShardID != "":
			return nil, "", fail(CodeInvalidArgument, "NextToken and ExclusiveStartShardId cannot be provided together.")
		}
		var err error
		if t, err = s.decodeToken(in.NextToken); err != nil {
			return nil, "", err
		}
		if now.Sub(time.UnixMilli(t.created)) > NextTokenLifetime {
			return nil, "", fail(CodeExpiredNextToken, "The timestamp of the NextToken has expired.")
		}
		if in.MaxResults != 0 {
			t.max = in.MaxResults
		}
	} else if err := s.checkFilter(&t, in); err != nil {
		return nil, "", err
	}
	if t.max < 0 || t.max > MaxListShards {
		return nil, "", fail(CodeValidation, "1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 10000", t.max)
	}
	if t.max == 0 {
		t.max = DefaultListShards
	}
	st, err := s.get(t.name)
	if err != nil {
		return nil, "", err
	}
	st.mu.RLock()
	defer st.mu.RUnlock()
	if t.id != "" && t.id != st.m.ID {
		return nil, "", fail(CodeInvalidArgument, "Invalid NextToken.")
	}
	t.id = st.m.ID
	var out []Shard
	for i := range st.m.Shards {
		sm := &st.m.Shards[i]
		if sm.Index <= t.after || !st.listed(sm, now) || !st.matches(sm, t, now) {
			continue
		}
		if len(out) == t.max {
			t.created = now.UnixMilli()
			return out, s.encodeToken(t), nil
		}
		out = append(out, st.view(sm))
		t.after = sm.Index
	}
	return out, "", nil
}

// checkFilter validates a ShardFilter and ExclusiveStartShardId into t.
func (s *Service) checkFilter(t *listToken, in ListShardsInput) error {
	if in.ExclusiveStartShardID != "" {
		i, ok := parseShardID(in.ExclusiveStartShardID)
		if !ok {
			return fail(CodeInvalidArgument, "Invalid ExclusiveStartShardId %s.", in.ExclusiveStartShardID)
		}
		t.after = i
	}
	switch in.FilterType {
	case "", FilterAtTrimHorizon, FilterFromTrimHorizon, FilterAtLatest:
	case FilterAfterShardID:
		i, ok := parseShardID(in.FilterShardID)
		if !ok {
			return fail(CodeInvalidArgument, "ShardFilter of type AFTER_SHARD_ID requires a valid ShardId.")
		}
		t.after = max(t.after, i)
	case FilterAtTimestamp, FilterFromTimestamp:
		if in.FilterTimestamp.IsZero() {
			return fail(CodeInvalidArgument, "ShardFilter of type %s requires a Timestamp.", in.FilterType)
		}
	default:
		return fail(CodeValidation, "1 validation error detected: Value '%s' at 'shardFilter.type' failed to satisfy constraint: Member must satisfy enum value set: [AFTER_SHARD_ID, AT_TRIM_HORIZON, FROM_TRIM_HORIZON, AT_LATEST, AT_TIMESTAMP, FROM_TIMESTAMP]", in.FilterType)
	}
	return nil
}

// matches applies a ShardFilter to a listed shard.
func (st *stream) matches(sm *shardMeta, t listToken, now time.Time) bool {
	switch t.filter {
	case FilterAtLatest:
		return !sm.Closed
	case FilterAtTrimHorizon:
		// The shards open at the trim horizon: no listed parent.
		for _, p := range sm.Parents {
			for i := range st.m.Shards {
				if o := &st.m.Shards[i]; o.Index == p && st.listed(o, now) {
					return false
				}
			}
		}
		return true
	case FilterAtTimestamp:
		return sm.Created <= t.at && (!sm.Closed || sm.ClosedAt > t.at)
	case FilterFromTimestamp:
		return !sm.Closed || sm.ClosedAt > t.at
	}
	return true
}
