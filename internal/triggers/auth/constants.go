package auth

import "time"

// Identity source prefixes (API Gateway's selection expressions).
const (
	srcHeader  = "$request.header."
	srcQuery   = "$request.querystring."
	srcContext = "$context."
	srcStage   = "$stageVariables."
)

// defaultJWTSource is where a JWT authorizer reads its token by default.
const defaultJWTSource = "$request.header.Authorization"

// bearerPrefix is optional before a JWT, as API Gateway accepts.
const bearerPrefix = "bearer "

// discoveryPath is appended to the issuer for OpenID discovery.
const discoveryPath = "/.well-known/openid-configuration"

// refetchInterval bounds how often an unknown kid refetches the key set.
const refetchInterval = 10 * time.Second

// maxFetchBytes bounds a JWKS or discovery document.
const maxFetchBytes = 1 << 20

// Lambda authorizer event fields.
const (
	payloadV2    = "2.0"
	eventType    = "REQUEST"
	defaultStage = "$default"
)

// IAM policy vocabulary.
const (
	effectAllow  = "allow"
	effectDeny   = "deny"
	invokeAction = "execute-api:Invoke"
)

// Failure bodies API Gateway answers with.
const (
	msgUnauthorized = "Unauthorized"
	msgForbidden    = "Forbidden"
	msgInternal     = "Internal Server Error"
)

// JWT failure descriptions for the WWW-Authenticate header.
const (
	descExpired   = "the token has expired"
	descNotYet    = "the token is not valid yet"
	descIssuedAt  = "the token has an invalid iat"
	descAudience  = "the token does not have a valid audience"
	descIssuer    = "the token does not have a valid issuer"
	descSignature = "the token has an invalid signature"
	descKid       = "the token has an unknown kid"
	descMalformed = "the token is malformed"
)
