package sqs

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/errs"
)

// Options configure a Service.
type Options struct {
	// JetStream stores everything.
	JetStream jetstream.JetStream
	// Logger gets failures of background work; nil for none.
	Logger *slog.Logger
	// Now is the clock; nil for time.Now.
	Now func() time.Time
	// MemoryBudget caps the bytes of message records kept in memory;
	// beyond it bodies are read back from the streams. 0 is 64 MiB.
	MemoryBudget int64
}

// A Service is the queue service of this node. Each queue has one owner:
// this node (see doc.go).
type Service struct {
	o       Options
	js      jetstream.JetStream
	state   jetstream.KeyValue
	dedup   jetstream.KeyValue
	meta    jetstream.KeyValue
	nodeKey []byte

	mu      sync.RWMutex
	queues  map[string]*queue
	gone    map[string]time.Time // recently deleted queues
	tasks   map[string]*moveTask
	mem     atomic.Int64 // bytes of records held in memory
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	closing atomic.Bool
}

var _ Backend = (*Service)(nil)

// New opens the queue service on o.JetStream, rebuilding every queue's
// index from its stream and the receive state.
func New(ctx context.Context, o Options) (*Service, error) {
	const op errs.Op = "sqs.New"
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MemoryBudget == 0 {
		o.MemoryBudget = defaultMemoryBudget
	}
	s := &Service{o: o, js: o.JetStream, queues: map[string]*queue{}, gone: map[string]time.Time{}, tasks: map[string]*moveTask{}}
	var err error
	if s.state, err = s.bucket(ctx, bucketState, time.Duration(MaxRetention)*time.Second+totalVisibilityCap); err != nil {
		return nil, errs.E(op, err)
	}
	if s.dedup, err = s.bucket(ctx, bucketDedup, dedupWindow); err != nil {
		return nil, errs.E(op, err)
	}
	if s.meta, err = s.bucket(ctx, bucketMeta, 0); err != nil {
		return nil, errs.E(op, err)
	}
	if s.nodeKey, err = s.loadKey(ctx); err != nil {
		return nil, errs.E(op, err)
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	if err := s.load(ctx); err != nil {
		s.Close()
		return nil, errs.E(op, err)
	}
	s.wg.Add(1)
	go s.sweeper()
	return s, nil
}

func (s *Service) bucket(ctx context.Context, name string, ttl time.Duration) (jetstream.KeyValue, error) {
	return s.js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: name, TTL: ttl, Storage: jetstream.FileStorage, History: 1})
}

// loadKey is the node's receipt handle key, made once and kept in the
// KV so handles survive restarts.
func (s *Service) loadKey(ctx context.Context) ([]byte, error) {
	k := make([]byte, 32)
	rand.Read(k)
	if _, err := s.meta.Create(ctx, keyNodeKey, k); err == nil {
		return k, nil
	} else if !errors.Is(err, jetstream.ErrKeyExists) {
		return nil, err
	}
	e, err := s.meta.Get(ctx, keyNodeKey)
	if err != nil {
		return nil, err
	}
	return e.Value(), nil
}

// Close stops the service's timers and move tasks. The broker stays open.
func (s *Service) Close() error {
	if s.closing.Swap(true) {
		return nil
	}
	if s.cancel != nil {
		s.cancel()
	}
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, q := range s.queues {
		q.shut()
	}
	return nil
}

func (s *Service) now() time.Time { return s.o.Now() }

// get is the queue called name, or QueueDoesNotExist.
func (s *Service) get(name string) (*queue, error) {
	s.mu.RLock()
	q := s.queues[name]
	s.mu.RUnlock()
	if q == nil {
		return nil, errNoQueue()
	}
	return q, nil
}

// Exists says whether the queue exists.
func (s *Service) Exists(name string) bool {
	_, err := s.get(name)
	return err == nil
}

// IsFIFO says whether the queue exists and is a FIFO queue.
func (s *Service) IsFIFO(name string) bool {
	q, err := s.get(name)
	return err == nil && q.fifo
}

// handleKey derives a queue's receipt handle key: a queue recreated under
// the same name does not accept the old queue's handles.
func (s *Service) handleKey(m *meta) []byte {
	h := hmac.New(sha256.New, s.nodeKey)
	h.Write([]byte(m.Name))
	h.Write([]byte(strconv.FormatInt(m.Nanos, 10)))
	return h.Sum(nil)
}

// CreateQueue creates a queue, or succeeds when one of the same name has
// the same attributes (QueueNameExists otherwise).
func (s *Service) CreateQueue(ctx context.Context, name string, attrs, tags map[string]string) error {
	return s.create(ctx, name, attrs, tags, false)
}

func (s *Service) create(ctx context.Context, name string, attrs, tags map[string]string, stack bool) error {
	fifo := attrs[AttrFifoQueue] == "true"
	if strings.HasSuffix(name, FifoSuffix) && attrs[AttrFifoQueue] == "" {
		// AWS requires FifoQueue for a .fifo name.
		return fail(CodeInvalidParameterValue, "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length")
	}
	if err := ValidName(name, fifo); err != nil {
		return err
	}
	if len(tags) > MaxTags {
		return fail(CodeInvalidParameterValue, "Too many tags added for queue %s.", name)
	}
	cfg, err := parseConfig(defaults(fifo), attrs, true)
	if err != nil {
		return err
	}
	if err := s.checkRedrive(name, cfg); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if q := s.queues[name]; q != nil {
		q.mu.Lock()
		same := sameAttrs(q.cfg.raw, cfg.raw, attrs)
		q.mu.Unlock()
		if !same {
			return fail(CodeQueueNameExists, "A queue already exists with the same name and a different value for attribute(s) %s", strings.Join(slices.Sorted(mapKeys(attrs)), ", "))
		}
		return nil
	}
	if t, ok := s.gone[name]; ok && s.now().Sub(t) < deletedRecently {
		return fail(CodeQueueDeletedRecently, "You must wait 60 seconds after deleting a queue before you can create another with the same name.")
	}
	now := s.now()
	m := &meta{Name: name, Attrs: cfg.raw, Tags: tags, Created: now.Unix(), Modified: now.Unix(), Stack: stack, Nanos: now.UnixNano()}
	q, err := s.open(ctx, m, cfg)
	if err != nil {
		return err
	}
	if err := s.saveMeta(ctx, q); err != nil {
		return err
	}
	s.queues[name] = q
	return nil
}

// sameAttrs says whether creating with given matches the queue's current
// attributes: only the attributes given are compared, as SQS does.
func sameAttrs(cur, want map[string]string, given map[string]string) bool {
	for k := range given {
		if cur[k] != want[k] {
			return false
		}
	}
	return true
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// open makes q's stream and an empty index.
func (s *Service) open(ctx context.Context, m *meta, cfg *config) (*queue, error) {
	q := newQueue(m.Name, cfg, m)
	q.arn = arn.Queue(m.Name)
	q.key = s.handleKey(m)
	st, err := s.js.CreateOrUpdateStream(ctx, q.streamConfig(cfg.retention))
	if err != nil {
		return nil, fail(CodeInternal, "creating the queue's stream: %v", err)
	}
	q.stream = st
	return q, nil
}

func (q *queue) streamConfig(retention int) jetstream.StreamConfig {
	return jetstream.StreamConfig{
		Name:     streamPrefix + q.id,
		Subjects: []string{q.subject},
		Storage:  jetstream.FileStorage,
		MaxAge:   time.Duration(retention) * time.Second,
		// A record holds the body, its attributes and some bookkeeping.
		MaxMsgSize: 2*MaxMessageSize + 64<<10,
	}
}

func (s *Service) saveMeta(ctx context.Context, q *queue) error {
	b, _ := json.Marshal(q.meta)
	if _, err := s.meta.Put(ctx, metaQueue+q.id, b); err != nil {
		return fail(CodeInternal, "saving the queue: %v", err)
	}
	return nil
}

// allows says whether the queue, as a dead-letter queue, takes messages
// from source.
func (q *queue) allows(source string) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.cfg.allow.allows(source)
}

// checkRedrive checks a redrive policy's dead-letter queue: it exists, is
// of the same type and allows the source.
func (s *Service) checkRedrive(name string, cfg *config) error {
	if cfg.redrive == nil {
		return nil
	}
	dname, _ := QueueNameOf(cfg.redrive.Target)
	dlq, err := s.get(dname)
	if err != nil && dname != name {
		return invalidValue(AttrRedrivePolicy, cfg.raw[AttrRedrivePolicy], "Dead letter target does not exist.")
	}
	if err == nil && dlq.fifo != cfg.fifo {
		return invalidValue(AttrRedrivePolicy, cfg.raw[AttrRedrivePolicy], "Dead-letter queue must be same type of queue as the source.")
	}
	if err == nil && !dlq.allows(arn.Queue(name)) {
		return invalidValue(AttrRedrivePolicy, cfg.raw[AttrRedrivePolicy], "Dead-letter target owner does not allow the source queue to redrive to it.")
	}
	return nil
}

// DeleteQueue deletes a queue and its messages.
func (s *Service) DeleteQueue(ctx context.Context, name string) error {
	s.mu.Lock()
	q := s.queues[name]
	if q == nil {
		s.mu.Unlock()
		return errNoQueue()
	}
	delete(s.queues, name)
	s.gone[name] = s.now()
	s.mu.Unlock()
	q.shut()
	s.meta.Delete(ctx, metaQueue+q.id)
	if err := s.js.DeleteStream(ctx, streamPrefix+q.id); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return fail(CodeInternal, "deleting the queue's stream: %v", err)
	}
	s.purgeState(ctx, q)
	return nil
}

// purgeState removes a queue's receive state.
func (s *Service) purgeState(ctx context.Context, q *queue) {
	if st, err := s.js.Stream(ctx, "KV_"+bucketState); err == nil {
		st.Purge(ctx, jetstream.WithPurgeSubject("$KV."+bucketState+"."+q.id+".>"))
	}
}

// ListQueues lists the queue names starting with prefix, sorted.
func (s *Service) ListQueues(prefix string) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []string
	for n := range s.queues {
		if strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// Attributes returns every attribute of the queue, counts included.
func (s *Service) Attributes(ctx context.Context, name string) (map[string]string, error) {
	q, err := s.get(name)
	if err != nil {
		return nil, err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	out := make(map[string]string, len(q.cfg.raw)+6)
	for k, v := range q.cfg.raw {
		out[k] = v
	}
	out[AttrQueueArn] = q.arn
	out[AttrCreatedTimestamp] = strconv.FormatInt(q.meta.Created, 10)
	out[AttrLastModifiedTimestamp] = strconv.FormatInt(q.meta.Modified, 10)
	q.settleNow()
	out[AttrApproximateNumberOfMessages] = strconv.Itoa(q.visible())
	out[AttrApproximateNumberOfMessagesNotVisible] = strconv.Itoa(q.inflight)
	out[AttrApproximateNumberOfMessagesDelayed] = strconv.Itoa(q.delayed)
	return out, nil
}

// SetAttributes changes a queue's attributes.
func (s *Service) SetAttributes(ctx context.Context, name string, attrs map[string]string) error {
	q, err := s.get(name)
	if err != nil {
		return err
	}
	q.mu.Lock()
	cfg, err := parseConfig(q.cfg.raw, attrs, false)
	q.mu.Unlock()
	if err != nil {
		return err
	}
	if err := s.checkRedrive(name, cfg); err != nil {
		return err
	}
	return s.setConfig(ctx, q, cfg)
}

func (s *Service) setConfig(ctx context.Context, q *queue, cfg *config) error {
	q.mu.Lock()
	retention := q.cfg.retention != cfg.retention
	q.cfg = cfg
	q.meta.Attrs = cfg.raw
	q.meta.Modified = s.now().Unix()
	q.mu.Unlock()
	if retention {
		if _, err := s.js.UpdateStream(ctx, q.streamConfig(cfg.retention)); err != nil {
			return fail(CodeInternal, "updating the queue's stream: %v", err)
		}
	}
	return s.saveMeta(ctx, q)
}

// Tag sets tags on a queue.
func (s *Service) Tag(ctx context.Context, name string, tags map[string]string) error {
	return s.retag(ctx, name, func(t map[string]string) error {
		maps.Copy(t, tags)
		if len(t) > MaxTags {
			return fail(CodeInvalidParameterValue, "Too many tags added for queue %s.", name)
		}
		return nil
	})
}

// Untag removes tags from a queue.
func (s *Service) Untag(ctx context.Context, name string, keys []string) error {
	return s.retag(ctx, name, func(t map[string]string) error {
		for _, k := range keys {
			delete(t, k)
		}
		return nil
	})
}

// retag gives change a copy of a queue's tags to edit, then saves it,
// unless change fails.
func (s *Service) retag(ctx context.Context, name string, change func(map[string]string) error) error {
	q, err := s.get(name)
	if err != nil {
		return err
	}
	q.mu.Lock()
	t := make(map[string]string, len(q.meta.Tags))
	maps.Copy(t, q.meta.Tags)
	if err := change(t); err != nil {
		q.mu.Unlock()
		return err
	}
	q.meta.Tags = t
	q.mu.Unlock()
	return s.saveMeta(ctx, q)
}

// Tags are a queue's tags.
func (s *Service) Tags(name string) (map[string]string, error) {
	q, err := s.get(name)
	if err != nil {
		return nil, err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	out := map[string]string{}
	for k, v := range q.meta.Tags {
		out[k] = v
	}
	return out, nil
}

// DeadLetterSources lists the queues whose redrive policy names the
// queue, sorted.
func (s *Service) DeadLetterSources(name string) ([]string, error) {
	dlq, err := s.get(name)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []string
	for n, q := range s.queues {
		q.mu.Lock()
		if q.cfg.redrive != nil && q.cfg.redrive.Target == dlq.arn {
			out = append(out, n)
		}
		q.mu.Unlock()
	}
	slices.Sort(out)
	return out, nil
}

// Purge deletes every message of a queue; once a minute at most.
func (s *Service) Purge(ctx context.Context, name string) error {
	q, err := s.get(name)
	if err != nil {
		return err
	}
	now := s.now()
	q.mu.Lock()
	if !q.purged.IsZero() && now.Sub(q.purged) < purgeInterval {
		q.mu.Unlock()
		return fail(CodePurgeQueueInProgress, "Only one PurgeQueue operation on %s is allowed every 60 seconds.", name)
	}
	q.purged = now
	var top uint64
	for seq, m := range q.msgs {
		top = max(top, seq)
		q.remove(m)
	}
	q.ready = nil
	q.mu.Unlock()
	if top > 0 {
		if err := q.stream.Purge(ctx, jetstream.WithPurgeSequence(top+1)); err != nil {
			return fail(CodeInternal, "purging the queue's stream: %v", err)
		}
	}
	s.purgeState(ctx, q)
	return nil
}

// Apply makes the stack's queues exist with these attributes. Queues the
// API created stay; a stack queue no longer declared is deleted.
func (s *Service) Apply(ctx context.Context, queues []QueueConfig) error {
	const op errs.Op = "sqs.Apply"
	want := map[string]bool{}
	// Dead-letter queues first: a redrive policy needs its target.
	ordered := slices.Clone(queues)
	slices.SortStableFunc(ordered, func(a, b QueueConfig) int {
		return boolInt(a.Attributes[AttrRedrivePolicy] != "") - boolInt(b.Attributes[AttrRedrivePolicy] != "")
	})
	for _, c := range ordered {
		want[c.Name] = true
		q, err := s.get(c.Name)
		if err != nil {
			if err := s.create(ctx, c.Name, c.Attributes, c.Tags, true); err != nil {
				return errs.E(op, errs.Invalid, c.Name, err)
			}
			continue
		}
		cfg, err := parseConfig(defaults(q.fifo), c.Attributes, true)
		if err == nil {
			err = s.checkRedrive(c.Name, cfg)
		}
		if err == nil && cfg.fifo != q.fifo {
			err = fail(CodeInvalidAttributeValue, "FifoQueue cannot change")
		}
		if err != nil {
			return errs.E(op, errs.Invalid, c.Name, err)
		}
		if err := s.setConfig(ctx, q, cfg); err != nil {
			return errs.E(op, c.Name, err)
		}
		q.mu.Lock()
		q.meta.Stack = true
		q.meta.Tags = c.Tags
		q.mu.Unlock()
		if err := s.saveMeta(ctx, q); err != nil {
			return errs.E(op, c.Name, err)
		}
	}
	s.mu.RLock()
	var drop []string
	for n, q := range s.queues {
		if q.meta.Stack && !want[n] {
			drop = append(drop, n)
		}
	}
	s.mu.RUnlock()
	for _, n := range drop {
		if err := s.DeleteQueue(ctx, n); err != nil {
			return errs.E(op, n, err)
		}
		s.mu.Lock()
		delete(s.gone, n) // the stack may bring it back at once
		s.mu.Unlock()
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
