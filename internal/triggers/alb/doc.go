// Package alb emulates an Application Load Balancer with Lambda targets:
// listener rules evaluated as ALB evaluates them (Router), the target-group
// event built from an HTTP request (NewEvent) and the mapping of the
// function's result back to an HTTP response (ParseResponse, Response.Write),
// with ALB's limits and failure codes.
//
// The package is pure: it neither listens nor invokes. A listener matches a
// request with Router.Match, builds the event with NewEvent, invokes the
// rule's function and hands the result to ParseResponse; every failure is
// answered with WriteError(w, StatusOf(err)).
//
// Decisions where AWS leaves a choice:
//   - No rule matches: ALB runs the listener's default action; Verge's default
//     action is a fixed 404 response (DefaultStatus) with ALB's error page.
//   - A request body over 1 MB is answered 413 before the function runs.
//   - A function error, a malformed result (not an object, statusCode missing
//     or outside 100-599, non-string headers or body, bad base64) or a result
//     over 1 MB is answered 502, as ALB does.
//   - statusDescription is parsed and kept in Response.Description, but
//     net/http cannot send a custom reason phrase, so Write uses Go's.
//   - A text body (text/*, JSON, JavaScript, XML) that is not valid UTF-8 is
//     sent base64 encoded, since a JSON string cannot carry it.
package alb
