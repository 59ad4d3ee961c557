package cli

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

const authStack = `resources:
  api:
    type: http-api-gateway
  echo:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/echo.js}}
      events:
        - type: http-api-gateway
          properties:
            httpApiGatewayName: api
            path: /jwt
            method: GET
            authorizer:
              type: jwt
              properties:
                issuer: https://issuer.example
                audience: [verge]
                jwksFile: keys.json
        - type: http-api-gateway
          properties:
            httpApiGatewayName: api
            path: /cognito
            method: GET
            authorizer:
              type: cognito
              properties: {userPoolId: us-east-1_Verge1, audience: [app-client], jwksFile: keys.json}
        - type: http-api-gateway
          properties:
            httpApiGatewayName: api
            path: /lambda
            method: GET
            authorizer:
              type: lambda
              properties:
                functionName: checker
                identitySources: [$request.header.Authorization]
                cacheResultSeconds: 60
  checker:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn/checker.js}}
`

// The checker counts its invocations in its warm sandbox, so the test can
// see the decision cache at work.
const checkerJS = `let calls = 0;
exports.handler = async (event) => {
  calls++;
  return { isAuthorized: event.headers.authorization === 'letmein', context: { user: 'ann', calls } };
};
`

// TestAuthorizersEndToEnd puts a JWT authorizer (keys from a JWKS file,
// tokens signed in the test) and a Lambda authorizer (a real node function,
// its decisions cached) in front of a real function.
func TestAuthorizersEndToEnd(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	must(t, err)
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	must(t, err)
	jwks, err := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	must(t, err)
	dir := stackDir(t, authStack)
	writeFiles(t, dir, map[string]string{"fn/echo.js": gatewayFiles["fn/echo.js"], "fn/checker.js": checkerJS, "keys.json": string(jwks)})
	v := start(t, "dev", dir)
	const host = "api.localhost"

	sign := func(k *rsa.PrivateKey, claims jwt.Claims, extra map[string]any) string {
		s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: k}, (&jose.SignerOptions{}).WithHeader("kid", "k1"))
		must(t, err)
		tok, err := jwt.Signed(s).Claims(claims).Claims(extra).Serialize()
		must(t, err)
		return tok
	}
	now := time.Now()
	valid := jwt.Claims{Issuer: "https://issuer.example", Audience: jwt.Audience{"verge"}, Subject: "user-1",
		Expiry: jwt.NewNumericDate(now.Add(time.Hour)), IssuedAt: jwt.NewNumericDate(now.Add(-time.Minute))}
	expired, wrongAud := valid, valid
	expired.Expiry = jwt.NewNumericDate(now.Add(-time.Minute))
	wrongAud.Audience = jwt.Audience{"someone-else"}
	for _, c := range []struct {
		name   string
		token  string
		status int
	}{
		{"valid", sign(key, valid, map[string]any{"scope": "read write"}), 200},
		{"expired", sign(key, expired, nil), 401},
		{"wrong audience", sign(key, wrongAud, nil), 401},
		{"wrong signature", sign(other, valid, nil), 401},
		{"missing", "", 401},
		{"malformed", "not.a.token", 401},
	} {
		t.Run("jwt "+c.name, func(t *testing.T) {
			var hdr []string
			if c.token != "" {
				hdr = []string{"Authorization", "Bearer " + c.token}
			}
			resp, body := call(t, "GET", v.listen, host, "/jwt", nil, hdr...)
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.status, body)
			}
			if c.status == 401 {
				if string(body) != `{"message":"Unauthorized"}` {
					t.Errorf("body %s", body)
				}
				return
			}
			var e events.APIGatewayV2HTTPRequest
			must(t, json.Unmarshal(body, &e))
			jw := e.RequestContext.Authorizer.JWT
			if jw == nil || jw.Claims["sub"] != "user-1" || jw.Claims["iss"] != "https://issuer.example" || len(jw.Scopes) != 2 {
				t.Errorf("requestContext.authorizer = %+v", e.RequestContext.Authorizer)
			}
		})
	}

	t.Run("cognito", func(t *testing.T) {
		// A Cognito access token: the pool's issuer, client_id rather than aud.
		access := jwt.Claims{Issuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Verge1", Subject: "user-2",
			Expiry: jwt.NewNumericDate(now.Add(time.Hour))}
		resp, body := call(t, "GET", v.listen, host, "/cognito", nil, "Authorization", sign(key, access, map[string]any{"client_id": "app-client", "token_use": "access"}))
		var e events.APIGatewayV2HTTPRequest
		if resp.StatusCode != 200 || json.Unmarshal(body, &e) != nil || e.RequestContext.Authorizer.JWT.Claims["sub"] != "user-2" {
			t.Errorf("cognito token: %d %s", resp.StatusCode, body)
		}
		resp, _ = call(t, "GET", v.listen, host, "/cognito", nil, "Authorization", sign(key, valid, nil))
		if resp.StatusCode != 401 {
			t.Errorf("a token of another issuer: %d, want 401", resp.StatusCode)
		}
	})

	t.Run("lambda authorizer", func(t *testing.T) {
		calls := func(body []byte) float64 {
			var e events.APIGatewayV2HTTPRequest
			must(t, json.Unmarshal(body, &e))
			if e.RequestContext.Authorizer == nil || e.RequestContext.Authorizer.Lambda["user"] != "ann" {
				t.Fatalf("requestContext.authorizer = %+v", e.RequestContext.Authorizer)
			}
			n, _ := e.RequestContext.Authorizer.Lambda["calls"].(float64)
			return n
		}
		resp, body := call(t, "GET", v.listen, host, "/lambda", nil, "Authorization", "letmein")
		if resp.StatusCode != 200 {
			t.Fatalf("allowed: %d %s", resp.StatusCode, body)
		}
		first := calls(body)
		_, body = call(t, "GET", v.listen, host, "/lambda", nil, "Authorization", "letmein")
		if again := calls(body); again != first {
			t.Errorf("second request ran the authorizer again (calls %v then %v): the decision is not cached", first, again)
		}
		resp, body = call(t, "GET", v.listen, host, "/lambda", nil, "Authorization", "wrong")
		if resp.StatusCode != 403 || string(body) != `{"message":"Forbidden"}` {
			t.Errorf("denied: %d %s", resp.StatusCode, body)
		}
		resp, body = call(t, "GET", v.listen, host, "/lambda", nil)
		if resp.StatusCode != 401 || string(body) != `{"message":"Unauthorized"}` {
			t.Errorf("no identity: %d %s", resp.StatusCode, body)
		}
	})
}
