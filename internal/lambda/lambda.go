// Package lambda holds the values of AWS Lambda's API that more than one
// part of Verge speaks: the function service (internal/functions), the
// Invoke API (internal/awsapi) and the asynchronous queue
// (internal/functions/async), which takes an Invoker and so does not
// depend on the service.
package lambda

const (
	// Latest is the qualifier of a function's unpublished version, the
	// one Verge runs.
	Latest = "$LATEST"
	// FunctionErrorUnhandled is the X-Amz-Function-Error value for every
	// function error, as Lambda reports it today.
	FunctionErrorUnhandled = "Unhandled"
)
