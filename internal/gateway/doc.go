// Package gateway serves a stack's HTTP front doors for functions: each
// http-api-gateway (API Gateway HTTP API) and application-load-balancer
// answers on NAME.localhost of the main listener, or on any host when it
// is the stack's only front door.
//
// A request is routed (httpapi.Router, alb.Router), checked (body limits,
// CORS preflight, authorizers), turned into the function's event, invoked
// synchronously through an Invoker (the function service) and its result
// mapped back to HTTP, with API Gateway's and ALB's own failure responses
// where the function cannot produce one. The event and response mappings
// are the pure packages internal/triggers/httpapi and internal/triggers/alb.
package gateway
