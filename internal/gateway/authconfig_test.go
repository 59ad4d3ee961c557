package gateway

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/verge-edge/verge/internal/stack"
	"github.com/verge-edge/verge/internal/triggers/auth"
)

func TestAuthConfig(t *testing.T) {
	header := "$request.header.Authorization"
	cases := []struct {
		name string
		in   stack.RouteAuthorizer
		want *auth.Config // nil: an error
	}{
		{"jwt from a file",
			stack.RouteAuthorizer{Type: stack.AuthorizerJWT, Issuer: "https://issuer.test", Audience: []string{"a", "b"}, JWKSFile: "/s/keys.json", IdentitySources: []string{header}},
			&auth.Config{JWT: &auth.JWTConfig{Issuer: "https://issuer.test", Audience: []string{"a", "b"}, JWKS: auth.JWKSSource{File: "/s/keys.json"}, IdentitySource: header}}},
		{"jwt from a URL, token in the query",
			stack.RouteAuthorizer{Type: stack.AuthorizerJWT, Issuer: "http://127.0.0.1:9000/realm", Audience: []string{"api"}, JWKSURL: "http://127.0.0.1:9000/realm/certs", IdentitySources: []string{"$request.querystring.token"}},
			&auth.Config{JWT: &auth.JWTConfig{Issuer: "http://127.0.0.1:9000/realm", Audience: []string{"api"}, JWKS: auth.JWKSSource{URL: "http://127.0.0.1:9000/realm/certs"}, IdentitySource: "$request.querystring.token"}}},
		{"jwt by discovery, default source",
			stack.RouteAuthorizer{Type: stack.AuthorizerJWT, Issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xyZ", Audience: []string{"c"}},
			&auth.Config{JWT: &auth.JWTConfig{Issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xyZ", Audience: []string{"c"}}}},
		{"jwt with two sources",
			stack.RouteAuthorizer{Type: stack.AuthorizerJWT, Issuer: "https://issuer.test", IdentitySources: []string{header, "$request.header.X"}},
			nil},
		{"lambda simple",
			stack.RouteAuthorizer{Type: stack.AuthorizerLambda, Function: "authz", IdentitySources: []string{header}},
			&auth.Config{Lambda: &auth.LambdaConfig{Function: "authz", IdentitySources: []string{header}, Response: auth.ResponseSimple}}},
		{"lambda IAM, cached",
			stack.RouteAuthorizer{Type: stack.AuthorizerLambda, Function: "authz", IdentitySources: []string{header}, IAMResponse: true, CacheSeconds: 300},
			&auth.Config{Lambda: &auth.LambdaConfig{Function: "authz", IdentitySources: []string{header}, Response: auth.ResponseIAM, CacheTTL: 5 * time.Minute}}},
		{"unknown type", stack.RouteAuthorizer{Type: "cognito"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := authConfig(&tc.in)
			if tc.want == nil {
				if err == nil {
					t.Fatalf("no error, got %+v", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("config (-want +got):\n%s", d)
			}
		})
	}
}
