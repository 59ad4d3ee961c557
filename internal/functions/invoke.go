package functions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/lambda"
	"github.com/verge-edge/verge/internal/runtimeapi"
)

// A Request is one synchronous invocation.
type Request struct {
	// Function is the function's name.
	Function string
	// Qualifier is "", "$LATEST" or a version number.
	Qualifier string
	// Payload is the event, JSON; empty means {}.
	Payload []byte
	// DryRun checks that the function exists and the request is valid
	// without running it.
	DryRun bool
	// Tail asks for the last LogTailBytes of the invocation's log.
	Tail bool
	// ClientContext is passed to the runtime as is (base64 JSON).
	ClientContext string
	// RequestID is the invocation's id; "" draws a new one. Each attempt
	// of an asynchronous invocation reuses the id it was accepted with,
	// as Lambda does.
	RequestID string
}

// A Response is what an invocation returned. A function error is a
// Response with FunctionError set, not a Go error: Go errors are the
// service's (not found, throttled, too large).
type Response struct {
	// Payload is the function's result, or its error document.
	Payload []byte
	// FunctionError is "Unhandled" when the function failed.
	FunctionError string
	// ErrorType is the failure's type (the handler's errorType,
	// Sandbox.Timedout, Runtime.ExitError…), "" on success.
	ErrorType string
	// ExecutedVersion is the version that ran ("$LATEST" or a number).
	ExecutedVersion string
	// RequestID is the invocation's id.
	RequestID string
	// LogTail is the end of the invocation's log, when Tail was asked.
	LogTail []byte
}

// Invoke runs a synchronous invocation: on a warm sandbox when there is one,
// else on a new one; throttled (errs.Throttled) at the concurrency limit.
func (s *Service) Invoke(ctx context.Context, req *Request) (*Response, error) {
	const op errs.Op = "functions.Invoke"
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, errs.E(op, errs.Unavailable, req.Function, errors.New("the function service is shutting down"))
	}
	s.inflight.Add(1)
	s.mu.Unlock()
	defer s.inflight.Done()

	v, err := s.lookup(req.Function, req.Qualifier)
	if err != nil {
		return nil, err
	}
	payload := req.Payload
	if len(payload) > MaxPayload {
		return nil, errs.E(op, errs.TooLarge, req.Function, fmt.Errorf("Request must be smaller than %d bytes for the InvokeFunction operation", MaxPayload))
	}
	if len(payload) == 0 {
		payload = []byte("{}")
	}
	if !json.Valid(payload) {
		//lint:ignore ST1005 Lambda's own message
		return nil, errs.E(op, errs.Invalid, req.Function, errors.New("Could not parse request body into json: the payload is not valid JSON"))
	}
	id := req.RequestID
	if id == "" {
		id = uuid.NewString()
	}
	resp := &Response{ExecutedVersion: v.name, RequestID: id}
	if req.DryRun {
		return resp, nil
	}
	name := v.fn.name
	timeout := time.Duration(v.cfg.TimeoutSeconds) * time.Second
	inv := &runtimeapi.Invocation{
		RequestID:     id,
		Payload:       payload,
		FunctionARN:   functionARN(name, req.Qualifier),
		TraceID:       traceID(time.Now()),
		ClientContext: req.ClientContext,
	}
	r, err := s.runOn(ctx, v, inv, timeout)
	if err == nil && r.undelivered { // the runtime died after its check, before it got the event
		s.metrics.idleDeaths.WithLabelValues(name).Inc()
		r, err = s.runOn(ctx, v, inv, timeout)
	}
	if err != nil {
		return s.acquireFailed(err, name, req, resp)
	}
	s.metrics.observe(name, v.cfg.MemoryMB, r)
	resp.Payload = r.payload
	if r.fnErrored {
		resp.FunctionError, resp.ErrorType = lambda.FunctionErrorUnhandled, r.errType
	}
	if req.Tail {
		resp.LogTail = r.tail
	}
	return resp, nil
}

// runOn runs inv on a sandbox of v, warm or new, and releases it.
func (s *Service) runOn(ctx context.Context, v *version, inv *runtimeapi.Invocation, timeout time.Duration) (*run, error) {
	in, err := s.acquire(ctx, v)
	if err != nil {
		return nil, err
	}
	inv.Deadline = time.Now().Add(timeout)
	r := in.invoke(ctx, inv, timeout)
	s.release(v, in)
	return r, nil
}

// acquireFailed answers an invocation that got no sandbox: a service error,
// or the init failure of the sandbox started for it.
func (s *Service) acquireFailed(err error, name string, req *Request, resp *Response) (*Response, error) {
	var init *initFailure
	if !errors.As(err, &init) {
		if errs.Is(errs.Throttled, err) {
			s.metrics.throttles.WithLabelValues(name).Inc()
		}
		return nil, err
	}
	s.metrics.invocations.WithLabelValues(name).Inc()
	s.metrics.errors.WithLabelValues(name).Inc()
	resp.Payload, resp.FunctionError, resp.ErrorType = init.payload(resp.RequestID), lambda.FunctionErrorUnhandled, init.errType
	s.tapFailed(name, init.errType, resp.Payload)
	if req.Tail {
		resp.LogTail = init.tail
	}
	return resp, nil
}

// traceID is an X-Ray trace header for one invocation.
func traceID(now time.Time) string {
	return "Root=1-" + strconv.FormatInt(now.Unix(), 16) + "-" + randomHex(12) +
		";Parent=" + randomHex(8) + ";Sampled=0"
}
