package kinesis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/errs"
)

// A Service is the stream service of this node.
type Service struct {
	o       Options
	js      jetstream.JetStream
	kv      jetstream.KeyValue
	nodeKey []byte

	mu      sync.RWMutex
	streams map[string]*stream // by name
	subs    map[string]bool    // active subscriptions: consumer ARN + shard
	closed  chan struct{}
	once    sync.Once
}

var _ API = (*Service)(nil)

// New opens the stream service on o.JetStream, rebuilding every stream
// from the KV bucket and its JetStream stream.
func New(ctx context.Context, o Options) (*Service, error) {
	const op errs.Op = "kinesis.New"
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Service{o: o, js: o.JetStream, streams: map[string]*stream{}, subs: map[string]bool{}, closed: make(chan struct{})}
	var err error
	s.kv, err = s.js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: bucketMeta, Storage: jetstream.FileStorage, History: 1})
	if err != nil {
		return nil, errs.E(op, err)
	}
	if s.nodeKey, err = s.loadKey(ctx); err != nil {
		return nil, errs.E(op, err)
	}
	if err := s.load(ctx); err != nil {
		return nil, errs.E(op, err)
	}
	return s, nil
}

// loadKey is the node's iterator key, made once and kept in the bucket so
// iterators survive restarts.
func (s *Service) loadKey(ctx context.Context) ([]byte, error) {
	k := make([]byte, 32)
	rand.Read(k)
	if _, err := s.kv.Create(ctx, keyNodeKey, k); err == nil {
		return k, nil
	} else if !errors.Is(err, jetstream.ErrKeyExists) {
		return nil, err
	}
	e, err := s.kv.Get(ctx, keyNodeKey)
	if err != nil {
		return nil, err
	}
	return e.Value(), nil
}

// load rebuilds every stream: its metadata from the bucket, each shard's
// tip from the last message of its subject.
func (s *Service) load(ctx context.Context) error {
	keys, err := s.kv.ListKeys(ctx)
	if err != nil {
		return err
	}
	var names []string
	for k := range keys.Keys() {
		if strings.HasPrefix(k, keyStream) {
			names = append(names, k)
		}
	}
	for _, k := range names {
		e, err := s.kv.Get(ctx, k)
		if err != nil {
			continue
		}
		var m meta
		if json.Unmarshal(e.Value(), &m) != nil {
			s.o.Logger.Warn("kinesis: a stored stream is unreadable; skipped", "key", k)
			continue
		}
		st := newStream(m)
		if err := s.open(ctx, st); err != nil {
			return err
		}
		if err := s.tips(ctx, st); err != nil {
			return err
		}
		s.streams[m.Name] = st
	}
	return nil
}

// tips reads each shard's newest record and the stream's last sequence.
func (s *Service) tips(ctx context.Context, st *stream) error {
	js, err := s.js.Stream(ctx, jsName(st.m.ID))
	if err != nil {
		return err
	}
	info, err := js.Info(ctx)
	if err != nil {
		return err
	}
	st.last.Store(info.State.LastSeq)
	for _, sh := range st.shards {
		raw, err := js.GetLastMsgForSubject(ctx, sh.subject)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		sh.last.Store(raw.Sequence)
		if r, ok := decodeRecord(raw.Data); ok {
			sh.arrival.Store(r.ms)
		}
	}
	return nil
}

// open creates or updates st's JetStream stream.
func (s *Service) open(ctx context.Context, st *stream) error {
	_, err := s.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        jsName(st.m.ID),
		Subjects:    []string{subjectPrefix + st.m.ID + ".*"},
		Storage:     jetstream.FileStorage,
		MaxAge:      time.Duration(st.m.Retention) * time.Hour,
		MaxMsgSize:  MaxRecordSize + 1024,
		AllowDirect: true,
		Discard:     jetstream.DiscardOld,
	})
	if err != nil {
		return fail(CodeInternalFailure, "creating the stream's storage: %v", err)
	}
	return nil
}

// save writes st's metadata; st.mu must be held.
func (s *Service) save(ctx context.Context, st *stream) error {
	b, _ := json.Marshal(&st.m)
	if _, err := s.kv.Put(ctx, keyStream+st.m.ID, b); err != nil {
		return fail(CodeInternalFailure, "saving the stream: %v", err)
	}
	return nil
}

// Close stops the service's subscriptions. The broker stays open.
func (s *Service) Close() error {
	s.once.Do(func() { close(s.closed) })
	return nil
}

func (s *Service) now() time.Time { return s.o.Now() }

// get is the stream called name, or ResourceNotFoundException.
func (s *Service) get(name string) (*stream, error) {
	s.mu.RLock()
	st := s.streams[name]
	s.mu.RUnlock()
	if st == nil {
		return nil, errNoStream(name)
	}
	return st, nil
}

func errNoStream(name string) error {
	return fail(CodeResourceNotFound, "Stream %s under account %s not found.", name, arn.Account)
}

var nameRE = regexp.MustCompile(`^[a-zA-Z0-9_.-]{1,128}$`)

// validName checks a stream or consumer name against AWS's pattern.
func validName(field, name string) error {
	if nameRE.MatchString(name) {
		return nil
	}
	if len(name) > MaxStreamName {
		return fail(CodeValidation, "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to 128", name, field)
	}
	if name == "" {
		return fail(CodeValidation, "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have length greater than or equal to 1", name, field)
	}
	return fail(CodeValidation, "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+", name, field)
}

// CreateStream creates a stream of c.ShardCount shards (4 on demand).
func (s *Service) CreateStream(ctx context.Context, c StreamConfig) error {
	return s.create(ctx, c, false)
}

func (s *Service) create(ctx context.Context, c StreamConfig, stack bool) error {
	if err := validName("streamName", c.Name); err != nil {
		return err
	}
	switch c.Mode {
	case "":
		c.Mode = Provisioned
	case Provisioned, OnDemand:
	default:
		return fail(CodeValidation, "1 validation error detected: Value '%s' at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must satisfy enum value set: [ON_DEMAND, PROVISIONED]", c.Mode)
	}
	n := c.ShardCount
	if c.Mode == OnDemand {
		n = OnDemandShards
	} else if n == 0 {
		n = 1
	}
	if n < 1 {
		return fail(CodeValidation, "1 validation error detected: Value '%d' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1", n)
	}
	if c.RetentionHours == 0 {
		c.RetentionHours = MinRetentionHours
	}
	if err := checkRetention(c.RetentionHours); err != nil {
		return err
	}
	if err := checkTags(c.Name, len(c.Tags), c.Tags); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.streams[c.Name] != nil {
		return fail(CodeResourceInUse, "Stream %s under account %s already exists.", c.Name, arn.Account)
	}
	if err := s.checkShardLimit(n); err != nil {
		return err
	}
	id := make([]byte, 8)
	rand.Read(id)
	now := s.now().UnixMilli()
	m := meta{Name: c.Name, ID: hex.EncodeToString(id), Mode: c.Mode, Created: now, Retention: c.RetentionHours, Tags: c.Tags, Stack: stack}
	for i, r := range splitRange(n) {
		m.Shards = append(m.Shards, shardMeta{Index: i, Start: r[0].String(), End: r[1].String(), StartJS: 1, Created: now})
	}
	m.NextShard = n
	st := newStream(m)
	if err := s.open(ctx, st); err != nil {
		return err
	}
	if err := s.save(ctx, st); err != nil {
		s.js.DeleteStream(ctx, jsName(m.ID))
		return err
	}
	s.streams[c.Name] = st
	return nil
}

// checkShardLimit refuses adding n open shards past the account's quota;
// s.mu must be held.
func (s *Service) checkShardLimit(n int) error {
	cur := 0
	for _, st := range s.streams {
		st.mu.RLock()
		cur += st.openCount()
		st.mu.RUnlock()
	}
	if cur+n > AccountShardLimit {
		return fail(CodeLimitExceeded, "This request would exceed the shard limit for the account %s in %s. Current shard count for the account: %d. Limit: %d. Number of additional shards that would have resulted from this request: %d. Refer to the AWS Service Limits page (https://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.", arn.Account, arn.Region, cur, AccountShardLimit, n)
	}
	return nil
}

// DeleteStream deletes a stream and its records; a stream with consumers
// only with enforceConsumerDeletion.
func (s *Service) DeleteStream(ctx context.Context, name string, enforceConsumerDeletion bool) error {
	s.mu.Lock()
	st := s.streams[name]
	if st == nil {
		s.mu.Unlock()
		return errNoStream(name)
	}
	st.mu.Lock()
	if len(st.m.Consumers) > 0 && !enforceConsumerDeletion {
		st.mu.Unlock()
		s.mu.Unlock()
		return fail(CodeResourceInUse, "DeleteStream can't delete %s:%s because there are consumers associated with this data stream. To delete %s anyway, set the EnforceConsumerDeletion parameter to true to force the deletion of all the consumers that are associated with it.", arn.Account, name, name)
	}
	delete(s.streams, name)
	st.gone.Store(true)
	st.mu.Unlock()
	s.mu.Unlock()
	for _, sh := range st.shards {
		sh.signal()
	}
	s.kv.Delete(ctx, keyStream+st.m.ID)
	if err := s.js.DeleteStream(ctx, jsName(st.m.ID)); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
		return fail(CodeInternalFailure, "deleting the stream's storage: %v", err)
	}
	return nil
}

// Describe is DescribeStream: the stream and a page of its shards (at
// most shardLimit, 100 when 0, after exclusiveStartShardID).
func (s *Service) Describe(ctx context.Context, name string, shardLimit int, exclusiveStartShardID string) (Description, error) {
	st, err := s.get(name)
	if err != nil {
		return Description{}, err
	}
	if shardLimit < 0 || shardLimit > 10000 {
		return Description{}, fail(CodeValidation, "1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and 10000", shardLimit)
	}
	if shardLimit == 0 || shardLimit > MaxDescribeShards {
		shardLimit = MaxDescribeShards
	}
	after := -1
	if exclusiveStartShardID != "" {
		if after, _ = parseShardID(exclusiveStartShardID); after < 0 {
			after = -1
		}
	}
	now := s.now()
	st.mu.RLock()
	defer st.mu.RUnlock()
	d := Description{
		Name: st.m.Name, ARN: st.arn, Status: StatusActive, Mode: st.m.Mode,
		Created: time.UnixMilli(st.m.Created), RetentionHours: st.m.Retention,
		OpenShards: st.openCount(), Consumers: len(st.m.Consumers),
	}
	for i := range st.m.Shards {
		sm := &st.m.Shards[i]
		if sm.Index <= after || !st.listed(sm, now) {
			continue
		}
		if len(d.Shards) == shardLimit {
			d.HasMoreShards = true
			break
		}
		d.Shards = append(d.Shards, st.view(sm))
	}
	return d, nil
}

// ListStreams lists stream names in order, after exclusiveStart, at most
// limit (100 when 0).
func (s *Service) ListStreams(ctx context.Context, limit int, exclusiveStart string) ([]string, bool, error) {
	if limit < 0 || limit > MaxListStreams {
		return nil, false, fail(CodeValidation, "1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000", limit)
	}
	if limit == 0 {
		limit = DefaultListStreams
	}
	s.mu.RLock()
	names := make([]string, 0, len(s.streams))
	for n := range s.streams {
		if n > exclusiveStart {
			names = append(names, n)
		}
	}
	s.mu.RUnlock()
	slices.Sort(names)
	if len(names) > limit {
		return names[:limit], true, nil
	}
	return names, false, nil
}
