// Package awsapi serves AWS-compatible HTTP endpoints, so that the AWS SDKs
// and the AWS CLI work against Verge unchanged with --endpoint-url: the
// Lambda Invoke API first.
package awsapi
