// Package arn names Verge's resources the way AWS does. Everything runs in
// one region of one account, so ARNs, environment variables and events
// agree wherever they are built.
package arn

// The region and account every ARN names.
const (
	Region  = "us-east-1"
	Account = "000000000000"
)

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

// Distribution is a CloudFront distribution's ARN: CloudFront is global,
// so its ARNs name no region.
func Distribution(id string) string {
	return "arn:aws:cloudfront::" + Account + ":distribution/" + id
}

// CloudFrontFunction is a CloudFront Function's ARN (a cdn-function).
func CloudFrontFunction(name string) string {
	return "arn:aws:cloudfront::" + Account + ":function/" + name
}
