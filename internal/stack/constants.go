package stack

import "github.com/verge-edge/verge/internal/arn"

// Lambda's identifiers, names and limits that the stack file uses, kept in
// one place. Sources: the AWS Lambda developer guide (runtimes,
// configuration-envvars, gettingstarted-limits), CloudWatch Logs'
// PutRetentionPolicy, and Stacktape's function reference for the defaults.

// lambdaRuntimes are the Lambda runtime identifiers a function may name.
var lambdaRuntimes = []string{
	"nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x",
	"python3.9", "python3.10", "python3.11", "python3.12", "python3.13",
	"provided.al2", "provided.al2023",
}

// Function defaults (Stacktape's) and limits (Lambda's).
const (
	defaultFunctionMemory  = 1024 // MB
	defaultFunctionTimeout = 10   // seconds
	minFunctionMemory      = 128
	maxFunctionMemory      = 10240
	maxFunctionTimeout     = 900
	// maxConcurrency is Lambda's default account-wide concurrency, which
	// bounds what one function can reserve or provision.
	maxConcurrency = 1000
	// maxEnvironmentBytes is Lambda's limit on a function's variables,
	// names and values together.
	maxEnvironmentBytes = 4096
	// defaultRetentionDays is Stacktape's default for logging.retentionDays.
	defaultRetentionDays = 180
)

// Lambda@Edge's defaults and limits, per event type: the CloudFront
// developer guide's quotas as they long stood (viewer events 5 s, 128 MB,
// 1 MB compressed; origin events 30 s, Lambda's memory, 50 MB), which
// Stacktape documents. Memory is Stacktape's default.
const (
	defaultEdgeMemory    = 128 // MB
	viewerMaxEdgeMemory  = 128 // MB
	viewerMaxEdgeTimeout = 5   // seconds; also the default at a viewer trigger
	originMaxEdgeTimeout = 30  // seconds; also the default elsewhere
	// Compressed package sizes in MB, the defaults of packageSizeLimit.
	viewerEdgePackageMB = 1
	originEdgePackageMB = 50
	// maxEdgePackageMB bounds packageSizeLimit at Lambda's limit on unzipped
	// code, which no package can usefully exceed.
	maxEdgePackageMB = 250
)

// retentionDays are the retention periods CloudWatch Logs accepts.
var retentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// reservedEnv are the environment variables Lambda sets itself and does
// not let a function's configuration set.
var reservedEnv = []string{
	"_HANDLER", "_X_AMZN_TRACE_ID",
	"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV",
	"AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
	"LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "TZ",
}

// reservedEnvPrefix starts the names of Lambda's own variables
// (AWS_LAMBDA_FUNCTION_NAME, AWS_LAMBDA_RUNTIME_API, ...), all reserved.
const reservedEnvPrefix = "AWS_LAMBDA_"

// The account and region that ARNs name: Verge is one local account.
const (
	arnRegion  = arn.Region
	arnAccount = arn.Account
	// bucketARNPrefix and functionARNPrefix are followed by the resource's name.
	bucketARNPrefix   = "arn:aws:s3:::"
	functionARNPrefix = "arn:aws:lambda:" + arnRegion + ":" + arnAccount + ":function:"
	// cdnFunctionARNPrefix starts a CloudFront function's ARN (global: no region).
	cdnFunctionARNPrefix = "arn:aws:cloudfront::" + arnAccount + ":function/"
)

// The directives a string value may hold, and how each is written.
const (
	directiveSecret        = "Secret"
	directiveResourceParam = "ResourceParam"
	// directiveCfResourceParam reads an attribute of a
	// cloudformationResources entry, as Fn::GetAtt (or Ref) would.
	directiveCfResourceParam = "CfResourceParam"
)

// directiveUsage shows each supported directive written out, for messages;
// its keys are the supported directives.
var directiveUsage = map[string]string{
	directiveSecret:          "$Secret('name')",
	directiveResourceParam:   "$ResourceParam('resource', 'param')",
	directiveCfResourceParam: "$CfResourceParam('logicalId', 'attribute')",
}

// SecretsFileName is the secrets file read by $Secret('name') when no other
// is given: a YAML mapping of names to strings, beside the stack file.
const SecretsFileName = "secrets.yaml"

// API Gateway HTTP API's values and limits (the API Gateway developer
// guide: http-api-develop-routes, http-api-cors, http-api-jwt-authorizer,
// http-api-lambda-authorizer).
const (
	PayloadFormat1 = "1.0"
	PayloadFormat2 = "2.0"
	// defaultPayloadFormat is API Gateway's for an HTTP API integration
	// created today; Stacktape documents "1.0".
	defaultPayloadFormat = PayloadFormat2
	// maxCORSMaxAge is the longest preflight cache an HTTP API allows, in
	// seconds.
	maxCORSMaxAge = 86400
	// maxAuthorizerCacheSeconds bounds a Lambda authorizer's result cache.
	maxAuthorizerCacheSeconds = 3600
	// defaultJWTIdentitySource is where a JWT authorizer finds the token.
	defaultJWTIdentitySource = "$request.header.Authorization"
)

// httpMethods are the methods a route or a CORS configuration may name,
// besides "*".
var httpMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}

// defaultCORSHeaders are Stacktape's default allowedHeaders.
var defaultCORSHeaders = []string{"Content-Type", "X-Amz-Date", "Authorization", "X-Api-Key", "X-Amz-Security-Token", "X-Amz-User-Agent"}

// Application Load Balancer's limits on listener rules (the ELB user
// guide: listener-update-rules, load-balancer-limits).
const (
	minRulePriority = 1
	maxRulePriority = 50000
	// maxConditionValue is the longest path, host, header or query value
	// pattern.
	maxConditionValue = 128
	// maxConditionName is the longest header name and method.
	maxConditionName = 40
)

// albPathPunct are the characters besides letters and digits an ALB path
// pattern may hold ("*" and "?" are wildcards).
const albPathPunct = `_-.$/~"'@:+&*?`

// EventBridge's and Lambda's values and limits for event-driven functions
// (the EventBridge API reference: PutRule, Target, InputTransformer; the
// Lambda API reference: PutFunctionEventInvokeConfig).
const (
	// eventBusARNPrefix is followed by the bus's name.
	eventBusARNPrefix = "arn:aws:events:" + arnRegion + ":" + arnAccount + ":event-bus/"
	// maxPatternBytes is the longest event pattern EventBridge takes.
	maxPatternBytes = 4096
	// maxInputBytes is the longest constant input and input template.
	maxInputBytes = 8192
	// maxJSONPathBytes is the longest inputPath and inputPathsMap value.
	maxJSONPathBytes = 256
	// maxInputVariables is how many variables an input transformer may
	// define.
	maxInputVariables = 100

	// Retries and event age of asynchronous invocations: Lambda's ranges
	// and defaults.
	defaultRetryAttempts = 2
	maxRetryAttempts     = 2
	minEventAgeSeconds   = 60
	maxEventAgeSeconds   = 21600 // six hours, also the default
)

// SQS's, SNS's and Lambda's values and limits for queues, topics and their
// triggers (the SQS API reference: CreateQueue, SetQueueAttributes; the
// SNS API reference: CreateTopic, Subscribe; the Lambda API reference:
// CreateEventSourceMapping).
const (
	// DefaultEndpoint is the URL of Verge's AWS endpoint that queue URLs
	// name when Options.Endpoint is empty: verge's default --admin.
	DefaultEndpoint = "http://127.0.0.1:8081"

	maxDelaySeconds       = 900
	minMessageSize        = 1024
	maxMessageSize        = 262144
	minRetentionSeconds   = 60
	maxRetentionSeconds   = 1209600 // 14 days
	maxWaitTimeSeconds    = 20
	maxVisibilitySeconds  = 43200 // 12 hours
	defaultVisibility     = 30
	minMaxReceiveCount    = 1
	maxMaxReceiveCount    = 1000
	maxQueueNameLength    = 80
	maxTopicNameLength    = 256
	maxDisplayNameLength  = 100
	maxQueueTags          = 50
	maxTagKeyLength       = 128
	maxTagValueLength     = 256
	maxFilterPolicyBytes  = 256 * 1024
	fifoSuffix            = ".fifo"
	defaultSQSBatchSize   = 10
	maxSQSBatchSize       = 10000
	maxFIFOBatchSize      = 10
	maxSQSBatchWindow     = 300
	minMaximumConcurrency = 2
	maxMaximumConcurrency = 1000

	// The SQS attribute names a Queue's Attributes use.
	attrDelaySeconds              = "DelaySeconds"
	attrMaximumMessageSize        = "MaximumMessageSize"
	attrMessageRetentionPeriod    = "MessageRetentionPeriod"
	attrReceiveMessageWaitTime    = "ReceiveMessageWaitTimeSeconds"
	attrVisibilityTimeout         = "VisibilityTimeout"
	attrRedrivePolicy             = "RedrivePolicy"
	attrRedriveAllowPolicy        = "RedriveAllowPolicy"
	attrFifoQueue                 = "FifoQueue"
	attrContentBasedDeduplication = "ContentBasedDeduplication"
	attrDeduplicationScope        = "DeduplicationScope"
	attrFifoThroughputLimit       = "FifoThroughputLimit"
	// The SNS topic attribute names a Topic's Attributes use.
	attrFifoTopic   = "FifoTopic"
	attrDisplayName = "DisplayName"

	// Filter policy scopes.
	ScopeAttributes = "MessageAttributes"
	ScopeBody       = "MessageBody"
	// reportBatchItemFailures is Lambda's FunctionResponseTypes value.
	reportBatchItemFailures = "ReportBatchItemFailures"
)

// Kinesis's and Lambda's values and limits for streams and their triggers
// (the Kinesis API reference: CreateStream, RegisterConsumer; the Lambda
// API reference: CreateEventSourceMapping).
const (
	// The capacity modes of a Stream.
	StreamOnDemand    = "ON_DEMAND"
	StreamProvisioned = "PROVISIONED"
	// The starting positions of a StreamTrigger.
	StartTrimHorizon = "TRIM_HORIZON"
	StartLatest      = "LATEST"
	StartAtTimestamp = "AT_TIMESTAMP"
	// TriggerKinesis is the Kind of a kinesis-stream event's trigger.
	TriggerKinesis = "kinesis"

	// maxStreamName is the longest stream and consumer name.
	maxStreamName = 128
	// maxShardCount is Kinesis's default shard quota of an account in
	// us-east-1, which bounds one stream.
	maxShardCount        = 500
	defaultShardCount    = 1
	minRetentionHours    = 24
	maxRetentionHours    = 8760 // 365 days
	maxStreamTags        = 50
	maxStreamConsumers   = 20
	onDemandShards       = 4 // what a new on-demand stream starts with
	defaultStreamBatch   = 100
	maxStreamBatch       = 10000
	maxStreamBatchWindow = 300
	maxStreamRetries     = 10000
	minRecordAgeSeconds  = 60
	maxRecordAgeSeconds  = 604800 // 7 days
	maxParallelization   = 10
	maxTumblingWindow    = 900
	// unlimited is -1, Lambda's "no limit" for retries and record age.
	unlimited = -1
)

// Lambda's limits of a self-managed Kafka event source mapping
// (CreateEventSourceMapping, SelfManagedEventSource) and Kafka's of a
// topic name.
const (
	defaultKafkaBatch   = 100
	maxKafkaBatch       = 10000
	defaultKafkaWindow  = 0.5 // seconds: Lambda's 500 ms for Kafka
	maxBootstrapServers = 10
	maxBootstrapLen     = 300
	maxTopicName        = 249
)
