package runtimeapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Invocation is one event handed to a runtime.
type Invocation struct {
	RequestID       string
	Payload         []byte
	Deadline        time.Time // sent as Lambda-Runtime-Deadline-Ms
	FunctionARN     string    // Lambda-Runtime-Invoked-Function-Arn
	TraceID         string    // Lambda-Runtime-Trace-Id (omitted when "")
	ClientContext   string    // Lambda-Runtime-Client-Context (omitted when "")
	CognitoIdentity string    // Lambda-Runtime-Cognito-Identity (omitted when "")
}

// Outcome is what the runtime answered.
type Outcome struct {
	Payload     []byte // the response body; for an error, the error JSON ({"errorMessage","errorType","stackTrace"})
	ContentType string
	Error       bool   // the runtime posted .../error (or the response was refused, e.g. too large)
	ErrorType   string // Lambda-Runtime-Function-Error-Type header, else the body's errorType; "" on success
	Streamed    bool   // the runtime streamed the response (Lambda-Runtime-Function-Response-Mode: streaming)
}

// InitError is the runtime's POST /runtime/init/error: its function failed
// to initialise and the runtime will exit.
type InitError struct {
	ErrorType   string // the header, else the body's errorType
	Payload     []byte // the error JSON as posted
	ContentType string
}

func (e *InitError) Error() string {
	if msg := errorMessage(e.Payload); msg != "" {
		return fmt.Sprintf("runtime init error %s: %s", e.ErrorType, msg)
	}
	return "runtime init error " + e.ErrorType
}

// Errors Invoke and WaitInit return.
var (
	// ErrBusy: another Invoke is in progress on this server.
	ErrBusy = errors.New("runtimeapi: an invocation is already in progress")
	// ErrClosed: the server was closed.
	ErrClosed = errors.New("runtimeapi: server closed")
	// ErrRuntimeExited: the runtime went away (its /next connection closed,
	// or Exited was called) without answering.
	ErrRuntimeExited = errors.New("runtimeapi: runtime exited")
	// ErrNotDelivered wraps the ErrRuntimeExited of an Invoke whose event
	// the runtime never received: it may run again elsewhere.
	ErrNotDelivered = errors.New("runtimeapi: event not delivered")
	// ErrRequestTooLarge: the event exceeds MaxRequestSize.
	ErrRequestTooLarge = errors.New("runtimeapi: request payload too large")
)

// call is one Invoke in flight: the event and where its outcome goes.
type call struct {
	inv    *Invocation
	result chan result // buffered 1: a late answer never blocks a handler
}

type result struct {
	out *Outcome
	err error
}

// A Freezer stops a runtime's processes and resumes them (a sandbox).
type Freezer interface {
	Freeze()
	Thaw()
}

// Server is one sandbox's Runtime API endpoint.
type Server struct {
	ln     net.Listener
	prefix string // "/" + the secret token every path starts with
	http   *http.Server
	wg     sync.WaitGroup // Serve and every handler

	calls   chan *call    // an Invoke offers its call to the pending /next
	closing chan struct{} // closed by Close
	busy    atomic.Bool   // an Invoke is in progress

	mu        sync.Mutex
	state     string
	current   *call         // the call delivered to the runtime, while Running
	ready     chan struct{} // closed at the first /next
	failed    chan struct{} // closed at init error
	initErr   *InitError
	gone      chan struct{} // closed when the runtime is seen to exit
	goneErr   error
	closeOnce sync.Once

	freezer     Freezer // nil: never frozen
	freezeAfter time.Duration
	freezeTimer *time.Timer // fires freezeAfter into a wait in /next
	frozen      bool

	hmu    sync.Mutex // orders handler starts against Close's wait
	closed bool
}

// Start listens on 127.0.0.1:0 and serves the Runtime API under a new
// secret path prefix (see Addr).
func Start() (*Server, error) {
	token := make([]byte, tokenBytes)
	if _, err := rand.Read(token); err != nil {
		return nil, fmt.Errorf("runtimeapi: secret: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("runtimeapi: listen on 127.0.0.1: %w", err)
	}
	s := &Server{
		ln:      ln,
		prefix:  "/" + hex.EncodeToString(token),
		calls:   make(chan *call),
		closing: make(chan struct{}),
		state:   stateStarted,
		ready:   make(chan struct{}),
		failed:  make(chan struct{}),
		gone:    make(chan struct{}),
	}
	s.http = &http.Server{
		Handler:           s.track(s.router()),
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          quietLog(),
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		_ = s.http.Serve(ln) // returns ErrServerClosed on Close
	}()
	return s, nil
}

// Addr is the value of AWS_LAMBDA_RUNTIME_API: host:port and the secret
// path prefix, "127.0.0.1:PORT/TOKEN". Runtime clients that build their URLs
// as "http://" + Addr + "/2018-06-01/..." (aws-lambda-go, aws-lambda-cpp,
// curl scripts, Verge's bootstraps) carry the secret without knowing it;
// requests without it get 403.
func (s *Server) Addr() string { return s.ln.Addr().String() + s.prefix }

// HostPort is the listening address without the secret.
func (s *Server) HostPort() string { return s.ln.Addr().String() }

// track counts running handlers so that Close can wait for them.
func (s *Server) track(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hmu.Lock()
		if s.closed {
			s.hmu.Unlock()
			http.Error(w, "closed", http.StatusServiceUnavailable)
			return
		}
		s.wg.Add(1)
		s.hmu.Unlock()
		defer s.wg.Done()
		h.ServeHTTP(w, r)
	})
}

// WaitInit blocks until the runtime's first GET /next (init done: nil) or
// its POST /runtime/init/error (an *InitError), or ctx ends (ctx.Err()).
// It returns ErrRuntimeExited when the runtime is known to have exited
// first, and ErrClosed after Close.
func (s *Server) WaitInit(ctx context.Context) error {
	select { // an init that ended wins over a later exit
	case <-s.ready:
		return nil
	case <-s.failed:
		return s.initError()
	default:
	}
	select {
	case <-s.ready:
		return nil
	case <-s.failed:
		return s.initError()
	case <-s.gone:
		return s.exitError()
	case <-s.closing:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Invoke hands inv to the runtime's pending (or next) GET /next and waits
// for its /response or /error. ctx ending returns ctx.Err(); the caller
// then kills the sandbox. A second concurrent Invoke gets ErrBusy. An init
// error, at init or during the invocation, returns the *InitError; a
// runtime that went away returns an error wrapping ErrRuntimeExited, and
// ErrNotDelivered as well when it went before it received the event.
func (s *Server) Invoke(ctx context.Context, inv *Invocation) (*Outcome, error) {
	if len(inv.Payload) > MaxRequestSize {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrRequestTooLarge, len(inv.Payload), MaxRequestSize)
	}
	if !s.busy.CompareAndSwap(false, true) {
		return nil, ErrBusy
	}
	defer s.busy.Store(false)
	s.thaw()
	c := &call{inv: inv, result: make(chan result, 1)}
	if err := s.deliver(ctx, c); err != nil {
		return nil, err
	}
	select {
	case r := <-c.result:
		return r.out, r.err
	case <-s.gone:
		return nil, s.exitError()
	case <-s.closing:
		return nil, ErrClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// deliver waits until a /next handler takes c. A runtime known to be gone
// is never handed the event, even when its last /next handler still waits
// (a select picks among ready cases at random).
func (s *Server) deliver(ctx context.Context, c *call) error {
	select {
	case <-s.gone:
		return fmt.Errorf("%w: %w", ErrNotDelivered, s.exitError())
	default:
	}
	select {
	case s.calls <- c:
		return nil
	case <-s.failed:
		return s.initError()
	case <-s.gone:
		return fmt.Errorf("%w: %w", ErrNotDelivered, s.exitError())
	case <-s.closing:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}

// FreezeIdle has the server freeze f once the runtime has waited in
// GET /next for after without an invocation (at once when after is 0), and
// thaw it before handing it the next one: as on Lambda, nothing in the
// sandbox runs between invocations. The grace lets work the runtime
// finishes just after answering (a short timer, a crash) happen while it is
// idle rather than in the next invocation.
func (s *Server) FreezeIdle(f Freezer, after time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.freezer, s.freezeAfter = f, after
	s.freezeTimer = time.AfterFunc(time.Hour, s.freezeIfIdle)
	s.freezeTimer.Stop()
	if s.state == stateReady {
		s.armFreeze() // the runtime polled before we were told how to freeze it
	}
}

// armFreeze starts the freeze grace of a runtime that just polled /next;
// s.mu is held.
func (s *Server) armFreeze() {
	switch {
	case s.freezer == nil || s.busy.Load():
	case s.freezeAfter <= 0:
		s.freezeLocked()
	default:
		s.freezeTimer.Reset(s.freezeAfter)
	}
}

func (s *Server) freezeIfIdle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.freezeLocked()
}

// freezeLocked freezes the runtime when it still waits in /next and no
// Invoke has started: an Invoke sets busy before it thaws, under s.mu, so
// it never hands an event to a frozen runtime.
func (s *Server) freezeLocked() {
	if s.state == stateReady && !s.frozen && !s.busy.Load() && !s.isClosing() {
		s.freezer.Freeze()
		s.frozen = true
	}
}

// thaw resumes a frozen runtime before an Invoke hands it its event.
func (s *Server) thaw() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.frozen {
		s.freezer.Thaw()
		s.frozen = false
	}
}

func (s *Server) isClosing() bool {
	select {
	case <-s.closing:
		return true
	default:
		return false
	}
}

// Exited tells the server that the runtime process ended (err is its exit
// status, or nil): a pending or later Invoke or WaitInit returns at once
// with an error wrapping ErrRuntimeExited. The process supervisor calls it.
func (s *Server) Exited(err error) {
	s.markGone(err)
}

func (s *Server) markGone(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.gone:
		return
	default:
	}
	s.goneErr = err
	close(s.gone)
}

func (s *Server) exitError() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.initErr != nil {
		return s.initErr
	}
	if s.goneErr != nil {
		return fmt.Errorf("%w: %v", ErrRuntimeExited, s.goneErr)
	}
	return ErrRuntimeExited
}

func (s *Server) initError() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.initErr
}

// Close stops serving: a pending /next and any Invoke or WaitInit return,
// and every goroutine the server started has ended when Close returns.
func (s *Server) Close() error {
	var err error
	s.closeOnce.Do(func() {
		close(s.closing)
		s.mu.Lock()
		if s.freezeTimer != nil {
			s.freezeTimer.Stop()
		}
		s.mu.Unlock()
		err = s.http.Close()
		s.hmu.Lock()
		s.closed = true
		s.hmu.Unlock()
		s.wg.Wait()
	})
	return err
}

// errorMessage returns the errorMessage of an error JSON body, or "".
func errorMessage(body []byte) string {
	var e struct {
		ErrorMessage string `json:"errorMessage"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	return e.ErrorMessage
}

// errorTypeOf returns the errorType of an error JSON body, or "".
func errorTypeOf(body []byte) string {
	var e struct {
		ErrorType string `json:"errorType"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	return e.ErrorType
}
