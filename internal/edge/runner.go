package edge

import (
	"context"
	"fmt"
	"net/http"

	"github.com/verge-edge/verge/internal/stack"
)

// A Runner runs the functions associated with cache behaviours. The edge
// calls it at the four trigger points; the function kinds (cdn-function,
// edge-lambda-function) implement it in their own packages, so the edge never
// knows how a function runs.
type Runner interface {
	// Request runs fn at a request trigger (viewer-request or origin-request).
	// It may change req in place. A non-nil Response ends the request with a
	// generated response.
	Request(ctx context.Context, t stack.Trigger, fn *stack.FunctionRef, req *Request) (*Response, error)
	// Response runs fn at a response trigger (origin-response or
	// viewer-response). It may change resp in place.
	Response(ctx context.Context, t stack.Trigger, fn *stack.FunctionRef, req *Request, resp *Response) error
}

// Request is the request as functions see it.
type Request struct {
	// Method is the HTTP method.
	Method string
	// URI is the path, percent-decoded, starting with "/".
	URI string
	// Query is the raw query string, without "?".
	Query string
	// Header holds the viewer's headers (canonical names). Host is in it.
	Header http.Header
	// ClientIP is the viewer's address.
	ClientIP string
	// Body is the request body when the association has includeBody: its
	// first bytes, up to one more than the trigger shows
	// (cfheader.ViewerBodyLimit, OriginBodyLimit) so that the runner can
	// tell it was truncated. The origin gets the whole body unless a
	// function replaced it.
	Body []byte
	// BodyReplaced, set by a function that replaced Body, sends Body to the
	// origin instead of the viewer's (with any method but GET and HEAD,
	// which the edge may share and sends without a body).
	BodyReplaced bool
	// Distribution and RequestID identify the request, as CloudFront's config block.
	Distribution string
	RequestID    string
	// Origin is the behaviour's origin, for functions that derive a new one
	// from it. Read-only.
	Origin *stack.Origin
	// OriginOverride, set by a viewer-request function, sends this request
	// to another HTTP origin (CloudFront's updateRequestOrigin).
	OriginOverride *stack.HTTPOrigin
	// OriginBucket, set by an origin-request function, sends this request
	// to a bucket resource's folder instead (Lambda@Edge's switch to an s3
	// origin). It wins over OriginOverride.
	OriginBucket *BucketChange
}

// BucketChange is the s3 origin a function switched a request to.
type BucketChange struct {
	// Name is the bucket resource's name, matched without regard to case
	// (S3 domain names are lowercase).
	Name string
	// Path is the key prefix of every object ("" or "/prefix").
	Path string
	// CustomHeaders are added to the request to the bucket.
	CustomHeaders []stack.Header
}

// Response is a response as functions see it, or one they generate.
type Response struct {
	Status int
	Header http.Header
	// Body replaces the origin's body when not nil. For a generated response
	// it is the whole body.
	Body []byte
	// Reuse, set by a Runner at viewer-response, says that what it made of
	// the response depends on nothing but the status and headers it got:
	// not the request, the clock nor the body. The fast path then answers
	// later hits of the same entry, with the same Age, with the response
	// it wrote, without calling the Runner, and calls Reuse for each so
	// that the Runner counts the run.
	Reuse func()
}

// FuncError is how a Runner reports a failed function: the status the
// viewer gets (502 for a result that fails validation, 503 for an execution
// error, throttle or timeout) and CloudFront's detailed result type.
type FuncError struct {
	Status int    // 502 or 503
	Type   string // e.g. "LambdaValidationError", "FunctionExecutionError"
	Detail string
}

func (e *FuncError) Error() string { return fmt.Sprintf("%s: %s", e.Type, e.Detail) }
