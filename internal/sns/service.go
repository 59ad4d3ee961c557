package sns

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/sqs"
)

// Queues is what SNS needs of SQS: sending to a queue by name
// (sqs.Backend satisfies it).
type Queues interface {
	Send(ctx context.Context, queue string, in []sqs.SendInput) ([]sqs.SendResult, []error, error)
}

// Lambda is Lambda's asynchronous invocation queue: SNS invokes functions
// asynchronously. function is a name, with ":qualifier" when the
// subscription names a version or alias.
type Lambda interface {
	Enqueue(ctx context.Context, function string, payload []byte) (string, error)
}

// Options configure Open.
type Options struct {
	// JetStream holds the durable state in the key-value bucket Bucket
	// (default DefaultBucket), created when missing.
	JetStream jetstream.JetStream
	Bucket    string
	// Queues and Lambda take deliveries; nil refuses subscriptions of
	// their protocol at delivery time (the messages go to the DLQ).
	Queues Queues
	Lambda Lambda
	// Endpoint is the base URL of Verge's AWS endpoint as subscribers reach
	// it ("http://127.0.0.1:4566"): SigningCertURL, SubscribeURL and
	// UnsubscribeURL point at Handler under it.
	Endpoint string
	// Signer signs messages; nil reads the one kept in the bucket, or makes
	// and keeps one, so that every node shares it.
	Signer *Signer
	// HTTPClient delivers to http(s) subscriptions; nil for a client with
	// a 15 s timeout.
	HTTPClient *http.Client
	Logger     *slog.Logger
	// Now is the clock; nil for time.Now.
	Now func() time.Time
	// RetryDelay is the first backoff delay of HTTP deliveries (tests
	// shorten it); 0 for 1 s.
	RetryDelay time.Duration
}

// Service is SNS: topics, subscriptions, publishing and delivery. It is
// safe for concurrent use.
type Service struct {
	o      Options
	kv     jetstream.KeyValue
	signer *Signer

	mu     sync.RWMutex
	topics map[string]*topic        // by name
	subs   map[string]*subscription // by ARN
	// revs are the bucket revisions of the keys as this node last wrote
	// or read them: the watcher skips what it already has.
	revs map[string]uint64

	// dedup holds FIFO deduplication ids for five minutes (the bucket's
	// TTL), shared by the nodes and kept across restarts.
	dedup jetstream.KeyValue
	seqMu sync.Mutex // guards the topics' seq

	ctx    context.Context // ends at Close: background deliveries stop
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// A topic is a topic and its subscriptions (a copy-on-write slice, so a
// Publish reads it without holding the lock).
type topic struct {
	Name       string            `json:"name"`
	Stack      bool              `json:"stack,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"`
	Tags       map[string]string `json:"tags,omitempty"`
	Deleted    int               `json:"deleted,omitempty"` // SubscriptionsDeleted

	subs []*subscription
	seq  uint64 // FIFO sequence numbers
}

func (t *topic) arn() string { return arn.Topic(t.Name) }
func (t *topic) fifo() bool  { return t.Attributes[attrFifoTopic] == "true" }

// version is the topic's SignatureVersion.
func (t *topic) version() string {
	if v := t.Attributes[attrSignatureVersion]; v != "" {
		return v
	}
	return defaultVersion
}

// A subscription is one subscriber of a topic. It is immutable once
// published in a topic's subs: changes replace it.
type subscription struct {
	ID         string            `json:"id"`
	Topic      string            `json:"topic"`
	Protocol   string            `json:"protocol"`
	Endpoint   string            `json:"endpoint"`
	Attributes map[string]string `json:"attributes,omitempty"`
	Stack      bool              `json:"stack,omitempty"`
	Pending    bool              `json:"pending,omitempty"`
	Token      string            `json:"token,omitempty"`
	// Authenticated is ConfirmationWasAuthenticated.
	Authenticated bool `json:"authenticated,omitempty"`

	filter *Filter
}

func (s *subscription) arn() string { return arn.Topic(s.Topic) + ":" + s.ID }
func (s *subscription) raw() bool   { return s.Attributes[attrRawMessageDelivery] == "true" }

// compile sets s.filter from its attributes.
func (s *subscription) compile() error {
	s.filter = nil
	p := s.Attributes[attrFilterPolicy]
	if p == "" {
		return nil
	}
	f, err := CompileFilter(p, s.Attributes[attrFilterPolicyScope])
	if err != nil {
		return err
	}
	s.filter = f
	return nil
}

// Open loads the topics and subscriptions kept in the bucket.
func Open(ctx context.Context, o Options) (*Service, error) {
	const op errs.Op = "sns.Open"
	if o.JetStream == nil {
		return nil, errs.E(op, errs.Invalid, errs.Errorf("no JetStream"))
	}
	if o.Bucket == "" {
		o.Bucket = DefaultBucket
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: httpTimeout}
	}
	if o.RetryDelay <= 0 {
		o.RetryDelay = httpMinDelay
	}
	o.Endpoint = strings.TrimRight(o.Endpoint, "/")
	kv, err := o.JetStream.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: o.Bucket, History: 1, Description: "Verge SNS topics and subscriptions"})
	if err != nil {
		return nil, errs.E(op, errs.Unavailable, err)
	}
	dedup, err := o.JetStream.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: o.Bucket + dedupSuffix, History: 1, TTL: dedupWindow,
		Description: "Verge SNS FIFO deduplication ids"})
	if err != nil {
		return nil, errs.E(op, errs.Unavailable, err)
	}
	s := &Service{o: o, dedup: dedup, kv: kv, signer: o.Signer, topics: map[string]*topic{}, subs: map[string]*subscription{}, revs: map[string]uint64{}}
	if s.signer == nil {
		if s.signer, err = loadSigner(ctx, kv); err != nil {
			return nil, errs.E(op, err)
		}
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	// Watch before loading, so nothing written meanwhile is missed; the
	// watcher applies changes once the load is done.
	w, err := kv.WatchAll(s.ctx, jetstream.UpdatesOnly())
	if err != nil {
		s.cancel()
		return nil, errs.E(op, errs.Unavailable, err)
	}
	if err := s.load(ctx); err != nil {
		w.Stop()
		s.cancel()
		return nil, errs.E(op, errs.Unavailable, err)
	}
	s.wg.Add(1)
	go s.watch(w)
	return s, nil
}

// Close stops the background deliveries (HTTP retries, confirmations) and
// waits for them.
func (s *Service) Close() error {
	s.cancel()
	s.wg.Wait()
	return nil
}

// load reads every topic and subscription from the bucket.
func (s *Service) load(ctx context.Context) error {
	lister, err := s.kv.ListKeys(ctx)
	if err != nil {
		return err
	}
	var keys []string
	for k := range lister.Keys() {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var subs []*subscription
	for _, k := range keys {
		e, err := s.kv.Get(ctx, k)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		switch {
		case strings.HasPrefix(k, keyTopic):
			t := &topic{}
			if err := json.Unmarshal(e.Value(), t); err != nil {
				return err
			}
			s.topics[t.Name] = t
			s.revs[k] = e.Revision()
		case strings.HasPrefix(k, keySub):
			sub := &subscription{}
			if err := json.Unmarshal(e.Value(), sub); err != nil {
				return err
			}
			if err := sub.compile(); err != nil {
				s.o.Logger.Warn("SNS subscription with a bad filter policy, kept without it", "subscription", sub.arn(), "error", err)
			}
			subs = append(subs, sub)
			s.revs[k] = e.Revision()
		}
	}
	for _, sub := range subs {
		t := s.topics[sub.Topic]
		if t == nil {
			continue
		}
		t.subs = append(t.subs, sub)
		s.subs[sub.arn()] = sub
	}
	return nil
}

// saveTopic and saveSub write through to the bucket; callers hold s.mu.
func (s *Service) saveTopic(ctx context.Context, t *topic) error {
	return s.save(ctx, keyTopic+t.Name, "topic", t)
}

func (s *Service) saveSub(ctx context.Context, sub *subscription) error {
	return s.save(ctx, keySub+sub.ID, "subscription", sub)
}

// save stores v, a what, under key and keeps its revision.
func (s *Service) save(ctx context.Context, key, what string, v any) error {
	b, _ := json.Marshal(v)
	rev, err := s.kv.Put(ctx, key, b)
	if err != nil {
		return errorf(CodeInternal, "storing the %s: %v", what, err)
	}
	s.revs[key] = rev
	return nil
}

func (s *Service) deleteKey(ctx context.Context, key string) error {
	if err := s.kv.Delete(ctx, key); err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
		return errorf(CodeInternal, "deleting %s: %v", key, err)
	}
	delete(s.revs, key)
	return nil
}

// Handler serves what subscribers fetch from Verge: the signing
// certificate at CertPath, and the SubscribeURL and UnsubscribeURL links
// (under /sns/). Mount it at /sns/ on the endpoint's listener.
func (s *Service) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET "+CertPath, certHandler{pem: s.signer.CertPEM()})
	mux.HandleFunc(linkPath, s.serveLink)
	return mux
}

// SigningCertURL is where receivers fetch the certificate.
func (s *Service) SigningCertURL() string { return s.o.Endpoint + CertPath }

// Signer is the service's signer.
func (s *Service) Signer() *Signer { return s.signer }
