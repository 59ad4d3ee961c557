// Package arn names Verge's resources the way AWS does. Everything runs in
// one region of one account, so ARNs, environment variables and events
// agree wherever they are built.
package arn

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
