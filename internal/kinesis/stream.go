package kinesis

import (
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/verge-edge/verge/internal/arn"
)

// meta is a stream as the KV bucket keeps it: everything but its records.
type meta struct {
	Name      string            `json:"name"`
	ID        string            `json:"id"`
	Mode      string            `json:"mode"`
	Created   int64             `json:"created"` // ms
	Retention int               `json:"retention"`
	Tags      map[string]string `json:"tags,omitempty"`
	Stack     bool              `json:"stack,omitempty"`
	NextShard int               `json:"nextShard"`
	Shards    []shardMeta       `json:"shards"`
	Consumers []consumerMeta    `json:"consumers,omitempty"`
}

// shardMeta is a shard as meta keeps it.
type shardMeta struct {
	Index    int    `json:"i"`
	Parents  []int  `json:"p,omitempty"` // every closed shard whose range overlaps
	Start    string `json:"s"`           // hash keys
	End      string `json:"e"`
	StartJS  uint64 `json:"sj"` // the first JetStream sequence it may hold
	Created  int64  `json:"c"`  // ms
	Closed   bool   `json:"x,omitempty"`
	EndJS    uint64 `json:"ej,omitempty"` // the stream's last sequence when it closed
	ClosedAt int64  `json:"xc,omitempty"` // ms
}

type consumerMeta struct {
	Name    string `json:"n"`
	Created int64  `json:"c"` // s
}

// A stream is a Kinesis stream in memory. mu guards m and the shard lists;
// puts hold it for reading until their records are acknowledged, so a
// reshard (holding it for writing) closes shards no put is still writing.
type stream struct {
	mu     sync.RWMutex
	m      meta
	arn    string
	tag    uint64
	shards map[int]*shard
	open   []*shard      // sorted by starting hash key
	last   atomic.Uint64 // the JetStream stream's last sequence
	gone   atomic.Bool
}

// A shard is one shard's routing, tip and limits.
type shard struct {
	m       *shardMeta // guarded by the stream's mu
	idx     int
	startJS uint64
	id      string
	subject string
	lo, hi  hashKey
	last    atomic.Uint64 // JetStream sequence of its newest record, 0 for none
	arrival atomic.Int64  // ms of its newest record
	wmu     sync.Mutex
	wake    chan struct{} // closed when a record is put
	writeB  *bucket
	writeN  *bucket
	readN   *bucket
	readB   *bucket
}

func shardID(i int) string { return fmt.Sprintf("shardId-%012d", i) }

// parseShardID is the index of "shardId-000000000003".
func parseShardID(id string) (int, bool) {
	const p = "shardId-"
	if len(id) < len(p)+1 || id[:len(p)] != p {
		return 0, false
	}
	n, err := strconv.Atoi(id[len(p):])
	return n, err == nil && n >= 0
}

func jsName(id string) string         { return streamPrefix + id }
func subject(id string, i int) string { return subjectPrefix + id + "." + strconv.Itoa(i) }

// newStream builds the in-memory stream of m.
func newStream(m meta) *stream {
	st := &stream{m: m, arn: arn.Stream(m.Name), tag: streamTag(m.ID)}
	st.index()
	return st
}

// index rebuilds the shard maps from st.m.Shards, keeping the tips and
// limits of shards already known.
func (st *stream) index() {
	old := st.shards
	st.shards = make(map[int]*shard, len(st.m.Shards))
	st.open = st.open[:0]
	for i := range st.m.Shards {
		sm := &st.m.Shards[i]
		sh := old[sm.Index]
		if sh == nil {
			sh = &shard{idx: sm.Index, startJS: sm.StartJS, id: shardID(sm.Index), subject: subject(st.m.ID, sm.Index), wake: make(chan struct{})}
			sh.lo, _ = parseHashKey(sm.Start)
			sh.hi, _ = parseHashKey(sm.End)
			sh.writeB = newBucket(shardWriteBytes, shardWriteBytes)
			sh.writeN = newBucket(shardWriteRecords, shardWriteRecords)
			sh.readN = newBucket(shardReadCalls, shardReadCalls)
			sh.readB = newBucket(shardReadBytes, shardReadBytes)
		}
		sh.m = sm
		st.shards[sm.Index] = sh
		if !sm.Closed {
			st.open = append(st.open, sh)
		}
	}
	slices.SortFunc(st.open, func(a, b *shard) int { return a.lo.cmp(b.lo) })
}

// route is the open shard whose range holds k.
func (st *stream) route(k hashKey) *shard {
	i, _ := slices.BinarySearchFunc(st.open, k, func(sh *shard, k hashKey) int {
		if sh.hi.cmp(k) < 0 {
			return -1
		}
		if sh.lo.cmp(k) > 0 {
			return 1
		}
		return 0
	})
	if i < len(st.open) {
		return st.open[i]
	}
	return st.open[len(st.open)-1]
}

// signal wakes the readers waiting on sh.
func (sh *shard) signal() {
	sh.wmu.Lock()
	close(sh.wake)
	sh.wake = make(chan struct{})
	sh.wmu.Unlock()
}

// waiter is the channel the next put on sh closes.
func (sh *shard) waiter() <-chan struct{} {
	sh.wmu.Lock()
	defer sh.wmu.Unlock()
	return sh.wake
}

// listed says whether a shard still shows: open, or closed less than the
// retention period ago (its records may remain).
func (st *stream) listed(sm *shardMeta, now time.Time) bool {
	return !sm.Closed || now.UnixMilli()-sm.ClosedAt < int64(st.m.Retention)*int64(time.Hour/time.Millisecond)
}

// view is sm as the API shows it.
func (st *stream) view(sm *shardMeta) Shard {
	out := Shard{
		ID:               shardID(sm.Index),
		StartingHashKey:  sm.Start,
		EndingHashKey:    sm.End,
		StartingSequence: seq{tag: st.tag, shard: sm.Index, js: sm.StartJS, ms: sm.Created}.String(),
	}
	if len(sm.Parents) > 0 {
		out.ParentShardID = shardID(sm.Parents[0])
	}
	if len(sm.Parents) > 1 {
		out.AdjacentParentShardID = shardID(sm.Parents[1])
	}
	if sm.Closed {
		out.EndingSequence = seq{tag: st.tag, shard: sm.Index, js: sm.EndJS, ms: sm.ClosedAt}.String()
	}
	return out
}

// children are the shards made from closed shard i.
func (st *stream) children(i int) []ChildShard {
	var out []ChildShard
	for _, sm := range st.m.Shards {
		if slices.Contains(sm.Parents, i) {
			c := ChildShard{ShardID: shardID(sm.Index), StartingHashKey: sm.Start, EndingHashKey: sm.End}
			for _, p := range sm.Parents {
				c.ParentShards = append(c.ParentShards, shardID(p))
			}
			out = append(out, c)
		}
	}
	return out
}

func (st *stream) openCount() int {
	return len(st.open)
}
