package stack

// The schema of the HTTP front doors (http-api-gateway,
// application-load-balancer) and of the function events that route to
// them. Same rules as schema.go: every field documented, keys are the yaml
// tags.

// HTTPAPIGatewayProps are the properties of an http-api-gateway (an API
// Gateway HTTP API): routes to functions, declared by the functions'
// events.
type HTTPAPIGatewayProps struct {
	// CORS answers preflight requests and adds CORS headers to responses.
	CORS *CORS `yaml:"cors"`
	// CDN puts a distribution in front of the gateway, so that its cache
	// and edge functions apply.
	CDN *GatewayCDN `yaml:"cdn"`
	// Listen is a Verge property: an address ("127.0.0.1:8081") where the
	// gateway answers too, besides NAME.localhost on the main listener.
	Listen string `yaml:"listen"`

	// Stacktape properties that mean nothing on one machine: accepted with
	// a warning that says why (ignoredProperties).

	// CustomDomains attach DNS names to the gateway.
	CustomDomains Ignored `yaml:"customDomains"`
	// Logging configures the gateway's access logs.
	Logging Ignored `yaml:"logging"`
	// Alarms are CloudWatch alarms on the gateway's metrics.
	Alarms Ignored `yaml:"alarms"`
	// DisabledGlobalAlarms turns off alarms set for the whole stack.
	DisabledGlobalAlarms Ignored `yaml:"disabledGlobalAlarms"`
}

// CORS is an HTTP API's CORS configuration, as Stacktape writes it.
type CORS struct {
	// Enabled turns CORS on; without it the other settings are still
	// checked but no CORS header is sent.
	Enabled bool `yaml:"enabled"`
	// AllowedOrigins are the origins allowed ("https://example.com"), or
	// "*". Default ["*"].
	AllowedOrigins []string `yaml:"allowedOrigins"`
	// AllowedHeaders are the request headers allowed, or "*". Default:
	// Content-Type, X-Amz-Date, Authorization, X-Api-Key,
	// X-Amz-Security-Token and X-Amz-User-Agent.
	AllowedHeaders []string `yaml:"allowedHeaders"`
	// AllowedMethods are the methods allowed, or "*". Default: the methods
	// of the gateway's routes ("*" when a route takes any method).
	AllowedMethods []string `yaml:"allowedMethods"`
	// AllowCredentials lets responses be read when the request carries
	// credentials. Not allowed with the origin "*". Default false.
	AllowCredentials bool `yaml:"allowCredentials"`
	// ExposedResponseHeaders are the response headers scripts may read.
	ExposedResponseHeaders []string `yaml:"exposedResponseHeaders"`
	// MaxAge in seconds, 0 to 86400, is how long browsers cache a
	// preflight answer. Default: none sent.
	MaxAge *int `yaml:"maxAge"`
}

// GatewayCDN configures the distribution in front of an http-api-gateway
// or an application-load-balancer. The resource's NAME.localhost is then
// the distribution's; the functions are reached through it.
type GatewayCDN struct {
	// Enabled creates the distribution; without it the settings are still
	// checked but the resource answers directly.
	Enabled bool `yaml:"enabled"`
	// CachingOptions is the cache policy of the default behaviour. Default:
	// caching disabled (CloudFront's CachingDisabled, recommended for APIs),
	// so every request reaches the functions with all its query string,
	// headers and cookies.
	CachingOptions *CachingOptions `yaml:"cachingOptions"`
	// Compress enables gzip and brotli for compressible types. Default true.
	Compress *bool `yaml:"compress"`
	// RouteRewrites send matching paths elsewhere, first match wins, before
	// the default behaviour.
	RouteRewrites []RouteRewrite `yaml:"routeRewrites"`
	// EdgeFunctions are the functions of the default behaviour.
	EdgeFunctions *EdgeFunctions `yaml:"edgeFunctions"`
}

// LoadBalancerProps are the properties of an application-load-balancer:
// rules to functions, declared by the functions' events.
type LoadBalancerProps struct {
	// Listeners would set the balancer's ports and protocols; not supported
	// yet: the balancer answers on NAME.localhost (and on listen).
	Listeners Planned `yaml:"listeners"`
	// CDN puts a distribution in front of the balancer, so that its cache
	// and edge functions apply.
	CDN *GatewayCDN `yaml:"cdn"`
	// Listen is a Verge property: an address ("127.0.0.1:8082") where the
	// balancer answers too, besides NAME.localhost on the main listener.
	Listen string `yaml:"listen"`

	// Stacktape properties that mean nothing on one machine: accepted with
	// a warning that says why (ignoredProperties).

	// Interface is internet or internal on AWS.
	Interface Ignored `yaml:"interface"`
	// CustomDomains attach DNS names to the balancer.
	CustomDomains Ignored `yaml:"customDomains"`
	// UseFirewall attaches a web application firewall.
	UseFirewall Ignored `yaml:"useFirewall"`
	// Alarms are CloudWatch alarms on the balancer's metrics.
	Alarms Ignored `yaml:"alarms"`
	// DisabledGlobalAlarms turns off alarms set for the whole stack.
	DisabledGlobalAlarms Ignored `yaml:"disabledGlobalAlarms"`
}

// A FunctionEvent is one entry of a function's events: a type and its
// properties.
type FunctionEvent struct {
	// Type is http-api-gateway, application-load-balancer, schedule,
	// event-bus, sqs, sns, s3, kinesis-stream, dynamo-db-stream or
	// cloudwatch-log.
	Type string `yaml:"type" verge:"required"`
	// Properties depend on Type (*HTTPAPIEventProps,
	// *LoadBalancerEventProps, *ScheduleEventProps, *EventBusEventProps,
	// *SQSEventProps, *SNSEventProps, *S3EventProps, *KinesisEventProps,
	// *DynamoDBEventProps, *CloudwatchLogEventProps).
	// Nil when Type is not supported.
	Properties any `yaml:"properties"`
}

// The function event types.
const (
	EventHTTPAPIGateway = TypeHTTPAPIGateway
	EventLoadBalancer   = TypeLoadBalancer
	EventSchedule       = "schedule"
	EventEventBus       = TypeEventBus
	EventSQS            = "sqs"
	EventSNS            = "sns"
	EventS3             = "s3"
	EventKinesis        = TypeKinesisStream
	EventDynamoDB       = "dynamo-db-stream"
	EventCloudwatchLog  = "cloudwatch-log"
	EventKafka          = "kafka-topic"
)

var eventTypes = typeSet{
	what: "event type",
	supported: map[string]func() any{
		EventHTTPAPIGateway: func() any { return new(HTTPAPIEventProps) },
		EventLoadBalancer:   func() any { return new(LoadBalancerEventProps) },
		EventSchedule:       func() any { return new(ScheduleEventProps) },
		EventEventBus:       func() any { return new(EventBusEventProps) },
		EventSQS:            func() any { return new(SQSEventProps) },
		EventSNS:            func() any { return new(SNSEventProps) },
		EventS3:             func() any { return new(S3EventProps) },
		EventKinesis:        func() any { return new(KinesisEventProps) },
		EventDynamoDB:       func() any { return new(DynamoDBEventProps) },
		EventCloudwatchLog:  func() any { return new(CloudwatchLogEventProps) },
		EventKafka:          func() any { return new(KafkaEventProps) },
	},
	// Stacktape's other integrations: issue #6.
	planned: []string{
		"cloudwatch-alarm", "iot", "user-auth-pool",
	},
}

// HTTPAPIEventProps route requests of an http-api-gateway to the function.
type HTTPAPIEventProps struct {
	// HTTPAPIGatewayName is the name of an http-api-gateway resource.
	HTTPAPIGatewayName string `yaml:"httpApiGatewayName" verge:"required"`
	// Path is the route's path: "/users/{id}" with a {param} per segment
	// at most, an optional greedy "{proxy+}" last, or "$default", which
	// catches what no other route matches.
	Path string `yaml:"path" verge:"required"`
	// Method is GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS, or "*"
	// (also written ANY) for any method.
	Method string `yaml:"method" verge:"required"`
	// Authorizer checks requests before the function runs.
	Authorizer *Authorizer `yaml:"authorizer"`
	// PayloadFormat is the event's format, "1.0" or "2.0". Default "2.0".
	PayloadFormat *string `yaml:"payloadFormat"`
}

// An Authorizer is a route's authorizer: a type and its properties.
type Authorizer struct {
	// Type is jwt or lambda.
	Type string `yaml:"type" verge:"required"`
	// Properties depend on Type (*JWTAuthorizerProps,
	// *LambdaAuthorizerProps). Nil when Type is not supported.
	Properties any `yaml:"properties"`
}

// The authorizer types. A cognito authorizer is planned as a jwt one.
const (
	AuthorizerJWT     = "jwt"
	AuthorizerLambda  = "lambda"
	AuthorizerCognito = "cognito"
)

var authorizerTypes = typeSet{
	what: "authorizer type",
	supported: map[string]func() any{
		AuthorizerJWT:     func() any { return new(JWTAuthorizerProps) },
		AuthorizerLambda:  func() any { return new(LambdaAuthorizerProps) },
		AuthorizerCognito: func() any { return new(CognitoAuthorizerProps) },
	},
}

// JWTAuthorizerProps configure a JWT authorizer, as API Gateway's: the
// token's signature, issuer, audience and lifetime are checked.
type JWTAuthorizerProps struct {
	// Issuer is the iss the tokens must carry, an http(s) URL.
	Issuer string `yaml:"issuer" verge:"required"`
	// Audience are the aud (or client_id) values accepted, at least one.
	Audience []string `yaml:"audience" verge:"required"`
	// JwksURL is where the signing keys are fetched, an http(s) URL. At
	// most one of jwksUrl and jwksFile; with neither, the issuer's OpenID
	// discovery document names the keys, as on AWS.
	JwksURL string `yaml:"jwksUrl"`
	// JwksFile is a JSON Web Key Set file, relative to the stack folder.
	JwksFile string `yaml:"jwksFile"`
	// IdentitySources say where the token is, one source. Default
	// ["$request.header.Authorization"].
	IdentitySources []string `yaml:"identitySources"`
}

// CognitoAuthorizerProps configure a Cognito user pool authorizer: a JWT
// authorizer whose issuer is the pool's. Stacktape names a user-auth-pool
// resource, which Verge does not have; here the pool is named by its id.
type CognitoAuthorizerProps struct {
	// UserPoolID is the pool's id, REGION_ID ("us-east-1_AbC123xyZ"); the
	// issuer is https://cognito-idp.REGION.amazonaws.com/ID.
	UserPoolID string `yaml:"userPoolId" verge:"required"`
	// Audience are the app client ids accepted, at least one.
	Audience []string `yaml:"audience" verge:"required"`
	// JwksURL overrides where the keys are fetched (default: the pool's
	// OpenID discovery document), an http(s) URL.
	JwksURL string `yaml:"jwksUrl"`
	// JwksFile is a JSON Web Key Set file, relative to the stack folder,
	// for working offline. At most one of jwksUrl and jwksFile.
	JwksFile string `yaml:"jwksFile"`
	// IdentitySources say where the token is, one source. Default
	// ["$request.header.Authorization"].
	IdentitySources []string `yaml:"identitySources"`
	// UserPoolName is Stacktape's way, naming a user-auth-pool resource,
	// which Verge does not have: an error that says to use userPoolId.
	UserPoolName Rejected `yaml:"userPoolName"`
}

// LambdaAuthorizerProps configure a Lambda authorizer: a function that
// decides.
type LambdaAuthorizerProps struct {
	// FunctionName is the name of the function resource that authorizes.
	FunctionName string `yaml:"functionName" verge:"required"`
	// IamResponse makes the authorizer answer with an IAM policy rather
	// than {isAuthorized, context}. Default false.
	IamResponse bool `yaml:"iamResponse"`
	// IdentitySources are the request parts the authorizer needs
	// ($request.header.NAME, $request.querystring.NAME, $context.NAME,
	// $stageVariables.NAME); a request missing one gets 401 without the
	// authorizer being called. They are also the cache key.
	IdentitySources []string `yaml:"identitySources"`
	// CacheResultSeconds caches a decision by identity, 0 to 3600; it
	// needs identitySources. Default 0: no caching.
	CacheResultSeconds *int `yaml:"cacheResultSeconds"`
}

// LoadBalancerEventProps route requests of an application-load-balancer
// to the function: a rule whose conditions must all match, at least one
// condition per rule.
type LoadBalancerEventProps struct {
	// LoadBalancerName is the name of an application-load-balancer resource.
	LoadBalancerName string `yaml:"loadBalancerName" verge:"required"`
	// Priority orders the balancer's rules, lowest first, 1 to 50000;
	// unique per balancer.
	Priority int `yaml:"priority" verge:"required"`
	// ListenerPort would pick one of the balancer's listeners; not
	// supported yet.
	ListenerPort Planned `yaml:"listenerPort"`
	// Paths are path patterns, any of which matches: "*" matches any run
	// of characters and "?" one character; case-sensitive.
	Paths []string `yaml:"paths"`
	// Methods are request methods, any of which matches; case-sensitive.
	Methods []string `yaml:"methods"`
	// Hosts are host name patterns, any of which matches, with "*" and "?".
	Hosts []string `yaml:"hosts"`
	// Headers each match when the header has one of the values.
	Headers []LoadBalancerHeader `yaml:"headers"`
	// QueryParams each match when the query parameter has one of the values.
	QueryParams []LoadBalancerQueryParam `yaml:"queryParams"`
	// SourceIps are CIDR blocks, any of which holds the client's address.
	SourceIps []string `yaml:"sourceIps"`
	// MultiValueHeaders is a Verge property, the target group's
	// lambda.multi_value_headers.enabled attribute: the event carries
	// multiValueHeaders and multiValueQueryStringParameters, and the
	// function answers with multiValueHeaders. Default false.
	MultiValueHeaders bool `yaml:"multiValueHeaders"`
}

// A LoadBalancerHeader is a header condition of a rule.
type LoadBalancerHeader struct {
	// HeaderName is the header's name.
	HeaderName string `yaml:"headerName" verge:"required"`
	// Values are patterns, with "*" and "?", any of which matches;
	// case-insensitive.
	Values []string `yaml:"values" verge:"required"`
}

// A LoadBalancerQueryParam is a query parameter condition of a rule.
type LoadBalancerQueryParam struct {
	// ParamName is the query parameter's name.
	ParamName string `yaml:"paramName" verge:"required"`
	// Values are patterns, with "*" and "?", any of which matches;
	// case-insensitive.
	Values []string `yaml:"values" verge:"required"`
}

func (e *FunctionEvent) newProperties(d *decoder) (any, string) {
	p, ok := d.pos(&e.Type)
	if !ok {
		return nil, ""
	}
	return eventTypes.newProperties(d, e.Type, p), "properties of event " + e.Type
}

func (a *Authorizer) newProperties(d *decoder) (any, string) {
	p, ok := d.pos(&a.Type)
	if !ok {
		return nil, ""
	}
	return authorizerTypes.newProperties(d, a.Type, p), "properties of authorizer " + a.Type
}

// Interface guards.
var (
	_ typed = (*FunctionEvent)(nil)
	_ typed = (*Authorizer)(nil)
)
