package sqs

import (
	"container/heap"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// A msg is a message in a queue's index. Its record (body and attributes)
// stays in memory while the service's body budget allows, else it is read
// back from the stream by sequence when received.
type msg struct {
	seq   uint64
	id    string
	group string
	sent  int64 // ms
	size  int
	rec   atomic.Pointer[record]
	// receives is the receive count; it is also the nonce in the receipt
	// handles of the current receive.
	receives int
	first    int64 // first receive, ms
	// due is when a delayed or in-flight message becomes visible; zero
	// when it is visible.
	due      time.Time
	inflight bool
	received time.Time // this receive's start, for the 12-hour cap
	heapIdx  int       // in the pending heap; -1 when not
	inReady  bool      // in a standard queue's ready list
	gone     bool      // deleted, expired or moved
}

// A group is a FIFO message group: its messages in order, and how many
// of them are in flight (a group with one in flight is not served).
type group struct {
	name     string
	msgs     []*msg
	inflight int
}

// A queue is one queue's index. mu guards everything below it.
type queue struct {
	name, id, arn string
	fifo          bool // fixed at creation
	subject       string
	stream        jetstream.Stream
	key           []byte // receipt handle MAC key

	mu       sync.Mutex
	cfg      *config
	meta     *meta
	msgs     map[uint64]*msg
	ready    []*msg // standard: visible messages, oldest first
	groups   map[string]*group
	pending  pendingHeap
	timer    *time.Timer
	notify   chan struct{} // closed and replaced when messages become visible
	waiters  int
	inflight int
	delayed  int
	attempts map[string]*attempt
	purged   time.Time
	deleted  bool
}

// An attempt is a FIFO ReceiveRequestAttemptId's result, replayed while
// its messages stay in flight with the same receive.
type attempt struct {
	at   time.Time
	msgs []*msg
	recv []int
	out  []Message
}

// meta is a queue's durable description (the SQS_QUEUES bucket).
type meta struct {
	Name     string            `json:"name"`
	Attrs    map[string]string `json:"attrs"`
	Tags     map[string]string `json:"tags,omitempty"`
	Created  int64             `json:"created"`  // seconds
	Modified int64             `json:"modified"` // seconds
	Stack    bool              `json:"stack,omitempty"`
	Nanos    int64             `json:"nanos"` // creation, for the handle key
}

func newQueue(name string, cfg *config, m *meta) *queue {
	q := &queue{name: name, id: queueID(name), fifo: cfg.fifo, cfg: cfg, meta: m, msgs: map[uint64]*msg{},
		groups: map[string]*group{}, notify: make(chan struct{}), attempts: map[string]*attempt{}}
	q.subject = "sqs." + q.id + ".m"
	return q
}

// queueID is the stream-safe id of a queue name: names are
// [A-Za-z0-9_-] plus FIFO's ".fifo", which streams cannot hold.
func queueID(name string) string {
	if base, ok := strings.CutSuffix(name, FifoSuffix); ok {
		return "F_" + base
	}
	return "S_" + name
}

// add indexes m (locked). now decides whether it is delayed.
func (q *queue) add(m *msg, now time.Time) {
	m.heapIdx = -1
	q.msgs[m.seq] = m
	if q.fifo {
		g := q.groups[m.group]
		if g == nil {
			g = &group{name: m.group}
			q.groups[m.group] = g
		}
		i := len(g.msgs)
		for i > 0 && g.msgs[i-1].seq > m.seq {
			i--
		}
		g.msgs = slices.Insert(g.msgs, i, m)
		if m.inflight {
			g.inflight++
		}
	}
	switch {
	case m.inflight:
		q.inflight++
		q.schedule(m)
	case !m.due.IsZero() && m.due.After(now):
		q.delayed++
		q.schedule(m)
	default:
		m.due = time.Time{}
		q.makeReady(m)
	}
}

// schedule puts m in the pending heap and rearms the timer if it is the
// earliest.
func (q *queue) schedule(m *msg) {
	if m.heapIdx >= 0 {
		heap.Fix(&q.pending, m.heapIdx)
	} else {
		heap.Push(&q.pending, m)
	}
	if q.pending[0] == m {
		q.arm()
	}
}

func (q *queue) arm() {
	if len(q.pending) == 0 || q.deleted {
		return
	}
	d := time.Until(q.pending[0].due)
	if q.timer == nil {
		q.timer = time.AfterFunc(d, q.tick)
	} else {
		q.timer.Reset(d)
	}
}

// tick makes due messages visible.
func (q *queue) tick() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.settleDue(time.Now()) {
		q.wake()
	}
	q.arm()
}

// settleDue makes every message due by now visible (locked); receives
// call it too, so a late timer never hides a due message.
func (q *queue) settleDue(now time.Time) bool {
	woke := false
	for len(q.pending) > 0 && !q.pending[0].due.After(now) {
		m := heap.Pop(&q.pending).(*msg)
		q.settle(m)
		woke = true
	}
	return woke
}

// settle makes a due message visible (locked, out of the heap).
func (q *queue) settle(m *msg) {
	if m.inflight {
		m.inflight = false
		q.inflight--
		if q.fifo {
			q.groups[m.group].inflight--
		}
	} else {
		q.delayed--
	}
	m.due = time.Time{}
	q.makeReady(m)
}

func (q *queue) makeReady(m *msg) {
	if !q.fifo && !m.inReady {
		m.inReady = true
		q.ready = append(q.ready, m)
	}
}

// wake wakes long-polling receivers (locked).
func (q *queue) wake() {
	if q.waiters > 0 {
		close(q.notify)
		q.notify = make(chan struct{})
	}
}

// shut marks q deleted (as DeleteQueue and Close do) and wakes its
// long-polling receivers, waiting or not, to see it.
func (q *queue) shut() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.deleted = true
	if q.timer != nil {
		q.timer.Stop()
	}
	close(q.notify)
	q.notify = make(chan struct{})
}

// remove drops m from the index (locked).
func (q *queue) remove(m *msg) {
	if m.gone {
		return
	}
	m.gone = true
	delete(q.msgs, m.seq)
	if m.heapIdx >= 0 {
		heap.Remove(&q.pending, m.heapIdx)
	}
	if m.inflight {
		q.inflight--
	} else if !m.due.IsZero() {
		q.delayed--
	}
	if q.fifo {
		g := q.groups[m.group]
		if i := slices.Index(g.msgs, m); i >= 0 {
			g.msgs = slices.Delete(g.msgs, i, i+1)
		}
		if m.inflight {
			g.inflight--
		}
		if len(g.msgs) == 0 {
			delete(q.groups, m.group)
		}
	}
	m.inflight = false
	// A standard queue's ready list skips gone messages lazily.
}

// take picks up to n visible messages and puts them in flight for vis
// (locked). Messages past their retention are dropped; those past the
// redrive policy's receive count go to moves instead.
func (q *queue) take(n int, vis time.Duration, now time.Time) (got, moves, expired []*msg) {
	q.settleDue(now)
	retention := int64(q.cfg.retention) * 1000
	nowMs := now.UnixMilli()
	maxRecv := 0
	if q.cfg.redrive != nil {
		maxRecv = q.cfg.redrive.MaxReceiveCount
	}
	pick := func(m *msg) bool {
		if nowMs-m.sent > retention {
			q.remove(m)
			expired = append(expired, m)
			return false
		}
		if maxRecv > 0 && m.receives >= maxRecv {
			q.remove(m)
			moves = append(moves, m)
			return false
		}
		m.receives++
		if m.first == 0 {
			m.first = nowMs
		}
		m.inflight = true
		m.received = now
		m.due = now.Add(vis)
		q.inflight++
		heap.Push(&q.pending, m)
		got = append(got, m)
		return true
	}
	if !q.fifo {
		i := 0
		for ; i < len(q.ready) && len(got) < n; i++ {
			m := q.ready[i]
			m.inReady = false
			if m.gone {
				continue
			}
			pick(m)
		}
		q.ready = q.ready[i:]
		if len(q.ready) == 0 {
			q.ready = nil
		}
	} else {
		for len(got) < n {
			g := q.nextGroup()
			if g == nil {
				break
			}
			for _, m := range slices.Clone(g.msgs) {
				if len(got) >= n || m.inflight || !m.due.IsZero() {
					break
				}
				if pick(m) {
					g.inflight++
				}
			}
			// Each pass takes or drops a message, so this ends; a group that
			// gave messages is in flight now and is not served again.
		}
	}
	if len(got) > 0 {
		q.arm()
	}
	return got, moves, expired
}

// nextGroup is the FIFO group to serve: none of its messages in flight,
// its first message visible, the oldest such first message (locked).
func (q *queue) nextGroup() *group {
	var best *group
	for _, g := range q.groups {
		if g.inflight > 0 || len(g.msgs) == 0 {
			continue
		}
		h := g.msgs[0]
		if h.inflight || !h.due.IsZero() {
			continue
		}
		if best == nil || h.seq < best.msgs[0].seq {
			best = g
		}
	}
	return best
}

// visible is the number of messages available (locked).
func (q *queue) visible() int { return len(q.msgs) - q.inflight - q.delayed }

// settleNow makes what is due visible before the counts are read (locked),
// so a timer that fires late never makes a due message look in flight.
func (q *queue) settleNow() {
	if q.settleDue(time.Now()) {
		q.wake()
	}
}

// pendingHeap orders delayed and in-flight messages by when they become
// visible: one timer per queue, none per message.
type pendingHeap []*msg

func (h pendingHeap) Len() int           { return len(h) }
func (h pendingHeap) Less(i, j int) bool { return h[i].due.Before(h[j].due) }
func (h pendingHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].heapIdx = i
	h[j].heapIdx = j
}
func (h *pendingHeap) Push(x any) {
	m := x.(*msg)
	m.heapIdx = len(*h)
	*h = append(*h, m)
}
func (h *pendingHeap) Pop() any {
	old := *h
	m := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	m.heapIdx = -1
	return m
}

func removeAt(h *pendingHeap, i int) { heap.Remove(h, i) }
