package awsapi

// The Lambda REST API's paths, headers and values.
const (
	HeaderInvocationType  = "X-Amz-Invocation-Type"
	HeaderLogType         = "X-Amz-Log-Type"
	HeaderClientContext   = "X-Amz-Client-Context"
	HeaderExecutedVersion = "X-Amz-Executed-Version"
	HeaderFunctionError   = "X-Amz-Function-Error"
	HeaderLogResult       = "X-Amz-Log-Result"

	InvocationRequestResponse = "RequestResponse"
	InvocationEvent           = "Event"
	InvocationDryRun          = "DryRun"

	LogTypeNone = "None"
	LogTypeTail = "Tail"

	// QueryQualifier is the query parameter naming a version or alias.
	QueryQualifier = "Qualifier"
)

// Headers and values every protocol shares.
const (
	HeaderErrorType = "X-Amzn-ErrorType"
	HeaderRequestID = "X-Amzn-RequestId"
	// HeaderAmzRequestID is the request id header of the XML protocols.
	HeaderAmzRequestID = "X-Amz-Request-Id"
	// HeaderTarget names a JSON protocol's operation: "PREFIX.Operation".
	HeaderTarget = "X-Amz-Target"
	// ParamAction names a query protocol's operation.
	ParamAction = "Action"
	// HeaderQueryError carries a query-compatible JSON service's error
	// code and fault for the SDKs: "CODE;Sender".
	HeaderQueryError = "X-Amzn-Query-Error"

	contentJSON10 = "application/x-amz-json-1.0"
	contentJSON11 = "application/x-amz-json-1.1"
	contentJSON   = "application/json"
	contentXML    = "text/xml"
	contentForm   = "application/x-www-form-urlencoded"

	// faultSender and faultReceiver are the XML protocols' error types:
	// the caller's fault, or the service's.
	faultSender   = "Sender"
	faultReceiver = "Receiver"
)

// CloudWatch Logs' protocol values.
const (
	// logsTarget is CloudWatch Logs' X-Amz-Target prefix (JSON 1.1).
	logsTarget = "Logs_20140328."

	// contentEventStream is the type of an event stream response
	// (StartLiveTail's).
	contentEventStream = "application/vnd.amazon.eventstream"

	// An event stream message's headers, and their values.
	esMessageType   = ":message-type"
	esEventType     = ":event-type"
	esExceptionType = ":exception-type"
	esContentType   = ":content-type"
	esEvent         = "event"
	esException     = "exception"
	// esInitialResponse is the first event of a JSON protocol's event
	// stream: the operation's output (the SDKs read it before the events).
	esInitialResponse = "initial-response"

	// StartLiveTail's events.
	eventSessionStart  = "sessionStart"
	eventSessionUpdate = "sessionUpdate"

	// DescribeLogStreams' orders.
	orderByName          = "LogStreamName"
	orderByLastEventTime = "LastEventTime"

	// logGroupClassStandard is the class of every group Verge keeps.
	logGroupClassStandard = "STANDARD"
)

// A Protocol is how a service frames requests and errors.
type Protocol int

// The AWS protocols.
const (
	JSON10 Protocol = iota + 1
	JSON11
	Query
	RESTJSON
	RESTXML
	// S3XML is REST-XML with S3's unwrapped <Error> document.
	S3XML
	// CBOR11 is JSON 1.1 with CBOR bodies (Content-Type
	// application/x-amz-cbor-1.1), which a Service with AlsoCBOR answers.
	CBOR11
)

// String is the protocol's name in AWS's service models.
func (p Protocol) String() string {
	switch p {
	case JSON10:
		return "json 1.0"
	case JSON11:
		return "json 1.1"
	case Query:
		return "query"
	case RESTJSON:
		return "rest-json"
	case RESTXML:
		return "rest-xml"
	case S3XML:
		return "rest-xml (s3)"
	case CBOR11:
		return "cbor 1.1"
	}
	return "unknown"
}

// unserved are AWS services Verge knows by signing name but does not
// serve (yet), with their protocol: a call to one gets an error naming it
// in a shape its SDK reads, not the admin API's 404.
var unserved = map[string]Protocol{
	"s3":             S3XML,
	"sqs":            JSON10,
	"sns":            Query,
	"sts":            Query,
	"iam":            Query,
	"kinesis":        JSON11,
	"secretsmanager": JSON11,
	"ssm":            JSON11,
	"states":         JSON10,
	"scheduler":      RESTJSON,
	"apigateway":     RESTJSON,
	"execute-api":    RESTJSON,
	"monitoring":     Query,
	"kms":            JSON11,
	"cognito-idp":    JSON11,
	"ses":            Query,
	"firehose":       JSON11,
}

// CloudFront's REST-XML API: its version's paths, namespace and values.
const (
	cfVersion      = "/2020-05-31/"
	cfNamespace    = "http://cloudfront.amazonaws.com/doc/2020-05-31/"
	pathDistID     = "DistributionId"
	pathID         = "Id"
	pathCFFunction = "Name"

	pathDistributions = cfVersion + "distribution"
	pathDistribution  = pathDistributions + "/{" + pathID + "}"
	pathInvalidations = pathDistributions + "/{" + pathDistID + "}/invalidation"
	pathInvalidation  = pathInvalidations + "/{" + pathID + "}"
	pathCFFunctions   = cfVersion + "function"
	pathCFFunctionOf  = pathCFFunctions + "/{" + pathCFFunction + "}"

	// HeaderETag and HeaderIfMatch carry a resource's version.
	HeaderETag    = "ETag"
	HeaderIfMatch = "If-Match"

	// The states of what Verge serves: deployed, and done at once.
	statusDeployed  = "Deployed"
	statusCompleted = "Completed"
	// CloudFront Functions' stages; Verge's functions are the stack's,
	// live and in development at once.
	stageLive        = "LIVE"
	stageDevelopment = "DEVELOPMENT"
	// cfDefaultMaxItems is a list's page size when MaxItems is not given.
	cfDefaultMaxItems = 100
	// maxInvalidationPaths is CloudFront's limit on one batch's paths.
	maxInvalidationPaths = 3000
	// keptInvalidations is how many invalidations per distribution are
	// remembered for GetInvalidation and ListInvalidations.
	keptInvalidations = 1000
)

// EventBridge's values.
const (
	// eventsDefaultLimit and eventsMaxLimit are a list's page sizes.
	eventsDefaultLimit = 100
	eventsMaxLimit     = 100
	// ruleStateEnabled is every rule's state: the stack file's rules run.
	ruleStateEnabled = "ENABLED"
)

// CloudFront's limits and values.
const (
	// maxInvalidationBody caps an InvalidationBatch document: 3000 paths
	// of CloudFront's longest.
	maxInvalidationBody = 8 << 20
	// maxTestEvent caps TestFunction's body: CloudFront's 40 KB event,
	// base64.
	maxTestEvent = 64 << 10
	// functionStatus is every cdn-function's: deployed with the plan.
	functionStatus = "DEPLOYED"
)

// SQS's protocol values.
const (
	// sqsTarget is SQS's X-Amz-Target prefix (JSON 1.0).
	sqsTarget = "AmazonSQS."
	// sqsNamespace is the query protocol's XML namespace.
	sqsNamespace = "http://queue.amazonaws.com/doc/2012-11-05/"
	// sqsErrorNS prefixes the JSON protocol's __type, as SQS sends it.
	sqsErrorNS = "com.amazonaws.sqs#"
	// sqsListMax is ListQueues' and ListDeadLetterSourceQueues' page limit.
	sqsListMax = 1000
)

// Kinesis's protocol values and limits.
const (
	// kinesisTarget is Kinesis's X-Amz-Target prefix (JSON 1.1 and CBOR).
	kinesisTarget = "Kinesis_20131202."

	// maxRecordData is a record's largest data blob, and maxPutRecords
	// and maxPutRecordsBytes a PutRecords' most records and bytes (data
	// and partition keys).
	maxRecordData      = 1 << 20
	maxPutRecords      = 500
	maxPutRecordsBytes = 5 << 20
	maxPartitionKey    = 256
	// maxKinesisName is a stream's or consumer's longest name.
	maxKinesisName = 128
	// maxGetRecords is GetRecords' largest Limit (and its default).
	maxGetRecords = 10000
	// The lists' largest page (ListStreams, ListShards, DescribeStream,
	// ListStreamConsumers) and their default pages.
	maxKinesisPage        = 10000
	defaultListStreams    = 100
	defaultDescribeShards = 100
	defaultListConsumers  = 100
	// ListTagsForStream's page: 10 by default, at most 50 (a stream's
	// most tags).
	defaultListTags = 10
	maxListTags     = 50
	// maxTagsPerCall is the most tags one call adds or removes.
	maxTagsPerCall = 50
	// maxIterator is a shard iterator's longest length in the model.
	maxIterator = 512
	// onDemandStreamLimit is AWS's default quota of on-demand streams,
	// which Verge reports but does not enforce.
	onDemandStreamLimit = 50

	// The values of ShardIteratorType, ScalingType and EncryptionType.
	iteratorAtTimestamp = "AT_TIMESTAMP"
	iteratorAtSequence  = "AT_SEQUENCE_NUMBER"
	iteratorAfterSeq    = "AFTER_SEQUENCE_NUMBER"
	iteratorTrimHorizon = "TRIM_HORIZON"
	iteratorLatest      = "LATEST"
	scalingUniform      = "UNIFORM_SCALING"
	encryptionNone      = "NONE"
	encryptionKMS       = "KMS"
	metricsAll          = "ALL"

	// SubscribeToShard's event type.
	eventSubscribeToShard = "SubscribeToShardEvent"
)

// shardLevelMetrics are EnhancedMonitoring's metric names, but ALL.
var shardLevelMetrics = []string{"IncomingBytes", "IncomingRecords", "OutgoingBytes", "OutgoingRecords",
	"WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded", "IteratorAgeMilliseconds"}

// DynamoDB's protocol values.
const (
	// dynamoTarget and dynamoStreamsTarget are the X-Amz-Target prefixes
	// of the DynamoDB and DynamoDB Streams APIs, both signed "dynamodb".
	dynamoTarget        = "DynamoDB_20120810."
	dynamoStreamsTarget = "DynamoDBStreams_20120810."
	// dynamoNamespace prefixes the __type of their errors.
	dynamoNamespace = "com.amazonaws.dynamodb.v20120810#"
	// headerCRC32 is the CRC32 (IEEE) of a DynamoDB response's body.
	headerCRC32 = "X-Amz-Crc32"
)
