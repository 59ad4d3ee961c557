// Package cff is the CloudFront Functions event model, version 1.0, in pure
// Go: it turns the edge's requests and responses into the event JSON a
// function receives, and applies the JSON the function returns, with
// CloudFront's validation. It runs no JavaScript; package jsfn takes the
// event bytes and returns the handler's result as bytes.
//
// A viewer-request function runs as
//
//	ev, err := cff.NewRequestEvent(req, domain, cff.ViewerRequest)
//	out := <run the handler on ev>
//	generated, err := cff.ApplyRequestResult(out, req)
//
// and a viewer-response function as NewResponseEvent then
// ApplyResponseResult. A result that fails validation is an
// *edge.FuncError with status 502 and type FunctionValidationError.
//
// The event follows AWS's documentation (see shared/docs/specs.md §3):
//
//   - header names are lowercase; Cookie and Set-Cookie are in cookies, not
//     headers; response cookies carry their attributes;
//   - a repeated name is value (the first) plus multiValue (all);
//   - query-string names and values stay percent-encoded, and query-string
//     and cookie names keep their case;
//   - disallowed headers (X-Forwarded-Proto, Connection, X-Amz-Cf-*, …) are
//     hidden from functions, put back afterwards, and may not be added;
//   - properties keep the request's order, and a result is read in its own
//     order, so a rebuilt query string keeps the parameters' order.
//
// On the way back, a changed multiValue wins over value; otherwise a
// changed value replaces the first value only. Whatever the function left
// unchanged goes out with its original bytes. Absent querystring, headers or
// cookies in a result mean none.
//
// The Runner keeps the result of a viewer-response run that read nothing
// but the event's response (jsfn.Result.Pure: no request, viewer or
// context, no clock, no random number, no KeyValueStore, no console) and
// applies it, validated as a run's result, to later responses whose event
// part is the same byte for byte, without running the handler: on cache
// hits of one entry, a header-adding function costs a lookup (memo.go).
//
// For `verge test-function`, ParseEvent and NormalizeEvent read test events
// as TestFunction does, and FormatOutput and FormatUtilization produce its
// FunctionOutput and ComputeUtilization. Test runs one event with them; both
// `verge test-function` and the CloudFront API's TestFunction call it, so
// the two agree.
package cff
