package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Invoke calls a function synchronously with payload and returns its
// result; functionError is non-empty when the function failed (the
// X-Amz-Function-Error value), err when it could not be invoked at all.
type Invoke func(ctx context.Context, function string, payload []byte) (result []byte, functionError string, err error)

// Decision is an authorizer's verdict on one request.
type Decision struct {
	// Status is 0 when the request is allowed; else 401, 403 or 500 (the
	// authorizer failed) as API Gateway answers.
	Status int
	// Body and Header are the answer to send when denied.
	Body   []byte
	Header http.Header
	// V2 is requestContext.authorizer for payload format 2.0 when allowed.
	V2 map[string]any
	// V1 is requestContext.authorizer for payload format 1.0 when allowed.
	V1 map[string]any
}

// Allowed reports whether the request may go on to the integration.
func (d Decision) Allowed() bool { return d.Status == 0 }

// Authorizer decides requests for the routes it protects. It is safe for
// concurrent use.
type Authorizer struct {
	jwt    *jwtVerifier
	lambda *lambdaAuthorizer
}

// New builds an authorizer from cfg. JWT keys are fetched lazily and
// cached (see JWKSSource). client is used for fetching (nil:
// http.DefaultClient); invoke calls Lambda authorizers.
func New(cfg *Config, invoke Invoke, client *http.Client) (*Authorizer, error) {
	switch {
	case cfg == nil || cfg.JWT == nil && cfg.Lambda == nil:
		return nil, errors.New("auth: no authorizer configuration")
	case cfg.JWT != nil && cfg.Lambda != nil:
		return nil, errors.New("auth: an authorizer is either JWT or Lambda, not both")
	}
	if client == nil {
		client = http.DefaultClient
	}
	a := &Authorizer{}
	if cfg.JWT != nil {
		v, err := newJWTVerifier(cfg.JWT, client)
		if err != nil {
			return nil, err
		}
		a.jwt = v
		return a, nil
	}
	l := cfg.Lambda
	if l.Function == "" || invoke == nil {
		return nil, errors.New("auth: lambda authorizer needs a function and an Invoke")
	}
	if l.Response != ResponseSimple && l.Response != ResponseIAM {
		return nil, fmt.Errorf("auth: unknown lambda authorizer response type %d", l.Response)
	}
	a.lambda = newLambdaAuthorizer(l, invoke)
	return a, nil
}

// Authorize decides for one request. A zero r.Time is taken as now: tokens
// are checked and cached verdicts expire by it.
func (a *Authorizer) Authorize(ctx context.Context, r *Request) Decision {
	if r.Time.IsZero() {
		rc := *r
		rc.Time = time.Now()
		r = &rc
	}
	if a.jwt != nil {
		return a.jwt.authorize(ctx, r)
	}
	return a.lambda.authorize(ctx, r)
}

// deny is a failure Decision with API Gateway's {"message":…} body.
func deny(status int, message string) Decision {
	body, _ := json.Marshal(map[string]string{"message": message})
	return Decision{
		Status: status,
		Body:   body,
		Header: http.Header{"Content-Type": {"application/json"}},
	}
}

func unauthorized() Decision { return deny(http.StatusUnauthorized, msgUnauthorized) }
func forbidden() Decision    { return deny(http.StatusForbidden, msgForbidden) }
func internalError() Decision {
	return deny(http.StatusInternalServerError, msgInternal)
}
