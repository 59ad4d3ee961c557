package awsapi

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/functions"
	"github.com/verge-edge/verge/internal/lambda"
)

// An Invoker runs functions: *functions.Service.
type Invoker interface {
	Invoke(ctx context.Context, req *functions.Request) (*functions.Response, error)
}

// An Enqueuer accepts asynchronous invocations: *async.Queue.
type Enqueuer interface {
	Enqueue(ctx context.Context, function string, payload []byte) (requestID string, err error)
}

// MaxAsyncPayload is the largest event of an asynchronous invocation
// (1 MB since October 2025; 256 KB before).
const MaxAsyncPayload = 1 << 20

// invoke is Lambda's Invoke operation.
func (l *lambdaAPI) invoke(w http.ResponseWriter, r *http.Request) error {
	name, qualifier, err := parseFunctionName(r.PathValue(pathName))
	if err != nil {
		return errInvalidParam.With(err.Error())
	}
	if q := r.URL.Query().Get(QueryQualifier); q != "" {
		if qualifier != "" && q != qualifier {
			return errInvalidParam.With("The derived qualifier from the function name does not match the specified qualifier.")
		}
		qualifier = q
	}
	req := &functions.Request{Function: name, Qualifier: qualifier, ClientContext: r.Header.Get(HeaderClientContext)}
	async := false
	switch t := r.Header.Get(HeaderInvocationType); t {
	case "", InvocationRequestResponse:
	case InvocationDryRun:
		req.DryRun = true
	case InvocationEvent:
		if l.queue == nil {
			return errInvalidParam.With("Asynchronous invocation (X-Amz-Invocation-Type: Event) is not available on this node.")
		}
		async = true
	default:
		return errInvalidParam.With("1 validation error detected: Value '" + t + "' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]")
	}
	switch lt := r.Header.Get(HeaderLogType); lt {
	case "", LogTypeNone:
	case LogTypeTail:
		req.Tail = true
	default:
		return errInvalidParam.With("1 validation error detected: Value '" + lt + "' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [Tail, None]")
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, functions.MaxPayload+1))
	if err != nil {
		return errService.With("reading the request body: " + err.Error())
	}
	req.Payload = body
	if async {
		return l.enqueue(w, r, req)
	}
	resp, err := l.fns.Invoke(r.Context(), req)
	if err != nil {
		return invokeError(err)
	}
	hd := w.Header()
	hd.Set(HeaderRequestID, resp.RequestID)
	hd.Set(HeaderExecutedVersion, resp.ExecutedVersion)
	if req.DryRun {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	hd.Set("Content-Type", "application/json")
	if resp.FunctionError != "" {
		hd.Set(HeaderFunctionError, resp.FunctionError)
	}
	if req.Tail {
		hd.Set(HeaderLogResult, base64.StdEncoding.EncodeToString(resp.LogTail))
	}
	w.WriteHeader(http.StatusOK)
	w.Write(resp.Payload)
	return nil
}

// enqueue accepts an asynchronous invocation: 202 once it is stored. The
// function and the payload are checked first, as Lambda does.
func (l *lambdaAPI) enqueue(w http.ResponseWriter, r *http.Request, req *functions.Request) error {
	if len(req.Payload) > MaxAsyncPayload {
		return errTooLarge.With("Request must be smaller than 1048576 bytes for the InvokeAsync operation")
	}
	if req.Qualifier != "" && req.Qualifier != lambda.Latest {
		return errInvalidParam.With("Verge runs asynchronous invocations on $LATEST only.")
	}
	req.DryRun = true
	if _, err := l.fns.Invoke(r.Context(), req); err != nil {
		return invokeError(err)
	}
	payload := req.Payload
	if len(payload) == 0 {
		payload = []byte("{}")
	}
	id, err := l.queue.Enqueue(r.Context(), req.Function, payload)
	if err != nil {
		return invokeError(err)
	}
	w.Header().Set(HeaderRequestID, id)
	w.WriteHeader(http.StatusAccepted)
	return nil
}

// invokeError maps the function service's errors to Lambda's.
func invokeError(err error) *Error {
	msg := err.Error()
	var e *errs.Error
	if errors.As(err, &e) && e.Err != nil {
		msg = e.Err.Error() // without the function name prefix: Lambda's messages say it
	}
	switch {
	case errs.Is(errs.NotFound, err):
		return errNotFound.With(msg)
	case errs.Is(errs.TooLarge, err):
		return errTooLarge.With(msg)
	case errs.Is(errs.Invalid, err):
		return errInvalidContent.With(msg)
	case errs.Is(errs.Throttled, err):
		t := errThrottled.With("Rate Exceeded.")
		t.Reason = "ConcurrentInvocationLimitExceeded"
		if strings.Contains(msg, "reserved") {
			t.Reason = "ReservedFunctionConcurrentInvocationLimitExceeded"
		}
		return t
	case errs.Is(errs.Unavailable, err):
		return errRuntime.With(msg)
	}
	return errService.With(msg)
}

// functionARN matches the forms Lambda accepts for FunctionName: a full
// ARN, a partial ARN (account:function:name), each with an optional
// qualifier, or a bare name (with an optional ":qualifier").
var functionARN = regexp.MustCompile(`^(?:arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:|\d{12}:function:)?([a-zA-Z0-9_-]+)(?::(\$LATEST|[a-zA-Z0-9_-]+))?$`)

// parseFunctionName splits a FunctionName into name and qualifier.
func parseFunctionName(s string) (name, qualifier string, err error) {
	m := functionARN.FindStringSubmatch(s)
	if m == nil || len(m[1]) > 140 {
		return "", "", errors.New("1 validation error detected: Value '" + s + "' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?")
	}
	return m[1], m[2], nil
}
