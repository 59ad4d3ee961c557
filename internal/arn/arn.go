// Package arn names Verge's resources the way AWS does. Everything runs in
// one region of one account, so ARNs, environment variables and events
// agree wherever they are built.
package arn

import "time"

// The region and account every ARN names.
const (
	Region  = "us-east-1"
	Account = "000000000000"
)

// Role is the execution role's ARN that Lambda reports for function name
// (GetFunctionConfiguration's Role; streams' invokeIdentityArn).
func Role(function string) string { return "arn:aws:iam::" + Account + ":role/" + function + "-role" }

// Function is a Lambda function's ARN, with ":qualifier" when one is given.
func Function(name, qualifier string) string {
	s := "arn:aws:lambda:" + Region + ":" + Account + ":function:" + name
	if qualifier != "" {
		s += ":" + qualifier
	}
	return s
}

// EventBus is an EventBridge event bus's ARN.
func EventBus(name string) string {
	return "arn:aws:events:" + Region + ":" + Account + ":event-bus/" + name
}

// Rule is an EventBridge rule's ARN (schedules and bus rules).
func Rule(name string) string {
	return "arn:aws:events:" + Region + ":" + Account + ":rule/" + name
}

// Bucket is an S3 bucket's ARN; its objects are Bucket(name)+"/KEY".
func Bucket(name string) string { return "arn:aws:s3:::" + name }

// Queue is an SQS queue's ARN.
func Queue(name string) string { return "arn:aws:sqs:" + Region + ":" + Account + ":" + name }

// Topic is an SNS topic's ARN.
func Topic(name string) string { return "arn:aws:sns:" + Region + ":" + Account + ":" + name }

// Stream is a Kinesis data stream's ARN.
func Stream(name string) string {
	return "arn:aws:kinesis:" + Region + ":" + Account + ":stream/" + name
}

// Table is a DynamoDB table's ARN; its indexes and streams are below it.
func Table(name string) string {
	return "arn:aws:dynamodb:" + Region + ":" + Account + ":table/" + name
}

// TableStream is the ARN of DynamoDB table name's stream:
// Table(name)+"/stream/"+TableStreamLabel(name).
func TableStream(name string) string { return Table(name) + "/stream/" + TableStreamLabel(name) }

// TableStreamLabel is the label of table name's stream. DynamoDB labels a
// stream with the time it was enabled, in milliseconds
// ("2019-11-14T00:04:06.388"); Verge's label has that form but is derived
// from the name alone, so that the stack file and the service agree on
// the ARN without shared state: FNV-1a (64 bits) of the name picks a
// millisecond in the ten years from 2020-01-01T00:00:00.000 (UTC).
func TableStreamLabel(name string) string {
	const (
		offset64 = 14695981039346656037
		prime64  = 1099511628211
		from     = 1577836800000               // 2020-01-01T00:00:00Z in Unix milliseconds
		span     = 10 * 365 * 24 * 3600 * 1000 // ten years of milliseconds
	)
	h := uint64(offset64)
	for i := 0; i < len(name); i++ {
		h ^= uint64(name[i])
		h *= prime64
	}
	return time.UnixMilli(from + int64(h%span)).UTC().Format("2006-01-02T15:04:05.000")
}

// Distribution is a CloudFront distribution's ARN: CloudFront is global,
// so its ARNs name no region.
func Distribution(id string) string {
	return "arn:aws:cloudfront::" + Account + ":distribution/" + id
}

// CloudFrontFunction is a CloudFront Function's ARN (a cdn-function).
func CloudFrontFunction(name string) string {
	return "arn:aws:cloudfront::" + Account + ":function/" + name
}

// LogGroup is a CloudWatch Logs log group's ARN as IAM and the ARN fields
// of DescribeLogGroups name it, ending ":*" (the group and its streams).
func LogGroup(name string) string { return LogGroupBare(name) + ":*" }

// LogGroupBare is a log group's ARN without the trailing ":*", as
// logGroupArn and StartLiveTail's logGroupIdentifiers take it.
func LogGroupBare(name string) string {
	return "arn:aws:logs:" + Region + ":" + Account + ":log-group:" + name
}

// LogStream is a log stream's ARN.
func LogStream(group, stream string) string {
	return LogGroupBare(group) + ":log-stream:" + stream
}
