package stack

// The structs in this file are the schema of the stack file. The decoder
// walks the YAML tree against them by reflection: a key is allowed exactly
// when a field has it as its `yaml` tag, and `verge:"required"` marks the
// keys that must be present. Pointer fields are optional values with a
// default other than the zero value; a field of interface type holds the
// properties of a typed object (see typed). Keep every field documented:
// docs/stack-file.md is written from these comments.

// Stack is a whole stack file.
type Stack struct {
	// Resources are the stack's resources by name. A name is letters and
	// digits starting with a letter; names must differ in more than case,
	// because a distribution answers on NAME.localhost.
	Resources Resources `yaml:"resources" verge:"required"`
	// CloudformationResources are CloudFormation resources by logical id,
	// of the types Verge runs (AWS::SQS::Queue, AWS::SNS::Topic,
	// AWS::SNS::Subscription, AWS::S3::Bucket, AWS::Kinesis::Stream,
	// AWS::DynamoDB::Table); other resources name them with
	// $CfResourceParam('id', 'attribute').
	CloudformationResources CfResources `yaml:"cloudformationResources"`
}

// Resources are the resources in the order written; decoded from a mapping
// of name to Resource.
type Resources []*Resource

// A Resource is one entry of resources: a type and its properties.
type Resource struct {
	// Name is the key the resource was written under.
	Name string `yaml:"-"`
	// Type selects the kind of resource: application-load-balancer,
	// bucket, cdn-function, dynamo-db-table, edge-lambda-function,
	// event-bus, function, http-api-gateway, key-value-store,
	// kinesis-stream, sns-topic or sqs-queue.
	Type string `yaml:"type" verge:"required"`
	// Properties configure the resource; their schema depends on Type
	// (*BucketProps, *CDNFunctionProps, *DynamoDBTableProps,
	// *EdgeLambdaFunctionProps,
	// *EventBusProps, *FunctionProps, *HTTPAPIGatewayProps,
	// *KeyValueStoreProps, *KinesisStreamProps, *LoadBalancerProps,
	// *SNSTopicProps, *SQSQueueProps). Nil when Type is not supported.
	Properties any `yaml:"properties"`
}

// The resource types.
const (
	TypeBucket             = "bucket"
	TypeCDNFunction        = "cdn-function"
	TypeEdgeLambdaFunction = "edge-lambda-function"
	TypeEventBus           = "event-bus"
	TypeFunction           = "function"
	TypeHTTPAPIGateway     = "http-api-gateway"
	TypeKeyValueStore      = "key-value-store"
	TypeLoadBalancer       = "application-load-balancer"
	TypeSQSQueue           = "sqs-queue"
	TypeSNSTopic           = "sns-topic"
	TypeKinesisStream      = "kinesis-stream"
	TypeDynamoDBTable      = "dynamo-db-table"
)

var resourceTypes = typeSet{
	what: "resource type",
	supported: map[string]func() any{
		TypeBucket:             func() any { return new(BucketProps) },
		TypeCDNFunction:        func() any { return new(CDNFunctionProps) },
		TypeEdgeLambdaFunction: func() any { return new(EdgeLambdaFunctionProps) },
		TypeEventBus:           func() any { return new(EventBusProps) },
		TypeFunction:           func() any { return new(FunctionProps) },
		TypeKeyValueStore:      func() any { return new(KeyValueStoreProps) },
		TypeHTTPAPIGateway:     func() any { return new(HTTPAPIGatewayProps) },
		TypeLoadBalancer:       func() any { return new(LoadBalancerProps) },
		TypeSQSQueue:           func() any { return new(SQSQueueProps) },
		TypeSNSTopic:           func() any { return new(SNSTopicProps) },
		TypeKinesisStream:      func() any { return new(KinesisStreamProps) },
		TypeDynamoDBTable:      func() any { return new(DynamoDBTableProps) },
	},
	// Stacktape types on the roadmap: named so users learn they are coming
	// rather than that they misspelled something.
	planned: []string{"user-auth-pool"},
}

// BucketProps are the properties of a bucket: a local folder of objects,
// reached through S3's API and optionally served by a CDN. A bucket needs
// no properties.
type BucketProps struct {
	// Directory is the folder holding the objects, relative to the stack
	// folder; it must exist. The folder is the bucket: a file written in
	// it is an object, an object put through S3 is a file in it. Without
	// one, the bucket lives in a folder of Verge's data folder.
	Directory string `yaml:"directory"`
	// CDN puts a distribution in front of the bucket; it needs a
	// directory.
	CDN *CDN `yaml:"cdn"`
	// EnableEventBusNotifications sends every change to the bucket's
	// objects to the default event bus, as S3's EventBridge notifications
	// (source aws.s3, detail-type "Object Created", "Object Deleted", ...).
	// Default false.
	EnableEventBusNotifications bool `yaml:"enableEventBusNotifications"`

	// Stacktape properties that mean nothing on one machine: accepted with
	// a warning that says why (ignoredProperties).

	// Accessibility makes the bucket public or sets its bucket policy.
	Accessibility Ignored `yaml:"accessibility"`
	// Cors sets the bucket's CORS rules for browsers.
	Cors Ignored `yaml:"cors"`
	// Versioning keeps the previous versions of objects.
	Versioning Ignored `yaml:"versioning"`
	// Encryption encrypts objects at rest.
	Encryption Ignored `yaml:"encryption"`
	// LifecycleRules expire objects or move them to other storage classes.
	LifecycleRules Ignored `yaml:"lifecycleRules"`
	// DirectoryUpload syncs a local folder to the bucket on deploy.
	DirectoryUpload Ignored `yaml:"directoryUpload"`
}

// CDN configures a bucket's distribution.
type CDN struct {
	// Enabled creates the distribution; without it the cdn settings are
	// still checked but nothing is served.
	Enabled bool `yaml:"enabled"`
	// CachingOptions is the cache policy of the default behaviour (paths no
	// route rewrite matches). Default: CloudFront's defaults.
	CachingOptions *CachingOptions `yaml:"cachingOptions"`
	// IndexDocument is served for paths ending in "/". Default "index.html";
	// "" serves none.
	IndexDocument *string `yaml:"indexDocument"`
	// ErrorDocument is the bucket path ("/404.html") served with status 404
	// for a path the bucket lacks. The file must exist in the directory.
	// Default "": the plain error page.
	ErrorDocument string `yaml:"errorDocument"`
	// SinglePageApp serves the index document with status 200 for paths the
	// bucket lacks, so a client-side router can handle them. Default false.
	SinglePageApp bool `yaml:"singlePageApp"`
	// Compress enables gzip and brotli for compressible types. Default true.
	Compress *bool `yaml:"compress"`
	// RouteRewrites send matching paths elsewhere, first match wins, before
	// the default behaviour.
	RouteRewrites []RouteRewrite `yaml:"routeRewrites"`
	// EdgeFunctions are the functions of the default behaviour.
	EdgeFunctions *EdgeFunctions `yaml:"edgeFunctions"`
}

// CachingOptions is a cache policy, as CloudFront's.
type CachingOptions struct {
	// MinTTL is the least time in seconds an object stays fresh, whatever
	// its headers say. Default 0.
	MinTTL *int64 `yaml:"minTTL"`
	// DefaultTTL in seconds applies when the origin sends no max-age,
	// s-maxage or Expires. Default 86400 (one day).
	DefaultTTL *int64 `yaml:"defaultTTL"`
	// MaxTTL in seconds caps the freshness the origin asks for. Default
	// 31536000 (one year).
	MaxTTL *int64 `yaml:"maxTTL"`
	// CacheKeyParameters select the request parts in the cache key; they are
	// also forwarded to the origin.
	CacheKeyParameters *CacheKeyParameters `yaml:"cacheKeyParameters"`
}

// CacheKeyParameters select what of a request goes into the cache key.
type CacheKeyParameters struct {
	// QueryStrings is none, all, or {allowList: [names]}. Default none.
	QueryStrings *QueryStrings `yaml:"queryStrings"`
	// Headers are request header names in the key, at most 10.
	// Accept-Encoding is not allowed: compression handles it.
	Headers []string `yaml:"headers"`
	// Cookies are cookie names in the key, at most 10.
	Cookies []string `yaml:"cookies"`
}

// QueryStrings is written as the scalar none or all, or as a mapping with an
// allowList.
type QueryStrings struct {
	// Mode is none, all, or allowList when written as a mapping.
	Mode KeyMode `yaml:"-"`
	// AllowList names the query parameters in the key, at most 10.
	AllowList []string `yaml:"allowList" verge:"required"`
}

// A RouteRewrite sends the paths matching Path to another origin.
type RouteRewrite struct {
	// Path is a CloudFront path pattern: it starts with "/" or "*", "*"
	// matches any run of characters and "?" one character; at most 255
	// characters.
	Path string `yaml:"path" verge:"required"`
	// RouteTo is where matching requests go.
	RouteTo *RouteTo `yaml:"routeTo" verge:"required"`
	// CachingOptions is the route's cache policy. Default: CloudFront's
	// defaults, not the bucket's; caching disabled for an http-api-gateway
	// or application-load-balancer.
	CachingOptions *CachingOptions `yaml:"cachingOptions"`
	// EdgeFunctions are the route's functions; the bucket's are not inherited.
	EdgeFunctions *EdgeFunctions `yaml:"edgeFunctions"`
}

// RouteTo is an origin: a type and its properties.
type RouteTo struct {
	// Type is custom-origin, bucket or origin-group.
	Type string `yaml:"type" verge:"required"`
	// Properties depend on Type (*CustomOriginProps, *BucketOriginProps,
	// *OriginGroupProps). Nil when Type is not supported.
	Properties any `yaml:"properties"`
}

// The routeTo types.
const (
	RouteCustomOrigin = "custom-origin"
	RouteBucket       = "bucket"
	RouteOriginGroup  = "origin-group"
	RouteHTTPAPI      = TypeHTTPAPIGateway
	RouteLoadBalancer = TypeLoadBalancer
)

var routeTypes = typeSet{
	what: "routeTo type",
	supported: map[string]func() any{
		RouteCustomOrigin: func() any { return new(CustomOriginProps) },
		RouteBucket:       func() any { return new(BucketOriginProps) },
		RouteOriginGroup:  func() any { return new(OriginGroupProps) },
		RouteHTTPAPI:      func() any { return new(HTTPAPIOriginProps) },
		RouteLoadBalancer: func() any { return new(LoadBalancerOriginProps) },
	},
	planned: []string{"function"},
}

// HTTPAPIOriginProps route to an http-api-gateway of the stack.
type HTTPAPIOriginProps struct {
	// HTTPAPIGatewayName is the name of an http-api-gateway resource.
	HTTPAPIGatewayName string `yaml:"httpApiGatewayName" verge:"required"`
}

// LoadBalancerOriginProps route to an application-load-balancer of the
// stack.
type LoadBalancerOriginProps struct {
	// LoadBalancerName is the name of an application-load-balancer resource.
	LoadBalancerName string `yaml:"loadBalancerName" verge:"required"`
}

// CustomOriginProps locate an HTTP server, by url or by domainName (exactly
// one of them).
type CustomOriginProps struct {
	// URL is http(s)://host[:port][/path], without query or fragment.
	URL string `yaml:"url"`
	// DomainName is the server's host name or IP address.
	DomainName string `yaml:"domainName"`
	// Protocol is http or https (with domainName). Default https.
	Protocol *string `yaml:"protocol"`
	// Port (with domainName). Default 80 for http, 443 for https.
	Port *int `yaml:"port"`
	// Path is a prefix added to every origin request path (with
	// domainName): it starts with "/" and does not end with one.
	Path string `yaml:"path"`
	// CustomHeaders are added to every origin request, replacing any of the
	// same name. Host and hop-by-hop headers are not allowed.
	CustomHeaders []CustomHeader `yaml:"customHeaders"`
	// ConnectTimeout in seconds, 1 to 10. Default 10.
	ConnectTimeout *int `yaml:"connectTimeout"`
	// ReadTimeout in seconds, 1 to 180: the longest wait for the response
	// headers and between body reads. Default 30.
	ReadTimeout *int `yaml:"readTimeout"`
}

// A CustomHeader is a header added to origin requests.
type CustomHeader struct {
	// HeaderName is the header's name.
	HeaderName string `yaml:"headerName" verge:"required"`
	// Value is the header's value; it may hold directives.
	Value Template `yaml:"value" verge:"required"`
}

// BucketOriginProps route to another bucket resource.
type BucketOriginProps struct {
	// BucketName is the name of a bucket resource.
	BucketName string `yaml:"bucketName" verge:"required"`
}

// OriginGroupProps fail over from a primary origin to a secondary.
type OriginGroupProps struct {
	// Primary is the origin tried first; not an origin-group.
	Primary *RouteTo `yaml:"primary" verge:"required"`
	// Secondary is tried when the primary fails; not an origin-group.
	Secondary *RouteTo `yaml:"secondary" verge:"required"`
	// FailoverStatusCodes are the primary's statuses that trigger failover,
	// among 403, 404, 500, 502, 503 and 504. Default [500, 502, 503, 504].
	FailoverStatusCodes []int `yaml:"failoverStatusCodes"`
}

// EdgeFunctions associate functions with the four trigger points.
type EdgeFunctions struct {
	// OnRequest runs on the viewer request, before the cache
	// (cdn-function or edge-lambda-function).
	OnRequest *FunctionAssociation `yaml:"onRequest"`
	// OnOriginRequest runs on a cache miss, before the origin
	// (edge-lambda-function).
	OnOriginRequest *FunctionAssociation `yaml:"onOriginRequest"`
	// OnOriginResponse runs on the origin's response, before caching
	// (edge-lambda-function).
	OnOriginResponse *FunctionAssociation `yaml:"onOriginResponse"`
	// OnResponse runs on the response to the viewer
	// (cdn-function or edge-lambda-function).
	OnResponse *FunctionAssociation `yaml:"onResponse"`
}

// A FunctionAssociation is written as a function name, or as a mapping when
// it has options.
type FunctionAssociation struct {
	// Function is the name of a cdn-function or edge-lambda-function resource.
	Function string `yaml:"function" verge:"required"`
	// IncludeBody passes the request body to an edge-lambda-function at
	// onRequest or onOriginRequest. Default false.
	IncludeBody bool `yaml:"includeBody"`
}

// CDNFunctionProps are the properties of a cdn-function (a CloudFront
// Function: JavaScript run in process at the viewer triggers).
type CDNFunctionProps struct {
	// EntryfilePath is the function's JavaScript file, relative to the stack
	// folder.
	EntryfilePath string `yaml:"entryfilePath" verge:"required"`
	// Runtime is cloudfront-js-1.0 or cloudfront-js-2.0. Default
	// cloudfront-js-2.0.
	Runtime *string `yaml:"runtime"`
	// KeyValueStore is the name of a key-value-store resource the function
	// reads.
	KeyValueStore string `yaml:"keyValueStore"`
}

// The cdn-function runtimes.
const (
	RuntimeCloudFrontJS1 = "cloudfront-js-1.0"
	RuntimeCloudFrontJS2 = "cloudfront-js-2.0"
)

// EdgeLambdaFunctionProps are the properties of an edge-lambda-function
// (Lambda@Edge: run in a sandbox at any trigger). Its limits depend on the
// triggers it is associated with: a viewer trigger (onRequest, onResponse)
// holds it to less than the origin triggers do.
type EdgeLambdaFunctionProps struct {
	// Packaging says how the function's code is built, as a function's.
	Packaging *Packaging `yaml:"packaging" verge:"required"`
	// Runtime is a Lambda runtime identifier, as a function's: Node.js and
	// Python as on Lambda@Edge, and provided.al2 or provided.al2023 for Go,
	// which Lambda@Edge cannot run. Default: the one the entry file's
	// extension implies, chosen when the function is built. A
	// custom-artifact needs one.
	Runtime *string `yaml:"runtime"`
	// Memory in MB, 128 to 10240; at most 128 at a viewer trigger. Default
	// 128.
	Memory *int `yaml:"memory"`
	// Timeout in seconds, 1 to 30; at most 5 at a viewer trigger. Default:
	// the most the triggers allow, 5 at a viewer trigger, else 30.
	Timeout *int `yaml:"timeout"`
	// PackageSizeLimit is the largest compressed package in MB, 1 to 250.
	// Default: Lambda@Edge's, 1 at a viewer trigger, else 50.
	PackageSizeLimit *int `yaml:"packageSizeLimit"`
	// Logging says whether and how long the function's logs are kept, as a
	// function's.
	Logging *FunctionLogging `yaml:"logging"`
	// ProvisionedConcurrency is the number of sandboxes kept warm, 0 to
	// 1000, so that requests never wait for a cold start. Default 0.
	ProvisionedConcurrency *int `yaml:"provisionedConcurrency"`

	// Environment is an error: Lambda@Edge has no environment variables
	// (rejectedProperties).
	Environment Rejected `yaml:"environment"`

	// Stacktape properties that mean nothing on one machine: accepted with
	// a warning that says why (ignoredProperties).

	// ConnectTo grants IAM permissions; for an edge-lambda-function
	// Stacktape injects no variables.
	ConnectTo Ignored `yaml:"connectTo"`
	// IamRoleStatements grant the function IAM permissions.
	IamRoleStatements Ignored `yaml:"iamRoleStatements"`
}

// Packaging is how a function's code is built: a type and its properties.
type Packaging struct {
	// Type is stacktape-lambda-buildpack or custom-artifact.
	Type string `yaml:"type" verge:"required"`
	// Properties depend on Type (*BuildpackProps, *ArtifactProps). Nil when
	// Type is not supported.
	Properties any `yaml:"properties"`
}

// The packaging types.
const (
	// PackagingBuildpack builds the function from its entry file.
	PackagingBuildpack = "stacktape-lambda-buildpack"
	// PackagingArtifact runs a folder or zip built by other tools as it is.
	PackagingArtifact = "custom-artifact"
)

var packagingTypes = typeSet{
	what: "packaging type",
	supported: map[string]func() any{
		PackagingBuildpack: func() any { return new(BuildpackProps) },
		PackagingArtifact:  func() any { return new(ArtifactProps) },
	},
}

// BuildpackProps are the properties of a stacktape-lambda-buildpack.
type BuildpackProps struct {
	// EntryfilePath is the function's entry file, relative to the stack
	// folder: .js, .mjs, .cjs, .ts, .mts or .cts (Node.js), .py (Python) or
	// .go (a Go program run on a provided runtime).
	EntryfilePath string `yaml:"entryfilePath" verge:"required"`
	// HandlerFunction is the exported function to call. Default: handler,
	// else the default export (Node.js); handler (Python); unused for Go.
	HandlerFunction string `yaml:"handlerFunction"`
}

// ArtifactProps are the properties of a custom-artifact.
type ArtifactProps struct {
	// PackagePath is a folder or a .zip file holding the function's code as
	// Lambda would unpack it, relative to the stack folder.
	PackagePath string `yaml:"packagePath" verge:"required"`
	// Handler is Lambda's handler string: "file.function" for Node.js and
	// Python ("index.handler" calls handler of index.js or index.py); any
	// name for a provided runtime, whose bootstrap reads it.
	Handler string `yaml:"handler" verge:"required"`
}

// FunctionProps are the properties of a function (a regional Lambda
// function: run in a sandbox, invoked through the Lambda API).
type FunctionProps struct {
	// Packaging says how the function's code is built.
	Packaging *Packaging `yaml:"packaging" verge:"required"`
	// Runtime is a Lambda runtime identifier (nodejs18.x to nodejs24.x,
	// python3.9 to python3.13, provided.al2, provided.al2023). Default: the
	// one the entry file's extension implies, chosen when the function is
	// built. A custom-artifact needs one.
	Runtime *string `yaml:"runtime"`
	// Memory in MB, 128 to 10240. Default 1024.
	Memory *int `yaml:"memory"`
	// Timeout in seconds, 1 to 900. Default 10.
	Timeout *int `yaml:"timeout"`
	// Environment are the function's environment variables.
	Environment []EnvironmentVar `yaml:"environment"`
	// Logging says whether and how long the function's logs are kept.
	Logging *FunctionLogging `yaml:"logging"`
	// ReservedConcurrency caps the function's concurrent invocations, 0 to
	// 1000; 0 throttles every invocation. Default: no cap of its own.
	ReservedConcurrency *int `yaml:"reservedConcurrency"`
	// ProvisionedConcurrency is the number of sandboxes kept warm, 0 to
	// 1000 and at most reservedConcurrency. Default 0.
	ProvisionedConcurrency *int `yaml:"provisionedConcurrency"`
	// Events invoke the function from other resources: http-api-gateway
	// and application-load-balancer routes, schedules, event buses, queues
	// (sqs) and topics (sns). Other event types are not supported yet.
	Events []FunctionEvent `yaml:"events"`
	// Destinations receive the outcomes of asynchronous invocations: each
	// the ARN of a function, event bus, queue or topic of the stack,
	// usually written $ResourceParam('name', 'arn').
	Destinations *Destinations `yaml:"destinations"`
	// AsyncInvocation configures the retries and the longest wait of
	// asynchronous invocations (a Verge property: Lambda's
	// EventInvokeConfig, which Stacktape does not expose).
	AsyncInvocation *AsyncInvocation `yaml:"asyncInvocation"`

	// Stacktape properties Verge does not run yet: any value is an error.

	// URL would give the function an HTTPS endpoint.
	URL Planned `yaml:"url"`
	// CDN would put a distribution in front of the function's URL.
	CDN Planned `yaml:"cdn"`
	// VolumeMounts would mount EFS volumes.
	VolumeMounts Planned `yaml:"volumeMounts"`
	// ConnectTo grants the function the basic permissions on each named
	// resource (Stacktape's; it would also pass their parameters in STP_
	// environment variables, which Verge does not yet).
	ConnectTo []string `yaml:"connectTo"`
	// IamRoleStatements grant the function IAM permissions on the AWS API.
	IamRoleStatements []IamStatement `yaml:"iamRoleStatements"`
	// AccessControl grants the function IAM permissions (older Stacktape):
	// allowAccessTo and iamRoleStatements.
	AccessControl *AccessControl `yaml:"accessControl"`

	// Stacktape properties that mean nothing on one machine: accepted with
	// a warning that says why (ignoredProperties).

	// JoinDefaultVpc would connect the function to the stack's VPC.
	JoinDefaultVpc Ignored `yaml:"joinDefaultVpc"`
	// Vpc would place the function in a VPC.
	Vpc Ignored `yaml:"vpc"`
	// Architecture is x86_64 or arm64 on AWS.
	Architecture Ignored `yaml:"architecture"`
	// Layers are Lambda layers unpacked into /opt.
	Layers Ignored `yaml:"layers"`
	// Storage is the size of /tmp.
	Storage Ignored `yaml:"storage"`
	// Deployment configures gradual (canary, linear) deployments.
	Deployment Ignored `yaml:"deployment"`
	// Alarms are CloudWatch alarms on the function's metrics.
	Alarms Ignored `yaml:"alarms"`
	// DisabledGlobalAlarms turns off alarms set for the whole stack.
	DisabledGlobalAlarms Ignored `yaml:"disabledGlobalAlarms"`
	// Tags tag the function's AWS resources.
	Tags Ignored `yaml:"tags"`
}

// AccessControl is a function's access to other resources through the AWS
// API, denied by default as on AWS.
type AccessControl struct {
	// AllowAccessTo names resources of the stack to grant Stacktape's basic
	// permissions on (connectTo in newer Stacktape).
	AllowAccessTo []string `yaml:"allowAccessTo"`
	// IamRoleStatements grant IAM permissions.
	IamRoleStatements []IamStatement `yaml:"iamRoleStatements"`
}

// IamStatement is an IAM policy statement.
type IamStatement struct {
	// Sid names the statement.
	Sid string `yaml:"Sid"`
	// Effect is Allow (the default) or Deny.
	Effect string `yaml:"Effect"`
	// Action are IAM actions, "service:Operation", with * and ? wildcards.
	Action []string `yaml:"Action" verge:"required"`
	// Resource are ARNs, with * and ? wildcards and $ResourceParam('name',
	// 'arn') directives.
	Resource []Template `yaml:"Resource" verge:"required"`
	// Condition narrows when the statement applies; Verge does not
	// evaluate it (ignoredProperties).
	Condition Ignored `yaml:"Condition"`
}

// ignoredProperties say why each Ignored property is ignored; every
// Ignored field's key has an entry (TestIgnoredPropertiesDocumented).
var ignoredProperties = map[string]string{
	"joinDefaultVpc":       "there are no VPCs locally; functions use this machine's network",
	"vpc":                  "there are no VPCs locally; functions use this machine's network",
	"architecture":         "functions run on this machine's architecture",
	"layers":               "Lambda layers are not loaded; bundle what the function imports",
	"storage":              "/tmp is not size-limited locally",
	"deployment":           "there are no gradual deployments locally; a change applies at once",
	"alarms":               "there are no CloudWatch alarms locally",
	"disabledGlobalAlarms": "there are no CloudWatch alarms locally",
	"tags":                 "there are no AWS resources to tag locally",
	"iamRoleStatements":    "edge-lambda-functions are not held to access control locally",
	"Condition":            "IAM conditions are not evaluated locally: the statement applies as if they held",
	"logForwarding":        "logs go to Verge's log, not to Kinesis Firehose",
	"connectTo":            "edge-lambda-functions are not held to access control locally",
	"customDomains":        "there is no DNS locally; the resource answers on NAME.localhost",
	"logging":              "access logs go to Verge's log",
	"interface":            "every load balancer is reachable on this machine's listener",
	"useFirewall":          "there is no web application firewall locally",
	"eventSourceName":      "there are no SaaS partner event sources locally; publish events with PutEvents",
	"archivation":          "events are not archived locally, so there is nothing to replay",
	"policyStatements":     "queue policies are not evaluated locally: a caller's own policy (allowAccessTo, iamRoleStatements) decides",
	"accessibility":        "bucket policies and public access are out of scope: every S3 request must be signed, and a function's own policy (allowAccessTo, iamRoleStatements) decides",
	"cors":                 "bucket CORS rules are not applied locally",
	"versioning":           "buckets keep one version of each object locally (the file in the folder)",
	"encryption":           "objects are kept unencrypted locally, as files in the bucket's folder",
	"lifecycleRules":       "objects never expire nor change storage class locally",
	"directoryUpload":      "the directory IS the bucket locally: use directory, whose files are the objects",
	// CloudFormation's.
	"KmsMasterKeyId":               "there is no KMS locally: messages are kept unencrypted in Verge's data folder",
	"KmsDataKeyReusePeriodSeconds": "there is no KMS locally: messages are kept unencrypted in Verge's data folder",
	"SqsManagedSseEnabled":         "messages are kept unencrypted in Verge's data folder",
	"DataProtectionPolicy":         "data protection policies are not applied locally: messages are delivered as published",
	"DeliveryStatusLogging":        "delivery status is not logged to CloudWatch locally; Verge's log shows failed deliveries",
	"TracingConfig":                "there is no X-Ray locally",
	"ArchivePolicy":                "topic messages are not archived locally, so there is nothing to replay",
	"DependsOn":                    "Verge creates the stack's resources together; references order nothing",
	"DeletionPolicy":               "a queue or topic the stack drops is deleted with its messages locally, whatever the policy",
	"UpdateReplacePolicy":          "resources are updated in place locally, never replaced",
	"DesiredShardLevelMetrics":     "there are no CloudWatch metrics locally",
	// DynamoDB tables'.
	"provisionedThroughput":            "nothing is throttled nor billed locally: a table serves every request",
	"ProvisionedThroughput":            "nothing is throttled nor billed locally: a table serves every request",
	"OnDemandThroughput":               "nothing is throttled nor billed locally: a table serves every request",
	"WarmThroughput":                   "nothing is throttled nor billed locally: a table serves every request",
	"SSESpecification":                 "there is no KMS locally: items are kept unencrypted in Verge's data folder",
	"PointInTimeRecoverySpecification": "there are no backups locally; the table is kept in Verge's data folder",
	"DeletionProtectionEnabled":        "a table the stack drops is deleted with its items locally",
	"TableClass":                       "there are no storage classes locally",
	"ContributorInsightsSpecification": "there are no CloudWatch metrics locally",
	"KinesisStreamSpecification":       "item changes are not copied to a Kinesis stream locally; read the table's own stream (streamArn)",
	"ResourcePolicy":                   "resource policies are not evaluated locally: a caller's own policy (allowAccessTo, iamRoleStatements) decides",
	"ImportSourceSpecification":        "tables start empty locally: nothing is imported from S3",
}

// rejectedProperties say why each Rejected property is an error; every
// Rejected field's key has an entry (TestRejectedPropertiesDocumented).
var rejectedProperties = map[string]string{
	"userPoolName": "Verge has no user-auth-pool resources yet: name the pool by its id with userPoolId (the issuer is https://cognito-idp.REGION.amazonaws.com/ID)",
	"environment":  "Lambda@Edge has no environment variables (only the reserved ones Lambda sets itself, such as AWS_REGION); put settings in the code",
}

// An EnvironmentVar is one environment variable of a function.
type EnvironmentVar struct {
	// Name is a letter followed by letters, digits and underscores, at
	// least two characters; not one of Lambda's reserved names.
	Name string `yaml:"name" verge:"required"`
	// Value is a string; it may hold directives.
	Value Template `yaml:"value" verge:"required"`
}

// FunctionLogging is a function's logging.
type FunctionLogging struct {
	// Disabled stores no logs. Default false.
	Disabled bool `yaml:"disabled"`
	// RetentionDays is how long log events are kept: one of CloudWatch's
	// periods (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545,
	// 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653). Default 180.
	RetentionDays *int `yaml:"retentionDays"`
	// LogForwarding would send logs to a third party; ignored, with a warning.
	LogForwarding Ignored `yaml:"logForwarding"`
}

// A Template is a string value that may hold directives, resolved when
// the stack is loaded: $Secret('name') (a value of the secrets file) and
// $ResourceParam('resource', 'param') (a parameter of another resource),
// alone or inside a longer string ("prefix-$Secret('key')").
type Template string

// Planned is a property Verge knows from Stacktape but does not support
// yet: any value is an error that says so.
type Planned struct {
	// written records that the key was present. It also gives the type a
	// size, so that two such fields never share an address, which keys
	// the decoder's positions.
	written bool
}

// Ignored is a property that has no meaning locally: any value is
// accepted, with a warning that says why it is ignored.
type Ignored struct {
	written bool // as Planned's
}

// Rejected is a property that the AWS service Verge reproduces does not
// have, though a similar resource does: any value is an error that says
// why. It is not listed among a type's allowed properties.
type Rejected struct {
	written bool // as Planned's
}

// KeyValueStoreProps are the properties of a key-value-store (a CloudFront
// KeyValueStore read by cdn-functions).
type KeyValueStoreProps struct {
	// DataFile is a JSON file with the store's data, relative to the stack
	// folder: CloudFront's import format or a plain object. Exactly one of
	// dataFile and data.
	DataFile string `yaml:"dataFile"`
	// Data is the store's data written inline: keys to string values.
	Data map[string]string `yaml:"data"`
}
