package gateway

import (
	"fmt"
	"time"

	"github.com/verge-edge/verge/internal/stack"
	"github.com/verge-edge/verge/internal/triggers/auth"
)

// authConfig translates a route's authorizer from the plan into the auth
// trigger's configuration (a Cognito authorizer is already a JWT one whose
// issuer is the user pool's).
func authConfig(ra *stack.RouteAuthorizer) (*auth.Config, error) {
	switch ra.Type {
	case stack.AuthorizerJWT:
		jc := &auth.JWTConfig{
			Issuer:   ra.Issuer,
			Audience: ra.Audience,
			JWKS:     auth.JWKSSource{File: ra.JWKSFile, URL: ra.JWKSURL},
		}
		switch len(ra.IdentitySources) {
		case 0:
		case 1:
			jc.IdentitySource = ra.IdentitySources[0]
		default:
			return nil, fmt.Errorf("a jwt authorizer takes one identity source, found %d", len(ra.IdentitySources))
		}
		return &auth.Config{JWT: jc}, nil
	case stack.AuthorizerLambda:
		lc := &auth.LambdaConfig{
			Function:        ra.Function,
			IdentitySources: ra.IdentitySources,
			Response:        auth.ResponseSimple,
			CacheTTL:        time.Duration(ra.CacheSeconds) * time.Second,
		}
		if ra.IAMResponse {
			lc.Response = auth.ResponseIAM
		}
		return &auth.Config{Lambda: lc}, nil
	}
	return nil, fmt.Errorf("unknown authorizer type %q", ra.Type)
}
