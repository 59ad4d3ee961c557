package alb

import "net/http"

// Limits of a Lambda target (ELB user guide, "Lambda functions as targets").
const (
	// MaxRequestBody is the largest request body ALB sends to a function.
	MaxRequestBody = 1 << 20
	// MaxResponse is the largest response JSON a function may return.
	MaxResponse = 1 << 20
)

// Rule priorities accepted by ALB listener rules.
const (
	minPriority = 1
	maxPriority = 50000
)

// HTTP statuses ALB answers with when it cannot forward or map a response.
const (
	// DefaultStatus answers requests that match no rule (Verge's default
	// listener action).
	DefaultStatus = http.StatusNotFound
	// StatusTooLarge answers a request whose body exceeds MaxRequestBody.
	StatusTooLarge = http.StatusRequestEntityTooLarge
	// StatusBadGateway answers a function error, a malformed result and a
	// result over MaxResponse.
	StatusBadGateway = http.StatusBadGateway
)

// Headers ALB adds to every request it forwards.
const (
	headerForwardedFor   = "x-forwarded-for"
	headerForwardedPort  = "x-forwarded-port"
	headerForwardedProto = "x-forwarded-proto"
	headerTraceID        = "x-amzn-trace-id"
	headerHost           = "host"
	headerContentType    = "Content-Type"
	headerContentEnc     = "Content-Encoding"
)

// Server is the Server header of ALB-generated responses.
const serverName = "awselb/2.0"

// textTypes are the media types ALB sends unencoded (besides text/*).
var textTypes = map[string]bool{
	"application/json":       true,
	"application/javascript": true,
	"application/xml":        true,
}

// hopByHop are response headers ALB drops from a function's result; it
// computes Content-Length itself.
var hopByHop = map[string]bool{
	"Connection":          true,
	"Keep-Alive":          true,
	"Proxy-Authenticate":  true,
	"Proxy-Authorization": true,
	"Te":                  true,
	"Trailer":             true,
	"Transfer-Encoding":   true,
	"Upgrade":             true,
	"Content-Length":      true,
}

// Result JSON fields.
const (
	fieldStatusCode        = "statusCode"
	fieldStatusDescription = "statusDescription"
	fieldHeaders           = "headers"
	fieldMultiValueHeaders = "multiValueHeaders"
	fieldBody              = "body"
	fieldIsBase64Encoded   = "isBase64Encoded"
)
