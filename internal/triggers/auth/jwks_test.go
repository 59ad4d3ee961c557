package auth

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

func TestCheckJWKS(t *testing.T) {
	k := newTestKeys(t)
	cases := []struct {
		name, jwks string
		want       string // the error, "" for none
	}{
		{"generated RSA and EC keys", string(k.jwks), ""},
		{"empty set", `{"keys": []}`, ""},
		{"padding-free modulus", `{"keys": [{"kty": "RSA", "n": "AQ-_", "e": "AQAB"}]}`, ""},
		{"not JSON", `{"keys": [`, `not a JSON Web Key Set: a JSON object {"keys": [...]}`},
		{"a list", `[{"kty": "RSA"}]`, `not a JSON Web Key Set: a JSON object {"keys": [...]}`},
		{"no keys member", `{}`, `not a JSON Web Key Set: a JSON object {"keys": [...]}`},
		{"keys not a list", `{"keys": {"kty": "RSA"}}`, `not a JSON Web Key Set: a JSON object {"keys": [...]}`},
		{"key not an object", `{"keys": [1]}`, "key 0: not a JSON object"},
		{"null key", `{"keys": [null]}`, "key 0: not a JSON object"},
		{"no kty", `{"keys": [{"n": "AQAB", "e": "AQAB"}]}`, `key 0: no "kty" (key type)`},
		{"modulus not base64", `{"keys": [{"kty": "RSA", "n": "not base64!", "e": "AQAB"}]}`, "key 0: modulus is not base64url"},
		{"modulus in standard base64", `{"keys": [{"kty": "RSA", "n": "AQ+/", "e": "AQAB"}]}`, "key 0: modulus is not base64url"},
		{"modulus padded", `{"keys": [{"kty": "RSA", "n": "AQ==", "e": "AQAB"}]}`, "key 0: modulus is not base64url"},
		{"modulus a number", `{"keys": [{"kty": "RSA", "n": 65537, "e": "AQAB"}]}`, "key 0: modulus is not a string"},
		{"exponent not base64", `{"keys": [{"kty": "RSA", "n": "AQAB", "e": "%%"}]}`, "key 0: exponent is not base64url"},
		{"second key bad", `{"keys": [{"kty": "RSA", "n": "AQAB", "e": "AQAB"}, {"kty": "RSA", "n": "*", "e": "AQAB"}]}`, "key 1: modulus is not base64url"},
		{"no exponent", `{"keys": [{"kty": "RSA", "n": "AQAB"}]}`, "key 0: invalid RSA key, missing n/e values"},
		{"exponent 1", `{"keys": [{"kty": "RSA", "n": "AQAB", "e": "AQ"}]}`, "key 0: invalid RSA key, bad e value"},
		{"EC y not base64", `{"keys": [{"kty": "EC", "crv": "P-256", "x": "AQAB", "y": "!"}]}`, "key 0: y coordinate is not base64url"},
		{"EC short x", `{"keys": [{"kty": "EC", "crv": "P-256", "x": "AQAB", "y": "AQAB"}]}`, "key 0: invalid EC public key, wrong length for x"},
		{"EC unknown curve", `{"keys": [{"kty": "EC", "crv": "P-1", "x": "AQAB", "y": "AQAB"}]}`, "key 0: unsupported elliptic curve 'P-1'"},
		{"unknown key type", `{"keys": [{"kty": "XYZ", "n": "AQAB"}]}`, `key 0: key type "XYZ" is not supported: use RSA or EC`},
		{"unsupported curve", `{"keys": [{"kty": "OKP", "crv": "X25519", "x": "AQAB"}]}`, `key 0: key type "OKP" with curve "X25519" is not supported: use RSA or EC`},
		{"kty a number", `{"keys": [{"kty": 1, "n": "AQAB", "e": "AQAB"}]}`, `key 0: "kty" is not a string`},
		{"kid a number", `{"keys": [{"kty": "RSA", "kid": 7, "n": "AQAB", "e": "AQAB"}]}`, `key 0: "kid" is not a string`},
		{"bad thumbprint", `{"keys": [{"kty": "RSA", "n": "AQAB", "e": "AQAB", "x5t": "a+b"}]}`, "key 0: x5t thumbprint is not base64url"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckJWKS([]byte(tc.jwks))
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("error %q, want none", err)
			case tc.want != "" && err == nil:
				t.Fatalf("no error, want %q", tc.want)
			case tc.want != "" && err.Error() != tc.want:
				t.Fatalf("error %q, want %q", err, tc.want)
			}
		})
	}
}

// TestJWTBadKeyFile: a key set the parser refuses fails the request as the
// authorizer's fault (500); the load error says which key.
func TestJWTBadKeyFile(t *testing.T) {
	k := newTestKeys(t)
	path := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(path, []byte(`{"keys": [{"kty": "RSA", "kid": "rsa1", "n": "AQ+/", "e": "AQAB"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := New(&Config{JWT: &JWTConfig{Issuer: testIssuer, Audience: []string{testAud}, JWKS: JWKSSource{File: path}}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if d := a.Authorize(t.Context(), jwtRequest(sign(t, k.rsa, jose.RS256, "rsa1", claimsAt(now, nil)), now)); d.Status != http.StatusInternalServerError {
		t.Errorf("status = %d, want 500", d.Status)
	}
	if _, err := a.jwt.load(t.Context()); err == nil || !strings.HasSuffix(err.Error(), "key 0: modulus is not base64url") {
		t.Errorf("load: %v", err)
	}
}
