package lambdaedge

import (
	"context"
	"github.com/verge-edge/verge/internal/cfheader"
	"log/slog"
	"net/http"

	"github.com/verge-edge/verge/internal/edge"
	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/functions"
	"github.com/verge-edge/verge/internal/stack"
)

// The FuncError types of the failures the Runner reports besides
// ErrValidation: CloudFront's x-edge-detailed-result-type, with a 503.
const (
	ErrExecution     = "LambdaExecutionError" // an exception, or a function that cannot run
	ErrLimitExceeded = "LambdaLimitExceeded"  // throttled or timed out
)

// An Invoker runs a function synchronously: *functions.Service.
type Invoker interface {
	Invoke(ctx context.Context, req *functions.Request) (*functions.Response, error)
}

// RunnerOptions configure a Runner.
type RunnerOptions struct {
	// Functions runs the handlers; edge-lambda-functions are deployed in it
	// under functions.EdgeName.
	Functions Invoker
	// Logger gets each failure with its reason (CloudFront logs them to
	// /aws/cloudfront/LambdaEdge/DISTRIBUTION).
	Logger *slog.Logger
	// Country gives the CloudFront-Viewer-Country origin-facing events see:
	// a GeoIP database or a development override; nil for none.
	Country cfheader.CountryFunc
}

// A Runner runs edge-lambda-functions at the edge's four triggers: it
// builds the event, invokes the handler in the function runtime's warm
// pool and applies the result with CloudFront's validation.
type Runner struct {
	fns     Invoker
	log     *slog.Logger
	country cfheader.CountryFunc
}

// NewRunner returns a Runner.
func NewRunner(o RunnerOptions) *Runner {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Runner{fns: o.Functions, log: o.Logger, country: o.Country}
}

// Request runs fn at viewer-request or origin-request.
func (r *Runner) Request(ctx context.Context, t stack.Trigger, fn *stack.FunctionRef, req *edge.Request) (*edge.Response, error) {
	cfg := r.config(req)
	if t == stack.OriginRequest {
		AddCloudFrontHeaders(req, cfg)
	}
	event, err := Build(t, cfg, req, nil, fn.IncludeBody)
	if err != nil {
		return nil, r.failed(t, fn, req, &edge.FuncError{Status: http.StatusServiceUnavailable, Type: ErrExecution, Detail: err.Error()})
	}
	out, err := r.invoke(ctx, t, fn, req, event)
	if err != nil {
		return nil, err
	}
	res, err := Apply(t, out, req, nil)
	if err != nil {
		return nil, r.failed(t, fn, req, err)
	}
	useOrigin(req, res.Origin)
	return res.Generated, nil
}

// useOrigin routes req to the origin an origin-request function switched
// to: Apply has set an HTTP origin as req.OriginOverride; an s3 origin
// becomes req.OriginBucket, which the edge resolves against the stack's
// buckets (an unknown one is a 502 LambdaValidationError there).
func useOrigin(req *edge.Request, o *OriginChange) {
	switch {
	case o == nil:
	case o.HTTP != nil:
		req.OriginBucket = nil
	default:
		req.OriginOverride = nil
		req.OriginBucket = &edge.BucketChange{Name: o.Bucket, Path: o.Path, CustomHeaders: o.CustomHeaders}
	}
}

// Response runs fn at origin-response or viewer-response.
func (r *Runner) Response(ctx context.Context, t stack.Trigger, fn *stack.FunctionRef, req *edge.Request, resp *edge.Response) error {
	event, err := Build(t, r.config(req), req, resp, false)
	if err != nil {
		return r.failed(t, fn, req, &edge.FuncError{Status: http.StatusServiceUnavailable, Type: ErrExecution, Detail: err.Error()})
	}
	out, err := r.invoke(ctx, t, fn, req, event)
	if err != nil {
		return err
	}
	if _, err := Apply(t, out, req, resp); err != nil {
		return r.failed(t, fn, req, err)
	}
	return nil
}

// config is the event's config block for req.
func (r *Runner) config(req *edge.Request) Config {
	domain := req.Header.Get("Host")
	if domain == "" {
		domain = req.Distribution + ".localhost"
	}
	return Config{DistributionDomainName: domain, DistributionID: req.Distribution, RequestID: req.RequestID,
		ViewerCountry: r.country.Country(req.ClientIP)}
}

// invoke runs the handler and returns its result, or the 503 CloudFront
// answers for an exception (LambdaExecutionError) or a throttle or timeout
// (LambdaLimitExceeded).
func (r *Runner) invoke(ctx context.Context, t stack.Trigger, fn *stack.FunctionRef, req *edge.Request, event []byte) ([]byte, error) {
	resp, err := r.fns.Invoke(ctx, &functions.Request{Function: functions.EdgeName(fn.Name), Payload: event})
	switch {
	case errs.Is(errs.Throttled, err):
		return nil, r.failed(t, fn, req, &edge.FuncError{Status: http.StatusServiceUnavailable, Type: ErrLimitExceeded,
			Detail: "The Lambda function associated with the CloudFront distribution was throttled."})
	case err != nil:
		return nil, r.failed(t, fn, req, &edge.FuncError{Status: http.StatusServiceUnavailable, Type: ErrExecution, Detail: err.Error()})
	case resp.ErrorType == functions.ErrTypeTimeout:
		return nil, r.failed(t, fn, req, &edge.FuncError{Status: http.StatusServiceUnavailable, Type: ErrLimitExceeded,
			Detail: "The Lambda function associated with the CloudFront distribution timed out."})
	case resp.FunctionError != "":
		return nil, r.failed(t, fn, req, &edge.FuncError{Status: http.StatusServiceUnavailable, Type: ErrExecution,
			Detail: resp.ErrorType + ": " + string(resp.Payload)})
	}
	return resp.Payload, nil
}

// failed logs a failure with its reason and returns it for the edge.
func (r *Runner) failed(t stack.Trigger, fn *stack.FunctionRef, req *edge.Request, err error) error {
	r.log.Warn("edge-lambda-function failed", "function", fn.Name, "trigger", string(t),
		"distribution", req.Distribution, "request_id", req.RequestID, "err", err)
	return err
}
