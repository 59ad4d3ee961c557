package kafka

import (
	"context"
	"log/slog"
	"reflect"
	"sync"
	"time"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/esm"
	"github.com/verge-edge/verge/internal/wait"
)

// Authentication mechanisms (Lambda's SourceAccessConfigurations types).
const (
	AuthNone     = ""
	AuthPlain    = "BASIC_AUTH"          // SASL/PLAIN
	AuthScram256 = "SASL_SCRAM_256_AUTH" // SASL/SCRAM-SHA-256
	AuthScram512 = "SASL_SCRAM_512_AUTH" // SASL/SCRAM-SHA-512
	AuthMTLS     = "CLIENT_CERTIFICATE_TLS_AUTH"
)

// Auth is how a mapping connects to its brokers. TLS is used when RootCA
// is set or Mechanism is AuthMTLS; otherwise the connection is plain TCP.
type Auth struct {
	// Mechanism is one of the Auth* constants.
	Mechanism string
	// Username and Password are SASL's (the secret's "username" and
	// "password").
	Username, Password string
	// Certificate and PrivateKey are MTLS's client certificate chain and
	// PKCS#8 key, PEM; KeyPassword decrypts an encrypted key.
	Certificate, PrivateKey []byte
	KeyPassword             string
	// RootCA is the server's root CA certificate, PEM; nil trusts the
	// system's roots.
	RootCA []byte
}

// A Mapping is one function's event source mapping of a Kafka topic.
type Mapping struct {
	// UUID identifies the mapping; it is the consumer group's id, as
	// Lambda's default ConsumerGroupId.
	UUID        string
	Function    string
	FunctionARN string
	// Bootstrap are the brokers, host:port.
	Bootstrap []string
	Topic     string
	Auth      Auth
	// BatchSize is the most records per invocation, 1 to 10,000 (100
	// when 0).
	BatchSize int
	// MaxBatchWindow is how long records are gathered, up to 300 s.
	MaxBatchWindow time.Duration
	// StartingPosition is esm.TrimHorizon or esm.Latest: where a group
	// with no committed offset starts.
	StartingPosition string
	// MaximumRetryAttempts is how often a failed batch is retried: -1
	// until it succeeds (Lambda's default for Kafka), 0 to 10,000.
	MaximumRetryAttempts int
	// BisectBatchOnFunctionError splits a failed batch in two before
	// retrying it.
	BisectBatchOnFunctionError bool
	// OnFailure receives the failure record of a batch given up on.
	OnFailure *esm.Destination
	Enabled   bool
}

// Options configure a Manager.
type Options struct {
	// Invoke invokes a function synchronously; errs.Throttled is retried
	// without counting as an attempt.
	Invoke func(ctx context.Context, function string, payload []byte) (esm.Result, error)
	// Send delivers a failure record to a destination.
	Send   func(ctx context.Context, d esm.Destination, record []byte) error
	Logger *slog.Logger     // slog.Default() when nil
	Now    func() time.Time // time.Now when nil
}

// A State is a mapping's state, for ListEventSourceMappings and the
// terminal.
type State struct {
	UUID string
	// State is "Creating", "Enabled" or "Disabled".
	State string
	// StateTransitionReason says why, e.g. why the brokers cannot be
	// reached or refused the credentials; never a secret.
	StateTransitionReason string
	// LastProcessingResult is Lambda's: "No records processed", "OK",
	// "PROBLEM: Function call failed", "PROBLEM: Connection error. …".
	LastProcessingResult string
	LastModified         time.Time
}

// A Manager runs the Kafka mappings of the running plan.
type Manager struct {
	o    Options
	log  *slog.Logger
	hard context.Context // invocations, sends and commits; ended when Close gives up
	stop context.CancelFunc

	set esm.Set[Mapping, State]
	wg  sync.WaitGroup // every mapping's goroutines, removed ones' included
}

// New starts a Manager with no mappings.
func New(ctx context.Context, o Options) (*Manager, error) {
	const op errs.Op = "kafka.New"
	if o.Invoke == nil {
		return nil, errs.E(op, errs.Invalid, errs.Errorf("a Manager needs Invoke"))
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	hard, stop := context.WithCancel(context.WithoutCancel(ctx))
	m := &Manager{o: o, log: o.Logger, hard: hard, stop: stop}
	m.set = esm.Set[Mapping, State]{
		Same:  func(a, b *Mapping) bool { return reflect.DeepEqual(a, b) },
		Start: func(mp Mapping, prev <-chan struct{}) esm.Run[State] { return m.start(mp, prev) },
	}
	return m, nil
}

// Apply makes ms the running mappings: new ones start, removed ones stop
// (their group's committed offsets stay), changed ones restart once their
// batches in flight are settled. Invalid mappings are left out and
// reported together; the valid ones are applied.
func (m *Manager) Apply(ms []Mapping) error {
	const op errs.Op = "kafka.Manager.Apply"
	next, problems := esm.ByUUID(op, ms, check)
	if err := m.set.Apply(next); err != nil {
		return errs.E(op, err)
	}
	return problems.Err()
}

// States returns each mapping's state by UUID.
func (m *Manager) States() map[string]State { return m.set.States() }

// Close stops every mapping, waiting for in-flight batches to be settled
// and committed. When ctx ends first it cancels them (their records are
// delivered again on the next run) and returns an error of kind Timeout
// once every goroutine has returned.
func (m *Manager) Close(ctx context.Context) error {
	const op errs.Op = "kafka.Manager.Close"
	m.set.Close()
	defer m.stop()
	if err := wait.Drain(ctx, &m.wg, m.stop); err != nil {
		return errs.E(op, errs.Timeout, err)
	}
	return nil
}
