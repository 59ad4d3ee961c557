// Package awsapi is Verge's AWS endpoint: one handler that serves the AWS
// APIs the way AWS's own front ends do, so that the AWS SDKs and the AWS
// CLI work against Verge unchanged with an endpoint override.
//
// A Router picks the service by the SigV4 credential scope's service name
// (or, for a request without a signature, by X-Amz-Target or the path),
// verifies the signature, puts the caller's identity.Identity in the
// request's context, finds the operation by the service's protocol
// (X-Amz-Target for JSON, Action for query, method and path for REST),
// asks the Authorizer, and runs the operation's Handler. Every error is
// written in the shape of the service's protocol, from one catalog
// (errors.go, protocol.go). An operation Verge does not serve is
// UnknownOperationException (InvalidAction for query), naming service and
// operation; never a bare 404. A JSON service may answer AWS's CBOR
// protocol too (Service.AlsoCBOR: Kinesis); its handlers read and write
// through readInput and writeOutput, which follow the request's protocol.
//
// A service is a Service value: its protocol and a table of Operations,
// each with its IAM action and a function computing the resource's ARN,
// which the Authorizer evaluates. Lambda (lambda.go), EventBridge
// (events.go) and CloudFront (cloudfront.go) are served here; they read
// the running plan through small interfaces and plain structs the engine
// fills, never the stack file's types.
package awsapi
