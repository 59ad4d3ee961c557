package gateway

import "time"

// IntegrationTimeout is HTTP API's longest wait for a Lambda integration:
// past it the client gets 503 while the function runs on.
const IntegrationTimeout = 30 * time.Second

// hostSuffix makes a resource's host name: NAME.localhost.
const hostSuffix = ".localhost"

// Response headers API Gateway adds.
const (
	headerRequestID = "Apigw-Requestid"
)

// CORS headers (Fetch standard).
const (
	headerOrigin           = "Origin"
	headerRequestMethod    = "Access-Control-Request-Method"
	headerRequestHeaders   = "Access-Control-Request-Headers"
	headerAllowOrigin      = "Access-Control-Allow-Origin"
	headerAllowMethods     = "Access-Control-Allow-Methods"
	headerAllowHeaders     = "Access-Control-Allow-Headers"
	headerAllowCredentials = "Access-Control-Allow-Credentials"
	headerExposeHeaders    = "Access-Control-Expose-Headers"
	headerMaxAge           = "Access-Control-Max-Age"
	headerVary             = "Vary"
)
