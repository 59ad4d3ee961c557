package store

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/verge-edge/verge/internal/uid"
)

// Options configure a Store.
type Options struct {
	// JetStream holds the log and the table definitions.
	JetStream jetstream.JetStream
	// Logger receives the sweeper's failures; slog.Default() when nil.
	Logger *slog.Logger
	// Now is the clock (TTL, record times); time.Now when nil.
	Now func() time.Time
	// TTLInterval is how often expired items are looked for: 1 s when 0,
	// never when negative.
	TTLInterval time.Duration
	// CompactInterval is how often the log drops the entries older than
	// the stream's 24 hours that are not an item's last: 1 min when 0,
	// never when negative (compaction runs on the TTL sweeper's ticks).
	CompactInterval time.Duration
	// Follow applies every write logged by any node to this node's tables
	// as it is logged, for several nodes on one JetStream. Without it a
	// node sees another's write to an item only when it writes that item
	// (compare-and-set makes it read the item's last entry) or restarts.
	// A following node also takes the indexes other nodes add to or
	// delete from the tables it knows.
	Follow bool
	// Size is an item's size as DynamoDB counts it (attribute names and
	// values), for Query's and Scan's 1 MB pages and a table's size; the
	// length of its JSON when nil.
	Size func(item []byte) int
	// CollectionLimit is the most bytes (as Size counts them) an item
	// collection of a table with local secondary indexes may hold: a
	// write that would grow one past it fails with
	// CodeItemCollectionSizeLimitExceeded. DynamoDB's 10 GB
	// (DefaultCollectionLimit) when 0; tests lower it.
	CollectionLimit int64
}

// A TableConfig is what CreateTable takes.
type TableConfig struct {
	Name string    `json:"name"`
	Key  KeySchema `json:"key"`
	// StreamView is the table's stream: "" for none, else one of
	// ViewKeysOnly, ViewNewImage, ViewOldImage, ViewNewAndOldImages.
	StreamView string `json:"streamView,omitempty"`
	// TTLAttribute names the number attribute (epoch seconds) past which
	// an item is removed; "" for none.
	TTLAttribute string `json:"ttlAttribute,omitempty"`
	// Indexes are the table's secondary indexes, global and local.
	Indexes []IndexConfig `json:"indexes,omitempty"`
	// StreamLabel, when set, labels the stream (its ARN's last part)
	// instead of the time it is enabled: a stack's tables have labels
	// derived from their names (arn.TableStreamLabel).
	StreamLabel string `json:"fixedStreamLabel,omitempty"`
	// Meta is what the API keeps of a table that the store does not read
	// (billing mode, throughput, tags, attribute definitions): kept and
	// returned as is.
	Meta json.RawMessage `json:"meta,omitempty"`
}

// An IndexConfig is a secondary index: its key, and the attributes it
// projects. An item lacking the index's key attributes is not in it
// (a sparse index).
type IndexConfig struct {
	Name string    `json:"name"`
	Key  KeySchema `json:"key"`
	// Local marks a local secondary index: its partition key is the
	// table's, and it is created with the table only.
	Local bool `json:"local,omitempty"`
	// Projection is ProjectionAll, ProjectionKeysOnly or
	// ProjectionInclude (the keys and NonKey).
	Projection string   `json:"projection"`
	NonKey     []string `json:"nonKey,omitempty"`
}

// A TableUpdate is what UpdateTable changes: the fields set.
type TableUpdate struct {
	// StreamView, when not nil, is the new stream view ("" turns the
	// stream off).
	StreamView *string
	// TTLAttribute, when not nil, is the new TTL attribute ("" for none).
	TTLAttribute *string
	// AddIndex, when not nil, adds a global secondary index, filled from
	// the table's items before UpdateTable returns.
	AddIndex *IndexConfig
	// DeleteIndex, when not "", removes that global secondary index.
	DeleteIndex string
	// Meta, when not nil, replaces TableConfig.Meta.
	Meta json.RawMessage
}

// meta is a table's definition as kept in the bucket.
type meta struct {
	TableConfig
	ID      string    `json:"id"`
	Created time.Time `json:"created"`
	// StreamFrom is the first log sequence the stream shows: records
	// written before the stream was enabled are not in it.
	StreamFrom uint64 `json:"streamFrom,omitempty"`
	// StreamLabel changes each time the stream is enabled (its ARN's
	// label).
	StreamLabel string `json:"streamLabel,omitempty"`
	// PastStreams are the table's disabled streams, kept readable for
	// 24 hours after they were disabled.
	PastStreams []PastStream `json:"pastStreams,omitempty"`
}

// A Table describes a table: its definition and its items now.
type Table struct {
	TableConfig
	ID          string
	Created     time.Time
	StreamLabel string
	// PastStreams are the disabled streams still readable.
	PastStreams []PastStream
	Items       int64
	Bytes       int64
	// IndexItems and IndexBytes are each index's item count and size.
	IndexItems, IndexBytes map[string]int64
}

// A Store is the DynamoDB tables of a node: their log in JetStream and
// their items materialised in memory.
type Store struct {
	js     jetstream.JetStream
	stream jetstream.Stream
	kv     jetstream.KeyValue
	log    *slog.Logger
	now    func() time.Time
	sizeOf func([]byte) int
	// collectionLimit is Options.CollectionLimit, defaulted.
	collectionLimit int64

	mu     sync.RWMutex
	tables map[string]*table
	ddl    sync.Mutex // serialises UpdateTable
	byID   map[string]*table

	following jetstream.ConsumeContext
	watcher   jetstream.KeyWatcher
	watched   chan struct{} // closed when the watcher's loop ends

	locks stripes
	// races counts lost compare-and-sets (tests check that they happen).
	races atomic.Int64

	compactEvery time.Duration

	stop context.CancelFunc
	done chan struct{}
}

// Open opens the store: it creates the log stream and the bucket if
// needed, then rebuilds every table from the log.
func Open(ctx context.Context, o Options) (*Store, error) {
	s := &Store{js: o.JetStream, log: o.Logger, now: o.Now, tables: map[string]*table{}, byID: map[string]*table{}, done: make(chan struct{})}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.sizeOf = o.Size
	s.collectionLimit = cmp.Or(o.CollectionLimit, DefaultCollectionLimit)
	if s.sizeOf == nil {
		s.sizeOf = func(b []byte) int { return len(b) }
	}
	var err error
	s.stream, err = s.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:               streamName,
		Subjects:           []string{subjectPrefix + ">"},
		Storage:            jetstream.FileStorage,
		AllowDirect:        true,
		AllowAtomicPublish: true,
	})
	if err != nil {
		return nil, fmt.Errorf("dynamodb: creating the log: %w", err)
	}
	s.kv, err = s.js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: bucketMeta, Storage: jetstream.FileStorage, History: 1})
	if err != nil {
		return nil, fmt.Errorf("dynamodb: creating the table bucket: %w", err)
	}
	info, err := s.stream.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("dynamodb: reading the log: %w", err)
	}
	if err := s.load(ctx); err != nil {
		return nil, err
	}
	if o.Follow {
		// From the log's tip before the rebuild: what is written meanwhile
		// is applied twice, harmlessly.
		if err := s.follow(ctx, info.State.LastSeq+1); err != nil {
			return nil, err
		}
		if err := s.watchTables(ctx); err != nil {
			return nil, err
		}
	}
	interval := o.TTLInterval
	if interval == 0 {
		interval = defaultTTLInterval
	}
	s.compactEvery = o.CompactInterval
	if s.compactEvery == 0 {
		s.compactEvery = defaultCompactInterval
	}
	sweepCtx, stop := context.WithCancel(context.Background())
	s.stop = stop
	if interval < 0 {
		close(s.done)
	} else {
		go s.sweep(sweepCtx, interval)
	}
	return s, nil
}

// Close stops the TTL sweeper and the follower. The JetStream connection
// is the caller's.
func (s *Store) Close() error {
	s.stop()
	<-s.done
	if s.following != nil {
		s.following.Stop()
		<-s.following.Closed()
	}
	if s.watcher != nil {
		s.watcher.Stop()
		<-s.watched
	}
	return nil
}

// load reads every table definition and rebuilds each table.
func (s *Store) load(ctx context.Context) error {
	lister, err := s.kv.ListKeys(ctx)
	if err != nil {
		return fmt.Errorf("dynamodb: listing tables: %w", err)
	}
	var names []string
	for k := range lister.Keys() {
		if !strings.HasPrefix(k, secretKey) {
			names = append(names, k)
		}
	}
	for _, name := range names {
		e, err := s.kv.Get(ctx, name)
		if err != nil {
			return fmt.Errorf("dynamodb: reading table %s: %w", name, err)
		}
		var m meta
		if err := json.Unmarshal(e.Value(), &m); err != nil {
			return fmt.Errorf("dynamodb: table %s: %w", name, err)
		}
		t := newTable(m, s.sizeOf)
		if err := s.rebuild(ctx, t); err != nil {
			return err
		}
		s.tables[m.Name] = t
		s.byID[m.ID] = t
	}
	return nil
}

// rebuild materialises t from the last log entry of each of its items:
// an ordered consumer delivering the last message of each subject, as
// many as it had pending when it was made (one per item). Counting the
// subjects first would list them all in one stream info, which for a
// large table outlasts the API's timeout.
func (s *Store) rebuild(ctx context.Context, t *table) error {
	// Making a last-per-subject consumer over a million items takes the
	// server longer than the API's default timeout of a few seconds.
	ctx, cancel := context.WithTimeout(ctx, rebuildTimeout)
	defer cancel()
	c, err := s.js.OrderedConsumer(ctx, streamName, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{t.filter()},
		DeliverPolicy:  jetstream.DeliverLastPerSubjectPolicy,
	})
	if err != nil {
		return fmt.Errorf("dynamodb: rebuilding %s: %w", t.meta.Name, err)
	}
	it, err := c.Messages()
	if err != nil {
		return fmt.Errorf("dynamodb: rebuilding %s: %w", t.meta.Name, err)
	}
	defer it.Stop()
	info := c.CachedInfo()
	if info == nil {
		if info, err = c.Info(ctx); err != nil {
			return fmt.Errorf("dynamodb: rebuilding %s: %w", t.meta.Name, err)
		}
	}
	for n := info.NumPending; n > 0; n-- {
		m, err := it.Next()
		if err != nil {
			return fmt.Errorf("dynamodb: rebuilding %s: %w", t.meta.Name, err)
		}
		md, err := m.Metadata()
		if err != nil {
			return fmt.Errorf("dynamodb: rebuilding %s: %w", t.meta.Name, err)
		}
		if err := t.applyLogged(md.Sequence.Stream, m.Data()); err != nil {
			return fmt.Errorf("dynamodb: rebuilding %s: %w", t.meta.Name, err)
		}
		if md.NumPending == 0 {
			break
		}
	}
	return nil
}

// applyLogged applies a log entry read back from JetStream.
func (t *table) applyLogged(seq uint64, data []byte) error {
	e, ok := decodeEntry(data)
	if !ok {
		return fmt.Errorf("log entry %d is not an entry", seq)
	}
	if len(e.Key) == 0 {
		return fmt.Errorf("log entry %d has no key", seq)
	}
	t.apply(e.Key, seq, e.New)
	return nil
}

func nilIfEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// CreateTable creates a table, empty.
func (s *Store) CreateTable(ctx context.Context, c TableConfig) (Table, error) {
	if err := validateConfig(c); err != nil {
		return Table{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.tables[c.Name]; ok {
		return Table{}, fail(CodeResourceInUse, "Table already exists: %s", c.Name)
	}
	m := meta{TableConfig: c, ID: uid.New(), Created: s.now().UTC()}
	if c.StreamView != "" {
		m.StreamLabel = cmp.Or(c.StreamLabel, m.Created.Format(streamLabelLayout))
	}
	b, _ := json.Marshal(m)
	if _, err := s.kv.Create(ctx, c.Name, b); err != nil {
		if errors.Is(err, jetstream.ErrKeyExists) {
			return Table{}, fail(CodeResourceInUse, "Table already exists: %s", c.Name)
		}
		return Table{}, fail(CodeInternalServerError, "creating table %s: %v", c.Name, err)
	}
	t := newTable(m, s.sizeOf)
	s.tables[c.Name] = t
	s.byID[m.ID] = t
	return t.describe(), nil
}

const streamLabelLayout = "2006-01-02T15:04:05.000"

func validateConfig(c TableConfig) error {
	if len(c.Name) < 3 || len(c.Name) > 255 || !validName(c.Name) {
		return fail(CodeValidation, "TableName must be 3 to 255 characters of a-z, A-Z, 0-9, '_', '-' and '.': %q", c.Name)
	}
	if err := c.Key.validate(); err != nil {
		return err
	}
	for i, ix := range c.Indexes {
		if err := validateIndex(ix, c.Key); err != nil {
			return err
		}
		for _, o := range c.Indexes[:i] {
			if o.Name == ix.Name {
				return fail(CodeValidation, "Two or more indexes have the same name: %s", ix.Name)
			}
		}
	}
	switch c.StreamView {
	case "", ViewKeysOnly, ViewNewImage, ViewOldImage, ViewNewAndOldImages:
	default:
		return fail(CodeValidation, "StreamViewType %q is not one of KEYS_ONLY, NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES", c.StreamView)
	}
	return nil
}

func validName(s string) bool {
	for _, c := range s {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
		if !ok {
			return false
		}
	}
	return true
}

// UpdateTable changes a table's stream view, TTL attribute, global
// indexes or Meta (its key schema cannot change). Enabling a stream starts
// it at the log's tip.
func (s *Store) UpdateTable(ctx context.Context, name string, u TableUpdate) (Table, error) {
	t, err := s.table(name)
	if err != nil {
		return Table{}, err
	}
	// Updates of a table's definition are read-modify-writes of it.
	s.ddl.Lock()
	defer s.ddl.Unlock()
	if u.AddIndex != nil || u.DeleteIndex != "" {
		return s.changeIndex(ctx, t, u)
	}
	t.mu.RLock()
	m := t.meta
	t.mu.RUnlock()
	streamView := m.StreamView
	if u.StreamView != nil {
		streamView = *u.StreamView
	}
	if u.TTLAttribute != nil {
		m.TTLAttribute = *u.TTLAttribute
	}
	if u.Meta != nil {
		m.Meta = u.Meta
	}
	if streamView != m.StreamView {
		if err := validateConfig(TableConfig{Name: name, Key: m.Key, StreamView: streamView}); err != nil {
			return Table{}, err
		}
		m = m.switchStream(streamView, t, s.now())
	}
	b, _ := json.Marshal(m)
	if _, err := s.kv.Put(ctx, name, b); err != nil {
		return Table{}, fail(CodeInternalServerError, "updating table %s: %v", name, err)
	}
	// Only these fields change: the others are read without the lock.
	t.mu.Lock()
	t.meta.StreamView, t.meta.TTLAttribute, t.meta.StreamFrom, t.meta.StreamLabel, t.meta.Meta = m.StreamView, m.TTLAttribute, m.StreamFrom, m.StreamLabel, m.Meta
	t.meta.PastStreams = m.PastStreams
	t.mu.Unlock()
	return t.describe(), nil
}

// DeleteTable deletes a table, its items and its stream.
func (s *Store) DeleteTable(ctx context.Context, name string) (Table, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tables[name]
	if !ok {
		return Table{}, notFound(name)
	}
	d := t.describe()
	if err := s.kv.Delete(ctx, name); err != nil {
		return Table{}, fail(CodeInternalServerError, "deleting table %s: %v", name, err)
	}
	delete(s.tables, name)
	delete(s.byID, t.meta.ID)
	if err := s.stream.Purge(ctx, jetstream.WithPurgeSubject(t.filter())); err != nil {
		s.log.Warn("dynamodb: purging a deleted table's log", "table", name, "err", err)
	}
	return d, nil
}

// Tables lists the tables by name.
func (s *Store) Tables() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	names := make([]string, 0, len(s.tables))
	for n := range s.tables {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Describe describes a table.
func (s *Store) Describe(name string) (Table, error) {
	t, err := s.table(name)
	if err != nil {
		return Table{}, err
	}
	return t.describe(), nil
}

func (t *table) describe() Table {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.describeLocked()
}

// describeLocked is describe for a caller holding t.mu.
func (t *table) describeLocked() Table {
	d := Table{TableConfig: t.meta.TableConfig, ID: t.meta.ID, Created: t.meta.Created, StreamLabel: t.meta.StreamLabel, Items: t.items, Bytes: t.size}
	d.Indexes = slices.Clone(d.Indexes)
	d.PastStreams = slices.Clone(t.meta.PastStreams)
	if len(t.indexes) > 0 {
		d.IndexItems, d.IndexBytes = map[string]int64{}, map[string]int64{}
		for _, ix := range t.indexes {
			d.IndexItems[ix.cfg.Name], d.IndexBytes[ix.cfg.Name] = ix.items, ix.size
		}
	}
	return d
}

// table returns the table named name.
func (s *Store) table(name string) (*table, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, ok := s.tables[name]
	if !ok {
		return nil, notFound(name)
	}
	return t, nil
}

func notFound(name string) *Error {
	return fail(CodeResourceNotFound, "Requested resource not found: Table: %s not found", name)
}

// secretKey is the definitions bucket's key of the store's secret: "=" is
// not a table name's character.
const secretKey = "=secret"

// Secret is a random key made once for this store's JetStream and kept
// in its bucket: every node, and every start, signs with the same key,
// so what one signs (the Streams API's shard iterators) another reads.
func (s *Store) Secret(ctx context.Context) ([]byte, error) {
	key := make([]byte, 32)
	rand.Read(key)
	if _, err := s.kv.Create(ctx, secretKey, key); err == nil {
		return key, nil
	} else if !errors.Is(err, jetstream.ErrKeyExists) {
		return nil, fmt.Errorf("dynamodb: making the secret: %w", err)
	}
	e, err := s.kv.Get(ctx, secretKey)
	if err != nil {
		return nil, fmt.Errorf("dynamodb: reading the secret: %w", err)
	}
	return e.Value(), nil
}
