package stack

import (
	"slices"

	"github.com/verge-edge/verge/internal/iam"
)

// A Plan is a stack file decoded, defaulted, validated and resolved: what the
// edge runs. It holds no references by name that could dangle, only absolute
// paths and parsed URLs. Plans are compared in golden tests as JSON, so every
// field has a stable json tag.
type Plan struct {
	// Dir is the absolute stack folder; relative paths were resolved against it.
	Dir string `json:"-"`
	// File is the absolute path of the stack file.
	File string `json:"-"`
	// Distributions are the CDNs, sorted by name.
	Distributions []Distribution `json:"distributions"`
	// CDNFunctions are the cdn-function resources by name: what the edge
	// needs to compile and run them.
	CDNFunctions map[string]*CDNFunction `json:"cdnFunctions,omitempty"`
	// Functions are the function resources by name.
	Functions map[string]*Function `json:"functions,omitempty"`
	// Grantable are the resources a function's allowAccessTo can name, for
	// the hint a denied call prints.
	Grantable []iam.Resource `json:"-"`
	// EdgeLambdaFunctions are the edge-lambda-function resources by name,
	// including those no distribution uses yet.
	EdgeLambdaFunctions map[string]*EdgeLambdaFunction `json:"edgeLambdaFunctions,omitempty"`
	// HTTPAPIGateways are the http-api-gateway resources, sorted by name.
	HTTPAPIGateways []HTTPAPIGateway `json:"httpApiGateways,omitempty"`
	// LoadBalancers are the application-load-balancer resources, sorted by
	// name.
	LoadBalancers []LoadBalancer `json:"loadBalancers,omitempty"`
	// EventBuses are the event-bus resources, sorted by name; the default
	// bus (DefaultEventBus) always exists and is not listed.
	EventBuses []EventBus `json:"eventBuses,omitempty"`
	// Schedules are the functions' schedule events, sorted by function,
	// then index.
	Schedules []Schedule `json:"schedules,omitempty"`
	// BusRules are the functions' event-bus events, sorted by function,
	// then index.
	BusRules []BusRule `json:"busRules,omitempty"`
	// Queues are the sqs-queue resources and the cloudformationResources
	// queues, sorted by Name.
	Queues []Queue `json:"queues,omitempty"`
	// Topics are the sns-topic resources and the cloudformationResources
	// topics, sorted by Name.
	Topics []Topic `json:"topics,omitempty"`
	// QueueTriggers are the functions' sqs events, sorted by function,
	// then index.
	QueueTriggers []QueueTrigger `json:"queueTriggers,omitempty"`
	// TopicSubscriptions are the functions' sns events and the
	// subscriptions of cloudformationResources, sorted by function, then
	// index.
	TopicSubscriptions []TopicSubscription `json:"topicSubscriptions,omitempty"`
	// Buckets are the bucket resources and the cloudformationResources
	// buckets, sorted by name.
	Buckets []Bucket `json:"buckets,omitempty"`
	// BucketNotifications are the functions' s3 events, sorted by
	// function, then index, then the notifications of
	// cloudformationResources buckets, by logical id, then index.
	BucketNotifications []BucketNotification `json:"bucketNotifications,omitempty"`
	// Streams are the kinesis-stream resources and the
	// cloudformationResources streams, sorted by name.
	Streams []Stream `json:"streams,omitempty"`
	// StreamTriggers are the functions' kinesis-stream and
	// dynamo-db-stream events, sorted by function, then index.
	StreamTriggers []StreamTrigger `json:"streamTriggers,omitempty"`
	// Tables are the dynamo-db-table resources and the
	// cloudformationResources tables, sorted by name. Their streams'
	// triggers are StreamTriggers of Kind TriggerDynamoDB.
	Tables []Table `json:"tables,omitempty"`
	// LogSubscriptions are the functions' cloudwatch-log events, sorted by
	// function, then index.
	LogSubscriptions []LogSubscription `json:"logSubscriptions,omitempty"`
	// KafkaTriggers are the functions' kafka-topic events, sorted by
	// function, then index.
	KafkaTriggers []KafkaTrigger `json:"kafkaTriggers,omitempty"`
	// SecretsFile is the absolute path of the secrets file that $Secret
	// directives read, or "" when the stack has none: a change to it
	// changes the plan.
	SecretsFile string `json:"-"`
	// Warnings are what the stack file says that Verge ignores (properties
	// with no meaning locally), each "FILE:LINE:COL: message", sorted by
	// position. They do not stop the stack from loading; show them.
	Warnings []string `json:"warnings,omitempty"`
}

// A CDNFunction is a CloudFront-Functions-style JavaScript function.
type CDNFunction struct {
	// Name is the resource name.
	Name string `json:"name"`
	// EntryFile is the absolute path of the function's source. In golden
	// files it is written relative to the stack folder.
	EntryFile string `json:"entryFile"`
	// Runtime is cloudfront-js-1.0 or cloudfront-js-2.0.
	Runtime string `json:"runtime"`
	// KeyValueStore is the store the function reads, or nil.
	KeyValueStore *KeyValueStore `json:"keyValueStore,omitempty"`
}

// A KeyValueStore is a key-value-store resource.
type KeyValueStore struct {
	// Name is the resource name.
	Name string `json:"name"`
	// DataFile is the absolute path of its JSON data, or "" when the data
	// is inline. In golden files it is written relative to the stack folder.
	DataFile string `json:"dataFile,omitempty"`
	// Data is the inline data, when there is no DataFile.
	Data map[string]string `json:"data,omitempty"`
}

// A Distribution is one CDN: a bucket resource with cdn.enabled.
type Distribution struct {
	// Name is the resource name; with several distributions it answers on NAME.localhost.
	Name string `json:"name"`
	// IndexDocument is served for a path ending in "/" ("index.html"); empty for none.
	IndexDocument string `json:"indexDocument,omitempty"`
	// ErrorDocument is the bucket path ("/404.html") served with status 404 when
	// the bucket has no object for a path; empty for the plain error page.
	ErrorDocument string `json:"errorDocument,omitempty"`
	// SinglePageApp serves IndexDocument with status 200 for paths the bucket lacks.
	SinglePageApp bool `json:"singlePageApp,omitempty"`
	// Compress enables gzip and brotli for compressible types (default true).
	Compress bool `json:"compress"`
	// Behaviors in match order: every route rewrite, then the default ("*").
	Behaviors []Behavior `json:"behaviors"`
}

// A Behavior is a cache behaviour: a path pattern with its origin, cache policy
// and functions.
type Behavior struct {
	// PathPattern is CloudFront-style: "*" any run of characters, "?" one
	// character, always matched against a path that starts with "/".
	PathPattern string `json:"pathPattern"`
	// Origin is where misses go.
	Origin Origin `json:"origin"`
	// Cache is the cache policy: TTLs and the cache key.
	Cache CachePolicy `json:"cache"`
	// Functions are the functions associated with the four trigger points.
	Functions Functions `json:"functions"`
}

// OriginKind names the kind of an Origin.
type OriginKind string

// The origin kinds.
const (
	OriginBucket OriginKind = "bucket" // a local folder
	OriginHTTP   OriginKind = "http"   // an HTTP(S) server (custom-origin)
	OriginGroup  OriginKind = "group"  // a primary and a secondary with failover
	// OriginGateway is an http-api-gateway or application-load-balancer of
	// the stack, reached in process.
	OriginGateway OriginKind = "gateway"
)

// An Origin is exactly one of Bucket, HTTP, Group or Gateway, as Kind says.
type Origin struct {
	Kind    OriginKind     `json:"kind"`
	Bucket  *BucketOrigin  `json:"bucket,omitempty"`
	HTTP    *HTTPOrigin    `json:"http,omitempty"`
	Group   *GroupOrigin   `json:"group,omitempty"`
	Gateway *GatewayOrigin `json:"gateway,omitempty"`
}

// A GatewayOrigin is a front door of the stack for functions.
type GatewayOrigin struct {
	// Resource is the http-api-gateway's or application-load-balancer's name.
	Resource string `json:"resource"`
	// Type is TypeHTTPAPIGateway or TypeLoadBalancer.
	Type string `json:"type"`
}

// A BucketOrigin serves objects from a local folder.
type BucketOrigin struct {
	// Resource is the bucket resource's name.
	Resource string `json:"resource"`
	// Directory is the absolute folder holding the objects. In golden files it
	// is written relative to the stack folder.
	Directory string `json:"directory"`
}

// An HTTPOrigin is an HTTP server reached by a reverse proxy.
type HTTPOrigin struct {
	// URL is scheme://host:port with an optional path prefix, no query.
	URL string `json:"url"`
	// CustomHeaders are added to every origin request, replacing any of the same name.
	CustomHeaders []Header `json:"customHeaders,omitempty"`
	// ConnectTimeout in seconds (CloudFront: 1 to 10, default 10).
	ConnectTimeout int `json:"connectTimeout"`
	// ReadTimeout in seconds (CloudFront: 1 to 180, default 30): the longest wait
	// for the response headers and between body reads.
	ReadTimeout int `json:"readTimeout"`
}

// A Header is a name and a value.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// A GroupOrigin fails over from Primary to Secondary when the primary cannot
// be reached or answers with one of StatusCodes.
type GroupOrigin struct {
	Primary     Origin `json:"primary"`
	Secondary   Origin `json:"secondary"`
	StatusCodes []int  `json:"statusCodes"`
}

// A CachePolicy sets TTLs (in seconds) and the cache key, as CloudFront's.
type CachePolicy struct {
	// MinTTL is the least time an object stays fresh, whatever its headers say.
	MinTTL int64 `json:"minTTL"`
	// DefaultTTL applies when the origin sends no max-age, s-maxage or Expires.
	DefaultTTL int64 `json:"defaultTTL"`
	// MaxTTL caps the freshness the origin's headers ask for.
	MaxTTL int64 `json:"maxTTL"`
	// QueryStrings selects the query parameters in the key (and forwarded to the origin).
	QueryStrings KeyParts `json:"queryStrings"`
	// Headers are the request header names in the key, canonical form, sorted.
	Headers []string `json:"headers,omitempty"`
	// Cookies are the cookie names in the key, sorted.
	Cookies []string `json:"cookies,omitempty"`
}

// KeyMode says which parts of a kind go into a cache key.
type KeyMode string

// The key modes.
const (
	KeyNone      KeyMode = "none"
	KeyAll       KeyMode = "all"
	KeyAllowList KeyMode = "allowList"
)

// KeyParts is a mode with the names it allows (for KeyAllowList, sorted).
type KeyParts struct {
	Mode  KeyMode  `json:"mode"`
	Names []string `json:"names,omitempty"`
}

// Trigger is one of the four points in a request's life where a function runs.
type Trigger string

// The triggers, in the order they fire.
const (
	ViewerRequest  Trigger = "viewer-request"
	OriginRequest  Trigger = "origin-request"
	OriginResponse Trigger = "origin-response"
	ViewerResponse Trigger = "viewer-response"
)

// Functions holds the function for each trigger; nil where none.
type Functions struct {
	ViewerRequest  *FunctionRef `json:"viewerRequest,omitempty"`
	OriginRequest  *FunctionRef `json:"originRequest,omitempty"`
	OriginResponse *FunctionRef `json:"originResponse,omitempty"`
	ViewerResponse *FunctionRef `json:"viewerResponse,omitempty"`
}

// For returns the function at trigger t, or nil.
func (f *Functions) For(t Trigger) *FunctionRef {
	switch t {
	case ViewerRequest:
		return f.ViewerRequest
	case OriginRequest:
		return f.OriginRequest
	case OriginResponse:
		return f.OriginResponse
	case ViewerResponse:
		return f.ViewerResponse
	}
	return nil
}

// A FunctionRef names the function resource associated with a trigger.
type FunctionRef struct {
	// Name is the function resource's name.
	Name string `json:"name"`
	// Type is its resource type: "cdn-function" or "edge-lambda-function".
	Type string `json:"type"`
	// IncludeBody passes the request body (request triggers) to the function.
	IncludeBody bool `json:"includeBody,omitempty"`
}

// A Function is a function resource: what the runtime builds and runs.
type Function struct {
	// Name is the resource name.
	Name string `json:"name"`
	// Package says where the code comes from.
	Package Package `json:"package"`
	// Runtime is a Lambda runtime identifier ("nodejs20.x", "python3.11",
	// "provided.al2023"); "" when the stack names none and the runtime is
	// detected from the entry file when the function is built.
	Runtime string `json:"runtime,omitempty"`
	// MemoryMB is the memory limit in MB (128 to 10240).
	MemoryMB int `json:"memory"`
	// TimeoutSeconds is the longest an invocation may run (1 to 900).
	TimeoutSeconds int `json:"timeout"`
	// Environment is the user's variables, in stack order, with $Secret and
	// $ResourceParam directives already resolved.
	Environment []EnvVar `json:"environment,omitempty"`
	// Logging says whether and how long logs are kept.
	Logging Logging `json:"logging"`
	// ReservedConcurrency caps the function's concurrent sandboxes; nil for
	// no cap of its own (the account-wide limit applies). 0 throttles every
	// invocation, as on AWS.
	ReservedConcurrency *int `json:"reservedConcurrency,omitempty"`
	// ProvisionedConcurrency is the number of sandboxes kept warm.
	ProvisionedConcurrency int `json:"provisionedConcurrency,omitempty"`
	// Async is how asynchronous invocations are retried and where their
	// outcomes go.
	Async Async `json:"async"`
	// Policy is what the function may do with the AWS API: its connectTo,
	// allowAccessTo and iamRoleStatements. Empty denies everything.
	Policy iam.Policy `json:"policy,omitempty"`
}

// An EdgeLambdaFunction is an edge-lambda-function resource (Lambda@Edge):
// what the runtime builds and runs at the triggers of the distributions'
// behaviours. Its defaults and limits follow from Triggers: a viewer
// trigger holds it to Lambda@Edge's viewer limits.
type EdgeLambdaFunction struct {
	// Name is the resource name.
	Name string `json:"name"`
	// Package says where the code comes from, as for a Function.
	Package Package `json:"package"`
	// Runtime is a Lambda runtime identifier, as for a Function; "" when
	// the stack names none and the runtime is detected from the entry file
	// when the function is built.
	Runtime string `json:"runtime,omitempty"`
	// MemoryMB is the memory limit in MB: 128 to 10240, at most 128 when
	// the function runs at a viewer trigger.
	MemoryMB int `json:"memory"`
	// TimeoutSeconds is the longest an invocation may run: at most 5 at a
	// viewer trigger, else 30, which are also the defaults.
	TimeoutSeconds int `json:"timeout"`
	// MaxPackageBytes is the largest the function's compressed package may
	// be: 1 MiB when it runs at a viewer trigger, else 50 MiB, unless the
	// stack sets packageSizeLimit.
	MaxPackageBytes int64 `json:"maxPackageBytes"`
	// Triggers are the triggers the function is associated with anywhere
	// in the stack (a cdn that is not enabled included), each once, in the
	// order they fire; empty when it is associated with none.
	Triggers []Trigger `json:"triggers,omitempty"`
	// Logging says whether and how long logs are kept.
	Logging Logging `json:"logging"`
	// ProvisionedConcurrency is the number of sandboxes kept warm.
	ProvisionedConcurrency int `json:"provisionedConcurrency,omitempty"`
}

// AtViewer reports whether the function runs at a viewer trigger, where
// Lambda@Edge's tighter limits apply.
func (f *EdgeLambdaFunction) AtViewer() bool {
	return slices.ContainsFunc(f.Triggers, Trigger.Viewer)
}

// Viewer reports whether t is on the viewer side of the cache
// (viewer-request or viewer-response).
func (t Trigger) Viewer() bool { return t == ViewerRequest || t == ViewerResponse }

// A Package is where a function's code comes from.
type Package struct {
	// Type is PackagingBuildpack (an entry file built by Verge: bundled with
	// esbuild for Node.js, copied for Python, compiled for Go) or
	// PackagingArtifact (a folder or zip run as it is).
	Type string `json:"type"`
	// EntryFile is the absolute path of the entry file (buildpack). In
	// golden files it is written relative to the stack folder.
	EntryFile string `json:"entryFile,omitempty"`
	// HandlerFunction is the exported function to call (buildpack); ""
	// means "handler", else the default export.
	HandlerFunction string `json:"handlerFunction,omitempty"`
	// PackagePath is the absolute path of the folder or .zip (artifact). In
	// golden files it is written relative to the stack folder.
	PackagePath string `json:"packagePath,omitempty"`
	// Handler is Lambda's handler string, "file.function" (artifact).
	Handler string `json:"handler,omitempty"`
}

// An EnvVar is one environment variable.
type EnvVar struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Logging is a function's log settings.
type Logging struct {
	// Disabled stores no logs.
	Disabled bool `json:"disabled,omitempty"`
	// RetentionDays is how long log events are kept (Stacktape's default
	// 180, per its function reference).
	RetentionDays int `json:"retentionDays"`
}

// An HTTPAPIGateway is an http-api-gateway resource with the routes the
// functions' events declare.
type HTTPAPIGateway struct {
	// Name is the resource name; the gateway answers on NAME.localhost.
	Name string `json:"name"`
	// CORS is the CORS configuration, nil when CORS is not enabled.
	CORS *CORSConfig `json:"cors,omitempty"`
	// Routes are sorted by path, then method; the router picks the most
	// specific match, as API Gateway does.
	Routes []Route `json:"routes"`
	// CDN says a distribution of the same name is in front: NAME.localhost
	// is the distribution's.
	CDN bool `json:"cdn,omitempty"`
	// Listen is an address where the gateway answers too; "" for none.
	Listen string `json:"listen,omitempty"`
}

// A CORSConfig is a gateway's CORS configuration with the defaults
// applied; header names canonical, methods upper case.
type CORSConfig struct {
	AllowOrigins     []string `json:"allowOrigins"`
	AllowHeaders     []string `json:"allowHeaders"`
	AllowMethods     []string `json:"allowMethods"`
	AllowCredentials bool     `json:"allowCredentials,omitempty"`
	ExposeHeaders    []string `json:"exposeHeaders,omitempty"`
	// MaxAge in seconds; nil sends no Access-Control-Max-Age.
	MaxAge *int `json:"maxAge,omitempty"`
}

// MethodAny is a route's method when it takes any method.
const MethodAny = "ANY"

// RouteDefault is the path (and route key) of the catch-all route.
const RouteDefault = "$default"

// A Route is one route of an HTTP API.
type Route struct {
	// Key is the route key the event carries: "GET /users/{id}", or
	// "$default".
	Key string `json:"key"`
	// Method is upper case, or MethodAny.
	Method string `json:"method"`
	// Path is "/"-separated segments, each a literal, a {param} or, last,
	// a greedy {param+}; or RouteDefault.
	Path string `json:"path"`
	// Function is the function resource's name.
	Function string `json:"function"`
	// PayloadFormat is the event's format: "1.0" or "2.0".
	PayloadFormat string `json:"payloadFormat"`
	// Authorizer checks requests first; nil for none.
	Authorizer *RouteAuthorizer `json:"authorizer,omitempty"`
}

// A RouteAuthorizer is a route's authorizer: the fields of its Type are
// set.
type RouteAuthorizer struct {
	// Type is AuthorizerJWT or AuthorizerLambda.
	Type string `json:"type"`
	// IdentitySources are where the identity is read
	// ("$request.header.Authorization").
	IdentitySources []string `json:"identitySources,omitempty"`

	// Issuer is the iss a JWT must carry (jwt).
	Issuer string `json:"issuer,omitempty"`
	// Audience are the aud values accepted (jwt).
	Audience []string `json:"audience,omitempty"`
	// JWKSURL is where the keys are fetched (jwt); "" with no JWKSFile
	// means OpenID discovery from the issuer.
	JWKSURL string `json:"jwksUrl,omitempty"`
	// JWKSFile is the absolute path of a key set file (jwt). In golden
	// files it is written relative to the stack folder.
	JWKSFile string `json:"jwksFile,omitempty"`

	// Function is the authorizing function resource's name (lambda).
	Function string `json:"function,omitempty"`
	// IAMResponse says the function answers with an IAM policy rather than
	// the simple {isAuthorized, context} (lambda).
	IAMResponse bool `json:"iamResponse,omitempty"`
	// CacheSeconds is how long a decision is cached by identity; 0 for
	// none (lambda).
	CacheSeconds int `json:"cacheSeconds,omitempty"`
}

// A LoadBalancer is an application-load-balancer resource with the rules
// the functions' events declare.
type LoadBalancer struct {
	// Name is the resource name; the balancer answers on NAME.localhost.
	Name string `json:"name"`
	// Rules are sorted by priority, the order they are evaluated in.
	Rules []LoadBalancerRule `json:"rules"`
	// CDN says a distribution of the same name is in front: NAME.localhost
	// is the distribution's.
	CDN bool `json:"cdn,omitempty"`
	// Listen is an address where the balancer answers too; "" for none.
	Listen string `json:"listen,omitempty"`
}

// A LoadBalancerRule sends the requests that match all its conditions to
// a function. Within a condition any value matches.
type LoadBalancerRule struct {
	// Priority is unique in the balancer, 1 to 50000, lowest first.
	Priority int `json:"priority"`
	// Function is the function resource's name.
	Function string `json:"function"`
	// Paths are path patterns ("*", "?" wildcards), case-sensitive.
	Paths []string `json:"paths,omitempty"`
	// Methods are request methods, case-sensitive.
	Methods []string `json:"methods,omitempty"`
	// Hosts are host patterns ("*", "?" wildcards), lower case.
	Hosts []string `json:"hosts,omitempty"`
	// Headers match header values (patterns, case-insensitive).
	Headers []ValuesMatch `json:"headers,omitempty"`
	// QueryParams match query parameter values (patterns,
	// case-insensitive).
	QueryParams []ValuesMatch `json:"queryParams,omitempty"`
	// SourceIPs are CIDR blocks, normalised ("10.0.0.0/8").
	SourceIPs []string `json:"sourceIps,omitempty"`
	// MultiValueHeaders selects the multi-value event and response fields.
	MultiValueHeaders bool `json:"multiValueHeaders,omitempty"`
}

// A ValuesMatch is a name and the patterns any of which its value must
// match.
type ValuesMatch struct {
	Name   string   `json:"name"`
	Values []string `json:"values"`
}
