// Command gofn is a Lambda function written with aws-lambda-go, built by
// Verge into a provided runtime's bootstrap and run unchanged.
package main

import (
	"context"
	"errors"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type event struct {
	Name string `json:"name"`
	Fail bool   `json:"fail"`
}

type result struct {
	Message      string `json:"message"`
	RequestID    string `json:"requestId"`
	FunctionName string `json:"functionName"`
	MemoryLimit  int    `json:"memoryLimit"`
}

func handle(ctx context.Context, e event) (result, error) {
	if e.Fail {
		return result{}, errors.New("asked to fail")
	}
	lc, _ := lambdacontext.FromContext(ctx)
	return result{
		Message:      "hello " + e.Name,
		RequestID:    lc.AwsRequestID,
		FunctionName: lambdacontext.FunctionName,
		MemoryLimit:  lambdacontext.MemoryLimitInMB,
	}, nil
}

func main() {
	if os.Getenv("AWS_LAMBDA_RUNTIME_API") == "" {
		panic("not in a Lambda sandbox")
	}
	lambda.Start(handle)
}
