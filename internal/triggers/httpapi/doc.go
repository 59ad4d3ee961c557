// Package httpapi holds the pure parts of an API Gateway HTTP API in front of
// Lambda functions: the Router (route keys "METHOD /path" with {param},
// greedy {proxy+}, ANY and $default, most specific route first), the event
// builders for payload formats 2.0 and 1.0 (NewEventV2, NewEventV1, from an
// *http.Request) and the response mapping (ParseResponseV2, ParseResponseV1,
// with 2.0's inference), plus the catalog of API Gateway's failure responses.
//
// Nothing here listens or invokes: a listener matches the request, builds the
// event, invokes the function and maps its result (or a Failure) onto the
// http.ResponseWriter with Response.Write.
package httpapi
