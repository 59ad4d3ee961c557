// Package cloudwatchlogs builds the event CloudWatch Logs sends a Lambda
// function through a subscription filter: {"awslogs":{"data":D}} where D is
// base64(gzip(JSON)) and the JSON is a DATA_MESSAGE (a log stream's matching
// events) or the CONTROL_MESSAGE sent when a subscription is created. It
// also makes the events' 56-digit ids. Pure: the delivery lives in
// internal/logsub.
package cloudwatchlogs
