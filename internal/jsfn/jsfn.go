package jsfn

import (
	"encoding/json"
	"fmt"
	"time"
)

// Runtime names a CloudFront Functions JavaScript runtime.
type Runtime string

// The runtimes CloudFront offers.
const (
	Runtime10 Runtime = "cloudfront-js-1.0"
	Runtime20 Runtime = "cloudfront-js-2.0"
)

func (rt Runtime) valid() bool { return rt == Runtime10 || rt == Runtime20 }

// Limits bound what one function may use. A zero field takes its default.
type Limits struct {
	// CodeBytes is the largest source Compile accepts. Default 10 KiB, as
	// CloudFront (not adjustable there).
	CodeBytes int
	// Compute is the CPU-time budget of one run: the handler, the
	// program's top level and every promise job it queues, as CloudFront
	// counts compute. The engine stops the script when it is spent, also
	// inside a built-in such as a regular expression. Time the run spends
	// off the CPU does not count, up to a wall-clock backstop of
	// max(100×Compute, 500ms). Without a thread CPU clock (an OS other
	// than Linux) it is wall time. Default 5ms.
	Compute time.Duration
	// Memory caps the bytes the engine of one VM may allocate, the VM's
	// own built-ins and modules included (about 0.4 MiB of it, see the
	// package comment). Default 4 MiB, which leaves the function more
	// than CloudFront's 2 MB.
	Memory int64
	// Stack caps the depth of JavaScript calls, in engine stack slots
	// (about one per call frame). Default 1000, about 1.5 MiB of goroutine
	// stack at the deepest.
	Stack int
}

// Default limits.
const (
	DefaultCodeBytes = 10 << 10
	DefaultCompute   = 5 * time.Millisecond
	DefaultMemory    = 4 << 20
	DefaultStack     = 1000
)

// withDefaults returns l with each zero or negative field set to its default.
func (l Limits) withDefaults() Limits {
	if l.CodeBytes <= 0 {
		l.CodeBytes = DefaultCodeBytes
	}
	if l.Compute <= 0 {
		l.Compute = DefaultCompute
	}
	if l.Memory <= 0 {
		l.Memory = DefaultMemory
	}
	if l.Stack <= 0 {
		l.Stack = DefaultStack
	}
	return l
}

// Host is what a run may call outside the VM. A nil Host is allowed:
// cloudfront.kvs() then throws.
type Host interface {
	// KVSGet returns the value of key in the function's KeyValueStore.
	// It runs on the goroutine of Pool.Run, locked to its OS thread: the
	// CPU it uses counts in the compute budget, the time it blocks only in
	// the wall-clock backstop (see Limits.Compute), and the thread stays
	// blocked with it.
	KVSGet(key string) (value []byte, ok bool)
}

// KVSMetaHost is a Host that can also answer kvs().meta(). Without it,
// meta() rejects.
type KVSMetaHost interface {
	Host
	KVSMeta() KVSMeta
}

// KVSMeta is what kvs().meta() resolves to.
type KVSMeta struct {
	CreationDateTime    time.Time `json:"creationDateTime"`
	LastUpdatedDateTime time.Time `json:"lastUpdatedDateTime"`
	KeyCount            int       `json:"keyCount"`
}

// EdgeLocation is the value of cloudfront's edgeLocation.
type EdgeLocation struct {
	Name     string `json:"name"`
	ServerIP string `json:"serverIp"`
	Region   string `json:"region"`
}

// DefaultEdgeLocation is edgeLocation when RunOptions.EdgeLocation is nil.
var DefaultEdgeLocation = EdgeLocation{Name: "LOCAL", ServerIP: "127.0.0.1", Region: "local"}

// RunOptions are the per-run inputs besides the event.
type RunOptions struct {
	// Now is the instant Date is frozen at for the whole run: Date.now(),
	// new Date() and Date() all return it. Zero means time.Now().
	Now time.Time
	// RequestID is copied into a RunError, to tie it to a request.
	RequestID string
	// Host serves the KeyValueStore. Nil makes kvs() throw; leave it a
	// nil interface, not a nil pointer in one.
	Host Host
	// RawQueryString is what event.request.rawQueryString() returns: nil
	// for undefined (the URL had no '?'), otherwise the query without '?'.
	// The method is added to event.request whenever that is an object; it
	// is not enumerable, so it is not part of the output.
	RawQueryString *string
	// EdgeLocation is cloudfront's edgeLocation (runtime 2.0). Nil means
	// DefaultEdgeLocation.
	EdgeLocation *EdgeLocation
	// CoarseCompute lets Result.Compute be the run's wall time, an upper
	// bound of its CPU time, when the run ended before the compute
	// watchdog first looked (within its budget of wall time). It saves a
	// system call per run for callers that do not report compute; the
	// budget is enforced as without it.
	CoarseCompute bool
	// CheckPure asks whether the run's result depends on the event's
	// response alone: see Result.Pure. It costs a few microseconds.
	CheckPure bool
}

// Result is what a run produced.
type Result struct {
	// Output is the JSON of the handler's return value, as JSON.stringify
	// made it. Nil when the run failed.
	Output []byte
	// Logs are the console.log lines, the arguments of one call joined by
	// a space. Their total is capped at MaxLogBytes.
	Logs []string
	// LogsTruncated is set when lines were cut or dropped at the cap.
	LogsTruncated bool
	// Compute is the CPU time the run used, from its first entry into the
	// VM to its last (wall time without a thread CPU clock: an OS other
	// than Linux). Time off the CPU is not in it.
	Compute time.Duration
	// Origin is the last origin modification the function asked for, nil
	// if it asked for none.
	Origin *OriginUpdate
	// Pure is set, when RunOptions.CheckPure asked, for a run that read no
	// event property but version and response, did not read the clock
	// (Date.now(), new Date(), Date()) nor Math.random, called no
	// console method, KeyValueStore or origin helper, and whose handler
	// returned a value, not a promise. Another run on an event with the
	// same version and response returns the same Output, unless the
	// function keeps state in the VM's globals across runs, which
	// CloudFront does not allow a function to rely on.
	Pure bool
}

// MaxLogBytes caps the bytes of Result.Logs, as CloudFront truncates
// function logs at 10 KB.
const MaxLogBytes = 10 << 10

// OriginCall names a cloudfront origin-modification helper.
type OriginCall string

// The origin-modification helpers of the cloudfront module.
const (
	UpdateRequestOrigin      OriginCall = "updateRequestOrigin"
	SelectRequestOriginByID  OriginCall = "selectRequestOriginById"
	CreateRequestOriginGroup OriginCall = "createRequestOriginGroup"
)

// OriginUpdate records a call of an origin-modification helper. The
// arguments are stored as JSON, unvalidated: the caller checks them.
type OriginUpdate struct {
	Call OriginCall
	// Arg is the first argument: an object for updateRequestOrigin and
	// createRequestOriginGroup, the origin id (a JSON string) for
	// selectRequestOriginById.
	Arg json.RawMessage
	// Options is the second argument of selectRequestOriginById, nil if
	// it was not given.
	Options json.RawMessage
}

// ErrKind classifies a RunError.
type ErrKind uint8

// The kinds of RunError. New kinds are appended.
const (
	KindThrow       ErrKind = iota // the handler threw or its promise rejected
	KindTimeout                    // the compute budget was spent
	KindOutOfMemory                // the VM's memory cap was hit
	KindCompile                    // the source does not compile or is too big
	KindInvalid                    // no handler, a result that is not JSON, a bad event or runtime
	KindInternal                   // a bug: a host function or the engine panicked
)

var kindNames = [...]string{"Throw", "Timeout", "OutOfMemory", "Compile", "Invalid", "Internal"}

func (k ErrKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("ErrKind(%d)", k)
}

// RunError is the error of Compile and Run for anything the function did.
type RunError struct {
	Kind ErrKind
	// Message is the error as CloudFront would report it, e.g.
	// "TypeError: cannot read property 'x' of undefined", or for a compile
	// error "SyntaxError: unexpected token in expression: ';' in 22".
	Message string
	// Line is the line of the source a compile error is on, 0 if unknown.
	Line int
	// Stack is the JavaScript stack of a thrown error, if it had one.
	Stack string
	// RequestID is RunOptions.RequestID.
	RequestID string
}

func (e *RunError) Error() string { return e.Kind.String() + ": " + e.Message }

var _ error = (*RunError)(nil)
