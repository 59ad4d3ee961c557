package awsapi

// The Lambda REST API's paths, headers and values.
const (
	// PathInvoke is the Invoke operation's route pattern.
	PathInvoke = "POST " + pathPrefix + "functions/{name}/invocations"
	// pathPrefix starts every path of the API version Verge serves.
	pathPrefix = "/2015-03-31/"

	HeaderInvocationType  = "X-Amz-Invocation-Type"
	HeaderLogType         = "X-Amz-Log-Type"
	HeaderClientContext   = "X-Amz-Client-Context"
	HeaderExecutedVersion = "X-Amz-Executed-Version"
	HeaderFunctionError   = "X-Amz-Function-Error"
	HeaderLogResult       = "X-Amz-Log-Result"
	HeaderErrorType       = "X-Amzn-ErrorType"
	HeaderRequestID       = "X-Amzn-RequestId"

	InvocationRequestResponse = "RequestResponse"
	InvocationEvent           = "Event"
	InvocationDryRun          = "DryRun"

	LogTypeNone = "None"
	LogTypeTail = "Tail"

	// QueryQualifier is the query parameter naming a version or alias.
	QueryQualifier = "Qualifier"
)
