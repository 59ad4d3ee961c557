package auth

import "time"

// Config is one route's authorizer: exactly one of JWT and Lambda is set.
// The caller (the gateway) translates its own plan into it.
type Config struct {
	// JWT is an authorizer checking a bearer token's signature and claims.
	JWT *JWTConfig
	// Lambda is an authorizer asking a function.
	Lambda *LambdaConfig
}

// JWTConfig is a JWT authorizer. A Cognito user pool authorizer is one
// whose Issuer is the pool's (https://cognito-idp.REGION.amazonaws.com/ID).
type JWTConfig struct {
	// Issuer is the iss a token must carry; with no JWKS.File or JWKS.URL
	// the keys are found by OpenID discovery from it.
	Issuer string
	// Audience are the aud (or, without aud, client_id) values accepted.
	Audience []string
	// JWKS is where the signing keys are.
	JWKS JWKSSource
	// IdentitySource is where the token is read; "" for
	// $request.header.Authorization.
	IdentitySource string
}

// JWKSSource says where a JWT authorizer's key set is: File, else URL,
// else (both "") the issuer's OpenID discovery document. Keys are loaded
// on the first request and reloaded on an unknown kid, at most every 10 s.
type JWKSSource struct {
	// File is the path of a key set file.
	File string
	// URL is where the key set is fetched.
	URL string
}

// LambdaConfig is a Lambda authorizer: a function answers for each request
// (payload format 2.0 REQUEST event).
type LambdaConfig struct {
	// Function is the authorizing function's name, as Invoke takes it.
	Function string
	// IdentitySources are where the identity is read
	// ("$request.header.Authorization"). When one is missing the request is
	// refused (401) without calling the function. They are the cache key.
	IdentitySources []string
	// Response is the shape of the function's answer.
	Response ResponseType
	// CacheTTL is how long a verdict is reused for the same identity; 0 (or
	// no IdentitySources) for none.
	CacheTTL time.Duration
}

// ResponseType is how a Lambda authorizer answers.
type ResponseType int

const (
	// ResponseSimple is {"isAuthorized": bool, "context": {…}}.
	ResponseSimple ResponseType = iota
	// ResponseIAM is an IAM policy allowing or denying execute-api:Invoke.
	ResponseIAM
)
