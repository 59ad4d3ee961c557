// Command lambdago is an unchanged aws-lambda-go function, built by the
// runtimeapi tests and run against a Server as a provided runtime.
package main

import (
	"context"
	"errors"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type event struct {
	Name string `json:"name"`
	Fail bool   `json:"fail"`
}

type answer struct {
	Hello     string `json:"hello"`
	RequestID string `json:"requestId"`
	ARN       string `json:"arn"`
	Deadline  bool   `json:"deadline"`
}

func handle(ctx context.Context, e event) (*answer, error) {
	if e.Fail {
		return nil, errors.New("asked to fail")
	}
	lc, _ := lambdacontext.FromContext(ctx)
	_, hasDeadline := ctx.Deadline()
	return &answer{Hello: e.Name, RequestID: lc.AwsRequestID, ARN: lc.InvokedFunctionArn, Deadline: hasDeadline}, nil
}

func main() { lambda.Start(handle) }
