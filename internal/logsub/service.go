package logsub

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/triggers/cloudwatchlogs"
)

// Options configure a Service.
type Options struct {
	// JetStream holds the bucket of filters (required).
	JetStream jetstream.JetStream
	// Bucket is the KV bucket's name; default DefaultBucket.
	Bucket string
	// Enqueue takes an asynchronous invocation of a function (required).
	Enqueue func(ctx context.Context, function string, payload []byte) (string, error)
	// HasFunction says whether Verge runs a function of that name
	// (required).
	HasFunction func(name string) bool
	// HasGroup says whether a log group exists (required).
	HasGroup func(name string) bool
	// PutRecord puts a record on a Kinesis stream and HasStream says
	// whether one exists: streams are destinations when both are set.
	PutRecord func(ctx context.Context, stream, partitionKey string, data []byte) error
	HasStream func(name string) bool
	// Logger gets delivery failures; nil discards.
	Logger *slog.Logger
	// MaxPayload caps a delivery; default cloudwatchlogs.MaxPayload.
	MaxPayload int
	// MaxQueue bounds the bytes of events waiting for one filter (8 MiB).
	MaxQueue int
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Service is the registry and the delivery of subscription filters. Its
// methods are safe for concurrent use.
type Service struct {
	o    Options
	kv   jetstream.KeyValue
	ids  *cloudwatchlogs.IDs
	ctx  context.Context // ends at Close: the workers stop
	stop context.CancelFunc
	wg   sync.WaitGroup

	mu      sync.Mutex      // guards subs, prior and writes of byGroup
	subs    map[string]*sub // the active filters, by key
	prior   map[string]Filter
	byGroup atomic.Pointer[map[string][]*sub] // subs by group, read by Sink without the lock
	dropped atomic.Uint64
}

// Open opens the bucket and loads the filters PutSubscriptionFilter
// created; the stack's come with Apply.
func Open(ctx context.Context, o Options) (*Service, error) {
	const op errs.Op = "logsub.Open"
	o.Bucket = cmp.Or(o.Bucket, DefaultBucket)
	o.MaxPayload = cmp.Or(o.MaxPayload, cloudwatchlogs.MaxPayload)
	o.MaxQueue = cmp.Or(o.MaxQueue, defaultMaxQueue)
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	kv, err := o.JetStream.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: o.Bucket, History: 1,
		Description: "Verge CloudWatch Logs subscription filters"})
	if err != nil {
		return nil, errs.E(op, errs.Unavailable, err)
	}
	s := &Service{o: o, kv: kv, ids: cloudwatchlogs.NewIDs(uint64(o.Now().UnixNano())),
		subs: map[string]*sub{}, prior: map[string]Filter{}}
	s.ctx, s.stop = context.WithCancel(context.Background())
	if err := s.load(ctx); err != nil {
		s.stop()
		return nil, errs.E(op, errs.Unavailable, err)
	}
	s.publish()
	return s, nil
}

// load reads the bucket: API filters start at once; the stack's are
// remembered (for their creation time) until Apply names them again.
func (s *Service) load(ctx context.Context) error {
	lister, err := s.kv.ListKeys(ctx)
	if err != nil {
		return err
	}
	for k := range lister.Keys() {
		e, err := s.kv.Get(ctx, k)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		var f Filter
		if err := json.Unmarshal(e.Value(), &f); err != nil {
			s.o.Logger.Warn("a stored subscription filter cannot be read: skipped", "key", k, "err", err)
			continue
		}
		if f.Function != "" {
			s.prior[f.key()] = f
			continue
		}
		m, err := validate(&f)
		if err != nil {
			s.o.Logger.Warn("a stored subscription filter is no longer valid: not run", "group", f.Group, "filter", f.Name, "err", err)
			continue
		}
		s.subs[f.key()] = s.start(f, m, false)
	}
	return nil
}

// Close stops the deliveries; events still queued are not delivered.
func (s *Service) Close() {
	s.stop()
	s.wg.Wait()
}

// Dropped is how many matching events were dropped because their
// filter's queue was full.
func (s *Service) Dropped() uint64 { return s.dropped.Load() }

// bucketKey is f's key in the bucket: its group and name in the
// characters KV keys allow.
func bucketKey(f *Filter) string {
	return base64.RawURLEncoding.EncodeToString([]byte(f.Group)) + "." + base64.RawURLEncoding.EncodeToString([]byte(f.Name))
}

// Put creates or replaces (same group and name) a filter, as
// PutSubscriptionFilter. A new filter's destination gets the control
// message.
func (s *Service) Put(ctx context.Context, f Filter) error {
	m, err := validate(&f)
	if err != nil {
		return err
	}
	if !s.o.HasGroup(f.Group) {
		return errorf(CodeNotFound, msgNoGroup)
	}
	if err := s.checkDestination(f.Destination); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.subs[f.key()]
	if old != nil && old.f.Function != "" {
		return errorf(CodeInvalid, msgStackFilter, f.Name, old.f.Function)
	}
	if old == nil && len(s.group(f.Group)) >= MaxPerGroup {
		return errorf(CodeLimit, msgLimit)
	}
	if c := cycle(s.with(f)); c != "" {
		return errorf(CodeInvalid, msgCycle, c)
	}
	f.Created = s.o.Now().UnixMilli()
	f.Function = ""
	b, _ := json.Marshal(f)
	wctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	if _, err := s.kv.Put(wctx, bucketKey(&f), b); err != nil {
		return errorf(CodeUnavailable, "storing the subscription filter: %v", err)
	}
	if old != nil {
		old.stop()
	}
	s.subs[f.key()] = s.start(f, m, old == nil)
	s.publish()
	return nil
}

// checkDestination says whether a filter may deliver to dest: a function
// Verge runs, or, when streams are destinations, one of its Kinesis
// streams.
func (s *Service) checkDestination(dest string) error {
	if fn, ok := FunctionName(dest); ok {
		if !s.o.HasFunction(fn) {
			return errorf(CodeInvalid, msgNoFunction)
		}
		return nil
	}
	if st, ok := StreamName(dest); ok && s.o.PutRecord != nil && s.o.HasStream != nil {
		if !s.o.HasStream(st) {
			return errorf(CodeInvalid, msgBadDest)
		}
		return nil
	}
	return errorf(CodeInvalid, msgBadDest)
}

// Delete removes a filter, as DeleteSubscriptionFilter; the stack's
// cannot be.
func (s *Service) Delete(ctx context.Context, group, name string) error {
	if !s.o.HasGroup(group) {
		return errorf(CodeNotFound, msgNoGroup)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := (&Filter{Group: group, Name: name}).key()
	old := s.subs[k]
	switch {
	case old == nil:
		return errorf(CodeNotFound, msgNoFilter)
	case old.f.Function != "":
		return errorf(CodeInvalid, msgStackFilter, name, old.f.Function)
	}
	wctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	if err := s.kv.Delete(wctx, bucketKey(&old.f)); err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
		return errorf(CodeUnavailable, "deleting the subscription filter: %v", err)
	}
	old.stop()
	delete(s.subs, k)
	s.publish()
	return nil
}

// Describe lists a group's filters whose names start with prefix, by name.
func (s *Service) Describe(group, prefix string) []Filter {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Filter
	for _, x := range s.group(group) {
		if strings.HasPrefix(x.f.Name, prefix) {
			out = append(out, x.f)
		}
	}
	slices.SortFunc(out, func(a, b Filter) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Check says whether the stack's filters fs can run beside the API's: no
// cycle through both. The stack file's own checks refuse its cycles and
// its excess filters; this catches a loop closed by an API filter.
func (s *Service) Check(fs []Filter) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	all := slices.Clone(fs)
	for _, x := range s.subs {
		if x.f.Function == "" {
			all = append(all, x.f)
		}
	}
	if c := cycle(all); c != "" {
		return errs.E(errs.Op("logsub.Check"), errs.Invalid, errorf(CodeInvalid, msgCycle, c))
	}
	return nil
}

// Apply makes fs (each with Function set) the stack's filters: those no
// longer declared stop, new ones start and get the control message, and
// changed ones restart. A stack filter replaces an API filter of the same
// group and name. The stack may hold the group's two filters beside API
// filters: the stack file wins, as a deploy would fail instead.
func (s *Service) Apply(ctx context.Context, fs []Filter) error {
	var el errs.List
	s.mu.Lock()
	defer s.mu.Unlock()
	want := map[string]Filter{}
	for _, f := range fs {
		want[f.key()] = f
	}
	for k, x := range s.subs {
		if _, ok := want[k]; x.f.Function != "" && !ok {
			x.stop()
			delete(s.subs, k)
			s.forget(ctx, x.f)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(want)) {
		f := want[k]
		m, err := validate(&f)
		if err != nil {
			el = append(el, errs.E(errs.Op("logsub.Apply"), errs.Invalid, f.Name, err))
			continue
		}
		old := s.subs[k]
		p, known := s.prior[k]
		switch {
		case old != nil && old.f.Function != "" && same(old.f, f):
			continue
		case old != nil && old.f.Function != "":
			f.Created = old.f.Created
		case known && same(p, f):
			f.Created = p.Created
		default:
			f.Created = s.o.Now().UnixMilli()
		}
		if old != nil {
			old.stop()
		}
		b, _ := json.Marshal(f)
		wctx, cancel := context.WithTimeout(ctx, storeTimeout)
		_, err = s.kv.Put(wctx, bucketKey(&f), b)
		cancel()
		if err != nil {
			el = append(el, errs.E(errs.Op("logsub.Apply"), errs.Unavailable, f.Name, err))
		}
		s.prior[k] = f
		s.subs[k] = s.start(f, m, !known && old == nil)
	}
	s.publish()
	return el.Err()
}

// forget removes a stack filter no longer declared from the bucket.
func (s *Service) forget(ctx context.Context, f Filter) {
	delete(s.prior, f.key())
	wctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	if err := s.kv.Delete(wctx, bucketKey(&f)); err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
		s.o.Logger.Warn("forgetting a subscription filter", "group", f.Group, "filter", f.Name, "err", err)
	}
}

// same says whether a and b are the same filter but for their creation.
func same(a, b Filter) bool {
	a.Created, b.Created = 0, 0
	return a == b
}

// group returns the active filters of a group. Called with mu held.
func (s *Service) group(name string) []*sub {
	var out []*sub
	for _, x := range s.subs {
		if x.f.Group == name {
			out = append(out, x)
		}
	}
	return out
}

// with is every active filter with f put in. Called with mu held.
func (s *Service) with(f Filter) []Filter {
	out := []Filter{f}
	for k, x := range s.subs {
		if k != f.key() {
			out = append(out, x.f)
		}
	}
	return out
}

// publish makes Sink see the active filters. Called with mu held.
func (s *Service) publish() {
	m := map[string][]*sub{}
	for _, x := range s.subs {
		m[x.f.Group] = append(m[x.f.Group], x)
	}
	for _, xs := range m {
		slices.SortFunc(xs, func(a, b *sub) int { return strings.Compare(a.f.Name, b.f.Name) })
	}
	s.byGroup.Store(&m)
}
