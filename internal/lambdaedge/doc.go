// Package lambdaedge is the Lambda@Edge event model in pure Go: it turns the
// edge's requests and responses into the event JSON a Lambda@Edge function
// receives at each of the four CloudFront triggers, and validates and
// applies the JSON the function returns, with CloudFront's rules and
// wording. It runs nothing and does no I/O: the Runner invokes the function
// through the Lambda runtime and hands the result bytes back here.
//
// An origin-request function runs as
//
//	lambdaedge.AddCloudFrontHeaders(req, cfg) // once, before the origin
//	ev, err := lambdaedge.Build(stack.OriginRequest, cfg, req, nil, ref.IncludeBody)
//	out := <invoke the function with ev>
//	res, err := lambdaedge.Apply(stack.OriginRequest, out, req, nil)
//
// where res.Generated, when set, ends the request, and res.Origin, when
// set, is the origin the function switched to. A result CloudFront would
// reject is an *edge.FuncError with status 502 and type
// LambdaValidationError.
//
// The event follows AWS's documentation (shared/docs/specs.md §1, §2):
//
//   - {"Records":[{"cf":{config, request[, response]}}]}, exactly one record;
//   - headers are {lowercase: [{key, value}]}, one entry per header line;
//     disallowed headers (Connection, X-Forwarded-Proto, X-Amz-Cf-*, …) are
//     hidden from functions, put back afterwards, and may not be added;
//   - request.origin (origin events) describes the behaviour's origin as
//     custom or s3; request.body appears only with includeBody;
//   - response.status is a string in events and a string or number in
//     results; the origin's body is never shown.
//
// Whatever a function leaves unchanged goes out with its original bytes.
package lambdaedge
