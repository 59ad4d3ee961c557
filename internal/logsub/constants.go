package logsub

import "time"

// CloudWatch Logs' limits and values.
const (
	// MaxPerGroup is how many subscription filters a log group may have.
	MaxPerGroup = 2
	// maxNameLen is the longest filter name.
	maxNameLen = 512
	// DistributionByLogStream and DistributionRandom are the distributions
	// PutSubscriptionFilter takes; ByLogStream is the default.
	DistributionByLogStream = "ByLogStream"
	DistributionRandom      = "Random"
	// FunctionGroupPrefix starts a function's log group name.
	FunctionGroupPrefix = "/aws/lambda/"
)

// AWS's error codes and messages.
const (
	CodeNotFound    = "ResourceNotFoundException"
	CodeInvalid     = "InvalidParameterException"
	CodeLimit       = "LimitExceededException"
	CodeUnavailable = "ServiceUnavailableException"

	msgNoGroup       = "The specified log group does not exist."
	msgNoFilter      = "The specified subscription filter does not exist."
	msgLimit         = "Resource limit exceeded."
	msgNoFunction    = "Could not execute the lambda function. Make sure you have given CloudWatch Logs permission to execute your function."
	msgBadDest       = "Could not deliver test message to specified destination. Check that the destination is valid."
	msgStackFilter   = "The subscription filter %s is declared by the stack file (function %s's cloudwatch-log event); change it there."
	msgCycle         = "Subscription filters may not form a loop: %s."
	msgDistribution  = "1 validation error detected: Value '%s' at 'distribution' failed to satisfy constraint: Member must satisfy enum value set: [Random, ByLogStream]"
	msgFilterName    = "1 validation error detected: Value '%s' at 'filterName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*"
	msgFilterNameLen = "1 validation error detected: Value '%s' at 'filterName' failed to satisfy constraint: Member must have length between 1 and 512"
)

// Defaults of Options.
const (
	// DefaultBucket is the KV bucket of the API's filters.
	DefaultBucket = "LOG_SUBSCRIPTIONS"
	// defaultMaxQueue bounds the bytes of events waiting for one filter.
	defaultMaxQueue = 8 << 20
	// storeTimeout bounds a write of the bucket.
	storeTimeout = 10 * time.Second
	// eventOverhead approximates the bytes an event costs beyond its strings.
	eventOverhead = 64
)
