package sqs

import (
	"context"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/sqs"
	"github.com/verge-edge/verge/internal/wait"
)

// Queue is what the Manager needs of the queue service; sqs.Backend
// provides it.
type Queue interface {
	Receive(ctx context.Context, queue string, in sqs.ReceiveInput) ([]sqs.Message, error)
	Delete(ctx context.Context, queue, receiptHandle string) error
	Attributes(ctx context.Context, queue string) (map[string]string, error)
}

var _ Queue = sqs.Backend(nil)

// A BatchDeleter deletes several messages of a queue at once, each
// with its own outcome; a Queue that is one deletes processed batches so.
type BatchDeleter interface {
	DeleteBatch(ctx context.Context, queue string, receiptHandles []string) []error
}

var _ BatchDeleter = (*sqs.Service)(nil)

// Options configure a Manager.
type Options struct {
	Queues Queue
	// Invoke invokes a function synchronously. An error of kind
	// errs.Throttled is retried with backoff while the batch's visibility
	// timeout lasts; errs.NotFound and other errors fail the batch.
	// Invoke must not keep payload after it returns. Its ctx ends only
	// when Close gives up waiting.
	Invoke func(ctx context.Context, function string, payload []byte) (Result, error)
	Logger *slog.Logger     // slog.Default() when nil
	Now    func() time.Time // time.Now when nil
	// Concurrency is how many invocations of a function may run at once
	// (its reserved concurrency, else the account's); nil for no limit
	// but Lambda's 1,000 batches per mapping. It is called before every
	// batch, so a change applies at once; it should be cheap. At 0 the
	// mapping holds back (a function with reserved concurrency 0).
	Concurrency func(function string) int
}

// A Manager runs event source mappings: it polls their queues and invokes
// their functions until Close.
type Manager struct {
	o    Options
	log  *slog.Logger
	hard context.Context // invocations and deletes; ended when Close gives up
	stop context.CancelFunc
	wait time.Duration // long-poll wait (shorter in tests)
	// growEvery is how often a mapping may add a poller (0 in tests).
	growEvery time.Duration

	mu      sync.Mutex
	runners map[string]*runner
	closed  bool
	wg      sync.WaitGroup // pollers, those of removed mappings included
}

// New returns a Manager with no mappings.
func New(o Options) *Manager {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	hard, stop := context.WithCancel(context.Background())
	return &Manager{o: o, log: o.Logger, hard: hard, stop: stop, wait: longPoll, growEvery: growEvery, runners: map[string]*runner{}}
}

// Apply makes mappings the running set (a stack reload). A new mapping
// starts polling; a removed or disabled one stops receiving and finishes
// the batches it holds; a changed one applies its new settings from its
// next batch on, so no batch is lost or invoked twice. Invalid mappings
// are left out and reported together; the valid ones are applied.
func (m *Manager) Apply(mappings []Mapping) error {
	const op errs.Op = "sqs.Manager.Apply"
	var problems errs.List
	next := make(map[string]Mapping, len(mappings))
	for _, mp := range mappings {
		if err := mp.Validate(); err != nil {
			problems = append(problems, err)
			continue
		}
		if _, dup := next[mp.key()]; dup {
			problems = append(problems, errs.E(op, errs.Exist, mp.Function+" <- "+mp.Queue,
				errs.Errorf("a mapping of this queue to this function already exists")))
			continue
		}
		next[mp.key()] = mp.withDefaults()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return errs.E(op, errs.Unavailable, errs.Errorf("the manager is closed"))
	}
	for k, r := range m.runners {
		if _, ok := next[k]; !ok {
			r.disable()
			delete(m.runners, k)
		}
	}
	for k, mp := range next {
		if r, ok := m.runners[k]; ok {
			r.update(mp)
			continue
		}
		m.runners[k] = newRunner(m, mp)
	}
	return problems.Err()
}

// State is a mapping as ListEventSourceMappings describes it.
type State struct {
	Function, Queue, QueueARN string
	State                     string // StateEnabled or StateDisabled
	LastProcessingResult      string // Result…
	LastModified              time.Time
	// Pollers is how many batches may be in flight now.
	Pollers int
}

// States returns the mappings' states, by function and queue.
func (m *Manager) States() []State {
	m.mu.Lock()
	out := make([]State, 0, len(m.runners))
	for _, r := range m.runners {
		out = append(out, r.state())
	}
	m.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Function != out[j].Function {
			return out[i].Function < out[j].Function
		}
		return out[i].Queue < out[j].Queue
	})
	return out
}

// Close stops every mapping from receiving and waits for the batches in
// flight to be invoked and settled. When ctx ends first it cancels them
// (their messages return after their visibility timeout) and returns an
// error of kind Timeout once every goroutine has returned.
func (m *Manager) Close(ctx context.Context) error {
	const op errs.Op = "sqs.Manager.Close"
	m.mu.Lock()
	m.closed = true
	for k, r := range m.runners {
		r.disable()
		delete(m.runners, k)
	}
	m.mu.Unlock()
	defer m.stop()
	if err := wait.Drain(ctx, &m.wg, m.stop); err != nil {
		return errs.E(op, errs.Timeout, err)
	}
	return nil
}
