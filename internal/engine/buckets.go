package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/edge"
	"github.com/verge-edge/verge/internal/edge/origin"
	"github.com/verge-edge/verge/internal/functions/async"
	"github.com/verge-edge/verge/internal/s3"
	"github.com/verge-edge/verge/internal/s3/watch"
	"github.com/verge-edge/verge/internal/stack"
	"github.com/verge-edge/verge/internal/triggers/eventbus"
	s3event "github.com/verge-edge/verge/internal/triggers/s3"
)

// The stack's buckets: the S3 store's folders and their watchers, the
// notifications the stack wires (s3 events of functions, EventBridge), and
// the CDN caches that a write makes stale.

// s3Subject is the Subject of the SNS messages S3 publishes.
const s3Subject = "Amazon S3 Notification"

// bucketsPart applies the plan's buckets to the store and delivers the
// store's events.
type bucketsPart struct {
	store  *s3.Store
	events *eventSide
	edge   *edge.Server
	log    *slog.Logger
	cur    atomic.Pointer[bucketRouting]

	mu       sync.Mutex // the watchers, changed by commits and Close
	watchers map[string]*bucketWatcher
}

// A bucketWatcher announces what is written on disk into one bucket's
// folder.
type bucketWatcher struct {
	dir string
	w   *watch.Watcher
}

// bucketRouting is what a committed plan says of its buckets.
type bucketRouting struct {
	// configs are the stack's notification configurations by bucket.
	configs map[string][]s3event.Configuration
	// eventBridge are the buckets with enableEventBusNotifications.
	eventBridge map[string]bool
	// dists are the distributions serving each bucket, with the index
	// document of each.
	dists map[string][]distIndex
}

type distIndex struct{ name, index string }

// Prepare computes the plan's routing; Commit gives the store the plan's
// buckets.
func (p *bucketsPart) Prepare(ctx context.Context, plan *stack.Plan) (Change, error) {
	rt := routing(plan)
	cfgs := make([]s3.BucketConfig, 0, len(plan.Buckets))
	for _, b := range plan.Buckets {
		cfgs = append(cfgs, s3.BucketConfig{Name: b.Name, Dir: b.Dir, Watch: true})
	}
	return change{commit: func() {
		p.cur.Store(rt)
		if err := p.store.Apply(cfgs); err != nil {
			p.log.Error("applying the stack's buckets", "err", err)
		}
		p.watch(p.store.Watched())
	}}, nil
}

// watch runs a watcher on each of the buckets' folders, and none on
// others'.
func (p *bucketsPart) watch(buckets []s3.BucketConfig) {
	p.mu.Lock()
	defer p.mu.Unlock()
	keep := map[string]bool{}
	for _, b := range buckets {
		keep[b.Name] = true
		if cur := p.watchers[b.Name]; cur != nil {
			if cur.dir == b.Dir {
				continue
			}
			cur.w.Close()
			delete(p.watchers, b.Name)
		}
		name := b.Name
		w, err := watch.Watch(b.Dir, watch.Options{Ignore: s3.IgnoredName, Logger: p.log}, func(c watch.Change) {
			p.store.Announce(context.Background(), name, c.Path, c.Removed)
		})
		if err != nil {
			p.log.Warn("files written into the bucket's folder will not raise events", "bucket", name, "err", err)
			continue
		}
		p.watchers[name] = &bucketWatcher{dir: b.Dir, w: w}
	}
	for name, cur := range p.watchers {
		if !keep[name] {
			cur.w.Close()
			delete(p.watchers, name)
		}
	}
}

// Close stops the folder watchers and the store.
func (p *bucketsPart) Close(context.Context) error {
	p.watch(nil)
	return p.store.Close()
}

// info is what the store keeps of a bucket's objects, for the CDN's
// bucket origins.
func (p *bucketsPart) info(bucket string) origin.InfoFunc {
	return func(key string, size, modTimeNs int64, ino uint64) (string, string, bool) {
		return p.store.Info(bucket, key, size, modTimeNs, ino)
	}
}

// routing indexes a plan's notifications and distributions by bucket.
func routing(plan *stack.Plan) *bucketRouting {
	rt := &bucketRouting{configs: map[string][]s3event.Configuration{}, eventBridge: map[string]bool{}, dists: map[string][]distIndex{}}
	for _, n := range plan.BucketNotifications {
		rt.configs[n.Bucket] = append(rt.configs[n.Bucket], n.Configuration())
	}
	for _, b := range plan.Buckets {
		rt.eventBridge[b.Name] = b.EventBridge
	}
	for _, d := range plan.Distributions {
		seen := map[string]bool{}
		for _, b := range d.Behaviors {
			if o := b.Origin.Bucket; o != nil && !seen[o.Resource] {
				seen[o.Resource] = true
				rt.dists[o.Resource] = append(rt.dists[o.Resource], distIndex{d.Name, d.IndexDocument})
			}
		}
	}
	return rt
}

// notify delivers one bucket event to every target configured for it: the
// stack's, the API's, and the default event bus. It returns when each
// delivery is durable (the asynchronous queue, a queue, a topic), so the
// write that caused it may be acknowledged.
func (p *bucketsPart) notify(ctx context.Context, e s3event.Event) error {
	rt := p.cur.Load()
	if rt == nil {
		rt = &bucketRouting{}
	}
	api, err := p.store.Notifications(e.Bucket)
	if err != nil && !errors.Is(err, s3.ErrNoSuchBucket) {
		return err
	}
	configs := append(append([]s3event.Configuration(nil), rt.configs[e.Bucket]...), api.Configurations...)
	var errList []error
	for _, c := range configs {
		if c.Matches(e) {
			errList = append(errList, p.deliver(ctx, c, s3event.Records(e, c.ID)))
		}
	}
	if rt.eventBridge[e.Bucket] || api.EventBridge {
		errList = append(errList, p.toEventBridge(ctx, e))
	}
	return errors.Join(errList...)
}

// deliver sends one Records document to a configuration's target.
func (p *bucketsPart) deliver(ctx context.Context, c s3event.Configuration, body []byte) error {
	if err := p.events.ensure(ctx); err != nil {
		return err
	}
	switch c.Kind {
	case s3event.TargetFunction:
		_, err := p.events.Enqueue(ctx, functionName(c.ARN), body)
		return err
	case s3event.TargetTopic:
		_, topics, _ := p.events.messaging()
		return publish(ctx, topics, lastSegment(c.ARN), string(body), s3Subject)
	default:
		return p.events.send(ctx, async.KindQueue, lastSegment(c.ARN), body)
	}
}

// configured checks a notification configuration set through the API as
// S3 does: each queue and topic target gets S3's test event, and a
// target that cannot take it (or a function that does not exist) refuses
// the configuration.
func (p *bucketsPart) configured(ctx context.Context, bucket string, c s3event.Config) error {
	var bad []string
	for _, t := range c.Configurations {
		if t.Kind == s3event.TargetFunction {
			if !slices.Contains(p.events.lambdas.Names(), functionName(t.ARN)) {
				bad = append(bad, t.ARN)
			}
			continue
		}
		test := s3event.TestEvent(bucket, time.Now(), uuid.NewString(), "")
		if err := p.deliver(ctx, t, test); err != nil {
			bad = append(bad, t.ARN)
		}
	}
	if len(bad) > 0 {
		//lint:ignore ST1005 S3's own message
		return fmt.Errorf("Unable to validate the following destination configurations: %s", strings.Join(bad, ", "))
	}
	return nil
}

// toEventBridge puts e on the default bus as S3's EventBridge
// notifications do.
func (p *bucketsPart) toEventBridge(ctx context.Context, e s3event.Event) error {
	dt, detail, ok := s3event.EventBridge(e)
	if !ok {
		return nil
	}
	entry := eventbus.Entry{Source: s3event.EventBridgeSource, DetailType: dt, Detail: string(detail), Resources: []string{arn.Bucket(e.Bucket)}}
	return p.events.Publish(ctx, stack.DefaultEventBus, eventbus.Envelope(entry, uuid.NewString(), time.Now()))
}

// changed drops a written or removed object from the caches of the
// distributions serving its bucket: its path, and its folder's when it is
// the folder's index document.
func (p *bucketsPart) changed(bucket, key string) {
	rt := p.cur.Load()
	if rt == nil {
		return
	}
	for _, d := range rt.dists[bucket] {
		paths := []string{(&url.URL{Path: "/" + key}).EscapedPath()}
		if d.index != "" && path.Base("/"+key) == d.index {
			paths = append(paths, (&url.URL{Path: "/" + strings.TrimSuffix(key, d.index)}).EscapedPath())
		}
		p.edge.Invalidate(d.name, paths)
	}
}

// functionName is the function a Lambda ARN (or a bare name) names,
// without a qualifier.
func functionName(a string) string {
	if _, rest, ok := strings.Cut(a, ":function:"); ok {
		name, _, _ := strings.Cut(rest, ":")
		return name
	}
	return a
}

// lastSegment is the name at the end of an SQS or SNS ARN.
func lastSegment(a string) string { return a[strings.LastIndexByte(a, ':')+1:] }
