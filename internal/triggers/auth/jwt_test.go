package auth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	jose "github.com/go-jose/go-jose/v4"
)

const (
	testIssuer = "https://issuer.test"
	testAud    = "my-client"
)

// testKeys are the signing keys of one test run and their public JWKS.
type testKeys struct {
	rsa, ec, other crypto.Signer
	jwks           []byte
}

func newTestKeys(t *testing.T) *testKeys {
	t.Helper()
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ek, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ok, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: rk.Public(), KeyID: "rsa1", Algorithm: "RS256", Use: "sig"},
		{Key: ek.Public(), KeyID: "ec1", Algorithm: "ES256", Use: "sig"},
	}}
	b, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	return &testKeys{rsa: rk, ec: ek, other: ok, jwks: b}
}

// sign makes a compact JWS of claims with key under kid.
func sign(t *testing.T, key crypto.Signer, alg jose.SignatureAlgorithm, kid string, claims map[string]any) string {
	t.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: key, KeyID: kid}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := s.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// claimsAt are valid claims for a token checked at now, with changes.
func claimsAt(now time.Time, changes map[string]any) map[string]any {
	c := map[string]any{
		"iss": testIssuer, "aud": testAud, "sub": "user-1",
		"iat": now.Add(-time.Minute).Unix(), "nbf": now.Add(-time.Minute).Unix(),
		"exp": now.Add(time.Hour).Unix(), "scope": "read write",
		"email_verified": true, "cognito:groups": []string{"admin", "dev"},
	}
	for k, v := range changes {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

// jwksServer serves the key set (and discovery) on 127.0.0.1, counting
// key set fetches.
func jwksServer(t *testing.T, jwks []byte, fetches *atomic.Int32) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	mux := http.NewServeMux()
	mux.HandleFunc("/jwks.json", func(w http.ResponseWriter, _ *http.Request) {
		fetches.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(jwks)
	})
	mux.HandleFunc(discoveryPath, func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{"issuer": srv.URL, "jwks_uri": srv.URL + "/jwks.json"})
	})
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func jwtRequest(token string, now time.Time) *Request {
	r := httptest.NewRequest(http.MethodGet, "http://api.localhost/pets?x=1", nil)
	if token != "" {
		r.Header.Set("Authorization", token)
	}
	q := NewRequest(r)
	q.RouteKey, q.APIID, q.RequestID, q.Time = "GET /pets", "api", "req-1", now
	return q
}

type jwtCase struct {
	name   string
	token  func(t *testing.T, k *testKeys, now time.Time) string
	status int
	desc   string // the WWW-Authenticate error_description, "" for none
}

func jwtCases() []jwtCase {
	tok := func(key func(*testKeys) crypto.Signer, alg jose.SignatureAlgorithm, kid string, ch map[string]any) func(*testing.T, *testKeys, time.Time) string {
		return func(t *testing.T, k *testKeys, now time.Time) string {
			return "Bearer " + sign(t, key(k), alg, kid, claimsAt(now, ch))
		}
	}
	rsaKey := func(k *testKeys) crypto.Signer { return k.rsa }
	ecKey := func(k *testKeys) crypto.Signer { return k.ec }
	otherKey := func(k *testKeys) crypto.Signer { return k.other }
	hour := time.Hour
	return []jwtCase{
		{"valid RSA", tok(rsaKey, jose.RS256, "rsa1", nil), 0, ""},
		{"valid EC", tok(ecKey, jose.ES256, "ec1", nil), 0, ""},
		{"valid PS256", tok(rsaKey, jose.PS256, "rsa1", nil), 0, ""},
		{"no Bearer prefix", func(t *testing.T, k *testKeys, now time.Time) string {
			return sign(t, k.rsa, jose.RS256, "rsa1", claimsAt(now, nil))
		}, 0, ""},
		{"aud list", tok(rsaKey, jose.RS256, "rsa1", map[string]any{"aud": []string{"x", testAud}}), 0, ""},
		{"client_id instead of aud", tok(rsaKey, jose.RS256, "rsa1", map[string]any{"aud": nil, "client_id": testAud}), 0, ""},
		{"expired", tok(rsaKey, jose.RS256, "rsa1", map[string]any{"exp": time.Now().Add(-hour).Unix()}), 401, descExpired},
		{"no exp", tok(rsaKey, jose.RS256, "rsa1", map[string]any{"exp": nil}), 401, descExpired},
		{"nbf in future", tok(rsaKey, jose.RS256, "rsa1", map[string]any{"nbf": time.Now().Add(hour).Unix()}), 401, descNotYet},
		{"iat in future", tok(rsaKey, jose.RS256, "rsa1", map[string]any{"iat": time.Now().Add(hour).Unix()}), 401, descIssuedAt},
		{"wrong audience", tok(rsaKey, jose.RS256, "rsa1", map[string]any{"aud": "other"}), 401, descAudience},
		{"wrong issuer", tok(rsaKey, jose.RS256, "rsa1", map[string]any{"iss": "https://evil.test"}), 401, descIssuer},
		{"wrong signature", tok(otherKey, jose.ES256, "ec1", nil), 401, descSignature},
		{"unknown kid", tok(otherKey, jose.ES256, "nope", nil), 401, descKid},
		{"no kid", tok(rsaKey, jose.RS256, "", nil), 401, descKid},
		{"missing token", func(*testing.T, *testKeys, time.Time) string { return "" }, 401, ""},
		{"malformed", func(*testing.T, *testKeys, time.Time) string { return "Bearer not.a.jwt" }, 401, descMalformed},
		{"alg none", func(*testing.T, *testKeys, time.Time) string {
			return "eyJhbGciOiJub25lIiwia2lkIjoicnNhMSJ9.eyJpc3MiOiJ4In0."
		}, 401, descMalformed},
	}
}

// checkJWTDecision compares a Decision with the case's expectation.
func checkJWTDecision(t *testing.T, tc jwtCase, d Decision) {
	t.Helper()
	if d.Status != tc.status {
		t.Fatalf("status = %d (%s), want %d", d.Status, d.Body, tc.status)
	}
	if tc.status == 0 {
		checkClaims(t, d)
		return
	}
	if string(d.Body) != `{"message":"Unauthorized"}` {
		t.Errorf("body = %s", d.Body)
	}
	got := d.Header.Get("Www-Authenticate")
	if tc.desc == "" && got != "" || tc.desc != "" && !strings.Contains(got, `error_description="`+tc.desc+`"`) {
		t.Errorf("WWW-Authenticate = %q, want description %q", got, tc.desc)
	}
}

// checkClaims decodes the allowed Decision into the AWS types.
func checkClaims(t *testing.T, d Decision) {
	t.Helper()
	b, err := json.Marshal(d.V2)
	if err != nil {
		t.Fatal(err)
	}
	var v2 events.APIGatewayV2HTTPRequestContextAuthorizerDescription
	if err := json.Unmarshal(b, &v2); err != nil {
		t.Fatalf("V2 %s does not decode: %v", b, err)
	}
	if v2.JWT == nil || v2.JWT.Claims["sub"] != "user-1" || v2.JWT.Claims["email_verified"] != "true" ||
		v2.JWT.Claims["cognito:groups"] != "[admin dev]" || v2.JWT.Claims["iss"] != testIssuer {
		t.Errorf("V2 claims = %s", b)
	}
	if strings.Join(v2.JWT.Scopes, ",") != "read,write" {
		t.Errorf("V2 scopes = %v", v2.JWT.Scopes)
	}
	b, _ = json.Marshal(d.V1)
	var v1 struct {
		Claims map[string]string `json:"claims"`
		Scopes []string          `json:"scopes"`
	}
	if err := json.Unmarshal(b, &v1); err != nil || v1.Claims["sub"] != "user-1" || len(v1.Scopes) != 2 {
		t.Errorf("V1 = %s (%v)", b, err)
	}
}

func TestJWTFromURL(t *testing.T) {
	k := newTestKeys(t)
	var fetches atomic.Int32
	srv := jwksServer(t, k.jwks, &fetches)
	a, err := New(&Config{JWT: &JWTConfig{Issuer: testIssuer, Audience: []string{testAud}, JWKS: JWKSSource{URL: srv.URL + "/jwks.json"}}}, nil, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range jwtCases() {
		t.Run(tc.name, func(t *testing.T) {
			now := time.Now()
			checkJWTDecision(t, tc, a.Authorize(context.Background(), jwtRequest(tc.token(t, k, now), now)))
		})
	}
	// One load, plus at most one refetch for the unknown kids within 10 s.
	if n := fetches.Load(); n < 1 || n > 2 {
		t.Errorf("key set fetched %d times, want 1 or 2", n)
	}
}

func TestJWTFromFile(t *testing.T) {
	k := newTestKeys(t)
	path := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(path, k.jwks, 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := New(&Config{JWT: &JWTConfig{Issuer: testIssuer, Audience: []string{testAud}, JWKS: JWKSSource{File: path}}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range jwtCases() {
		t.Run(tc.name, func(t *testing.T) {
			now := time.Now()
			checkJWTDecision(t, tc, a.Authorize(context.Background(), jwtRequest(tc.token(t, k, now), now)))
		})
	}
}

func TestJWTDiscovery(t *testing.T) {
	k := newTestKeys(t)
	var fetches atomic.Int32
	srv := jwksServer(t, k.jwks, &fetches)
	a, err := New(&Config{JWT: &JWTConfig{Issuer: srv.URL, Audience: []string{testAud}}}, nil, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tok := sign(t, k.rsa, jose.RS256, "rsa1", claimsAt(now, map[string]any{"iss": srv.URL}))
	if d := a.Authorize(context.Background(), jwtRequest(tok, now)); d.Status != 0 {
		t.Fatalf("status = %d %s", d.Status, d.Body)
	}
	if fetches.Load() != 1 {
		t.Errorf("key set fetched %d times, want 1", fetches.Load())
	}
}

// TestJWTKeysUnavailable: a key set that cannot be loaded is the
// authorizer's failure, not the client's.
func TestJWTKeysUnavailable(t *testing.T) {
	k := newTestKeys(t)
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	a, err := New(&Config{JWT: &JWTConfig{Issuer: testIssuer, Audience: []string{testAud}, JWKS: JWKSSource{URL: srv.URL + "/jwks.json"}}}, nil, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	d := a.Authorize(context.Background(), jwtRequest(sign(t, k.rsa, jose.RS256, "rsa1", claimsAt(now, nil)), now))
	if d.Status != http.StatusInternalServerError || string(d.Body) != `{"message":"Internal Server Error"}` {
		t.Errorf("got %d %s", d.Status, d.Body)
	}
}

// TestJWTKeyRotation: a new kid is found by refetching once the last fetch
// is over refetchInterval old.
func TestJWTKeyRotation(t *testing.T) {
	k := newTestKeys(t)
	path := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(path, k.jwks, 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := New(&Config{JWT: &JWTConfig{Issuer: testIssuer, Audience: []string{testAud}, JWKS: JWKSSource{File: path}}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	ctx := context.Background()
	if d := a.Authorize(ctx, jwtRequest(sign(t, k.rsa, jose.RS256, "rsa1", claimsAt(now, nil)), now)); d.Status != 0 {
		t.Fatalf("status = %d", d.Status)
	}
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: k.other.Public(), KeyID: "new", Use: "sig"}}}
	b, _ := json.Marshal(set)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	tok := sign(t, k.other, jose.ES256, "new", claimsAt(now, nil))
	if d := a.Authorize(ctx, jwtRequest(tok, now)); d.Status != 401 {
		t.Fatalf("within %v: status = %d, want 401", refetchInterval, d.Status)
	}
	a.jwt.mu.Lock()
	a.jwt.fetched = time.Now().Add(-2 * refetchInterval)
	a.jwt.mu.Unlock()
	if d := a.Authorize(ctx, jwtRequest(tok, now)); d.Status != 0 {
		t.Fatalf("after %v: status = %d %s", refetchInterval, d.Status, d.Header)
	}
}

func TestStringify(t *testing.T) {
	cases := []struct {
		in   string
		want string
	}{
		{`"x"`, "x"},
		{`12345678901234567890`, "12345678901234567890"},
		{`1.5`, "1.5"},
		{`true`, "true"},
		{`["a",1,true]`, "[a 1 true]"},
		{`{"k":"v"}`, `{"k":"v"}`},
		{`null`, ""},
	}
	for _, tc := range cases {
		c, err := decodeClaims([]byte(`{"v":` + tc.in + `}`))
		if err != nil {
			t.Fatal(err)
		}
		if got := stringify(c["v"]); got != tc.want {
			t.Errorf("stringify(%s) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzTokens: garbage tokens never panic and are never allowed.
func FuzzTokens(f *testing.F) {
	for _, s := range []string{"", "Bearer ", "a.b.c", "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYTEifQ.e30.AAAA", "Bearer x.y.z", "...."} {
		f.Add(s)
	}
	dir := f.TempDir()
	path := filepath.Join(dir, "jwks.json")
	if err := os.WriteFile(path, []byte(`{"keys":[]}`), 0o600); err != nil {
		f.Fatal(err)
	}
	a, err := New(&Config{JWT: &JWTConfig{Issuer: testIssuer, Audience: []string{testAud}, JWKS: JWKSSource{File: path}}}, nil, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		q := &Request{Header: map[string]string{"authorization": tok}, Time: time.Now()}
		if d := a.Authorize(context.Background(), q); d.Status == 0 {
			t.Fatalf("garbage token %q allowed", tok)
		}
	})
}

// TestJWTConcurrent: concurrent first requests load the key set once.
func TestJWTConcurrent(t *testing.T) {
	k := newTestKeys(t)
	var fetches atomic.Int32
	srv := jwksServer(t, k.jwks, &fetches)
	a, err := New(&Config{JWT: &JWTConfig{Issuer: testIssuer, Audience: []string{testAud}, JWKS: JWKSSource{URL: srv.URL + "/jwks.json"}}}, nil, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tok := sign(t, k.ec, jose.ES256, "ec1", claimsAt(now, nil))
	var wg sync.WaitGroup
	statuses := make([]int, 8)
	for i := range statuses {
		wg.Go(func() { statuses[i] = a.Authorize(context.Background(), jwtRequest(tok, now)).Status })
	}
	wg.Wait()
	for i, s := range statuses {
		if s != 0 {
			t.Errorf("request %d: status %d", i, s)
		}
	}
	if fetches.Load() != 1 {
		t.Errorf("key set fetched %d times, want 1", fetches.Load())
	}
}

// TestJWTZeroTime: a Request without Time is checked against now, so an
// expired token stays expired.
func TestJWTZeroTime(t *testing.T) {
	k := newTestKeys(t)
	path := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(path, k.jwks, 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := New(&Config{JWT: &JWTConfig{Issuer: testIssuer, Audience: []string{testAud}, JWKS: JWKSSource{File: path}}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	tok := sign(t, k.rsa, jose.RS256, "rsa1", claimsAt(time.Now().Add(-3*time.Hour), nil))
	if d := a.Authorize(context.Background(), &Request{Header: map[string]string{"authorization": tok}}); d.Status != 401 {
		t.Errorf("status = %d, want 401", d.Status)
	}
}
