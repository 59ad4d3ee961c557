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

// invokeHandler is Lambda's Invoke operation.
type invokeHandler struct {
	fns   Invoker
	queue Enqueuer
}

func (h invokeHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, qualifier, err := parseFunctionName(r.PathValue("name"))
	if err != nil {
		writeError(w, errInvalidParam, err.Error(), "")
		return
	}
	if q := r.URL.Query().Get(QueryQualifier); q != "" {
		if qualifier != "" && q != qualifier {
			writeError(w, errInvalidParam, "The derived qualifier from the function name does not match the specified qualifier.", "")
			return
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
		if h.queue == nil {
			writeError(w, errInvalidParam, "Asynchronous invocation (X-Amz-Invocation-Type: Event) is not available on this node.", "")
			return
		}
		async = true
	default:
		writeError(w, errInvalidParam, "1 validation error detected: Value '"+t+"' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]", "")
		return
	}
	switch lt := r.Header.Get(HeaderLogType); lt {
	case "", LogTypeNone:
	case LogTypeTail:
		req.Tail = true
	default:
		writeError(w, errInvalidParam, "1 validation error detected: Value '"+lt+"' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [Tail, None]", "")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, functions.MaxPayload+1))
	if err != nil {
		writeError(w, errService, "reading the request body: "+err.Error(), "")
		return
	}
	req.Payload = body
	if async {
		h.enqueue(w, r, req)
		return
	}
	resp, err := h.fns.Invoke(r.Context(), req)
	if err != nil {
		writeInvokeError(w, err)
		return
	}
	hd := w.Header()
	hd.Set(HeaderRequestID, resp.RequestID)
	hd.Set(HeaderExecutedVersion, resp.ExecutedVersion)
	if req.DryRun {
		w.WriteHeader(http.StatusNoContent)
		return
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
}

// enqueue accepts an asynchronous invocation: 202 once it is stored. The
// function and the payload are checked first, as Lambda does.
func (h invokeHandler) enqueue(w http.ResponseWriter, r *http.Request, req *functions.Request) {
	if len(req.Payload) > MaxAsyncPayload {
		writeError(w, errTooLarge, "Request must be smaller than 1048576 bytes for the InvokeAsync operation", "")
		return
	}
	if req.Qualifier != "" && req.Qualifier != lambda.Latest {
		writeError(w, errInvalidParam, "Verge runs asynchronous invocations on $LATEST only.", "")
		return
	}
	req.DryRun = true
	if _, err := h.fns.Invoke(r.Context(), req); err != nil {
		writeInvokeError(w, err)
		return
	}
	payload := req.Payload
	if len(payload) == 0 {
		payload = []byte("{}")
	}
	id, err := h.queue.Enqueue(r.Context(), req.Function, payload)
	if err != nil {
		writeInvokeError(w, err)
		return
	}
	w.Header().Set(HeaderRequestID, id)
	w.WriteHeader(http.StatusAccepted)
}

// writeInvokeError maps the service's errors to Lambda's.
func writeInvokeError(w http.ResponseWriter, err error) {
	msg := err.Error()
	var e *errs.Error
	if errors.As(err, &e) && e.Err != nil {
		msg = e.Err.Error() // without the function name prefix: Lambda's messages say it
	}
	switch {
	case errs.Is(errs.NotFound, err):
		writeError(w, errNotFound, msg, "")
	case errs.Is(errs.TooLarge, err):
		writeError(w, errTooLarge, msg, "")
	case errs.Is(errs.Invalid, err):
		writeError(w, errInvalidContent, msg, "")
	case errs.Is(errs.Throttled, err):
		reason := "ConcurrentInvocationLimitExceeded"
		if strings.Contains(msg, "reserved") {
			reason = "ReservedFunctionConcurrentInvocationLimitExceeded"
		}
		writeError(w, errThrottled, "Rate Exceeded.", reason)
	case errs.Is(errs.Unavailable, err):
		writeError(w, errRuntime, msg, "")
	default:
		writeError(w, errService, msg, "")
	}
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
