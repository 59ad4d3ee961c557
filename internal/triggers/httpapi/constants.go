package httpapi

import (
	"net/http"

	"github.com/verge-edge/verge/internal/arn"
)

// Payload format versions (the event's "version" field).
const (
	FormatV1 = "1.0"
	FormatV2 = "2.0"
)

// Route and stage names with a meaning to API Gateway.
const (
	// DefaultRoute catches every request no other route matches.
	DefaultRoute = "$default"
	// DefaultStage is the stage of an HTTP API with automatic deployment.
	DefaultStage = "$default"
	// AnyMethod matches every method; "*" is accepted as its alias.
	AnyMethod = "ANY"
)

// MaxRequestBody is HTTP API's limit on a request payload (10 MB); larger
// requests get TooLarge.
const MaxRequestBody = 10 << 20

// TimeLayout is requestContext.time / requestTime: "21/Apr/2020:15:08:21 +0000".
const TimeLayout = "02/Jan/2006:15:04:05 -0700"

// defaultSourceIP is the source IP of a request without a remote address.
const defaultSourceIP = "127.0.0.1"

// DefaultAccountID is requestContext.accountId when Options leave it out:
// Verge's one account.
const DefaultAccountID = arn.Account

// contentTypeJSON is the content type of inferred 2.0 responses and of
// failure bodies.
const contentTypeJSON = "application/json"

// Failure is one of API Gateway's own responses, sent when the function
// cannot produce one: its body is {"message":Message}.
type Failure struct {
	Status  int
	Message string
}

// API Gateway's failure responses (HTTP API), all with JSON bodies.
var (
	// FunctionError: the function returned an error (including its own
	// timeout) or crashed.
	FunctionError = Failure{http.StatusBadGateway, "Internal Server Error"}
	// MalformedResponse: the function's result does not map to a response.
	MalformedResponse = Failure{http.StatusBadGateway, "Internal Server Error"}
	// IntegrationTimeout: no result within the integration timeout (30 s max).
	IntegrationTimeout = Failure{http.StatusServiceUnavailable, "Service Unavailable"}
	// Throttled: the function's concurrency is exhausted.
	Throttled = Failure{http.StatusTooManyRequests, "Too Many Requests"}
	// NotFound: no route matches and there is no $default route.
	NotFound = Failure{http.StatusNotFound, "Not Found"}
	// TooLarge: the request body is over MaxRequestBody.
	TooLarge = Failure{http.StatusRequestEntityTooLarge, "Request Entity Too Large"}
	// Unauthorized: an authorizer's identity source is missing or invalid.
	Unauthorized = Failure{http.StatusUnauthorized, "Unauthorized"}
	// Forbidden: an authorizer denied the request.
	Forbidden = Failure{http.StatusForbidden, "Forbidden"}
)

// hopByHop are response headers the gateway owns, dropped from a function's
// response (Content-Length is recomputed from the body).
var hopByHop = []string{
	"Connection", "Content-Length", "Keep-Alive", "Proxy-Connection",
	"Transfer-Encoding", "Upgrade", "Te", "Trailer",
}
