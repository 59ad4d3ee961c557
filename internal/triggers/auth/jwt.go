package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// signingAlgs are the algorithms accepted. API Gateway documents RSA only;
// EC is accepted too so local stacks can use either.
var signingAlgs = []jose.SignatureAlgorithm{
	jose.RS256, jose.RS384, jose.RS512,
	jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512,
}

// jwtVerifier checks JWTs against a key set it loads lazily.
type jwtVerifier struct {
	issuer   string
	audience []string
	source   string // where the token is
	client   *http.Client
	jwksURL  string // "" with jwksFile "" means discovery
	jwksFile string

	fetchMu sync.Mutex // serialises loads
	mu      sync.Mutex // guards keys, fetched
	keys    *jose.JSONWebKeySet
	fetched time.Time
}

func newJWTVerifier(cfg *JWTConfig, client *http.Client) (*jwtVerifier, error) {
	if cfg.Issuer == "" {
		return nil, errors.New("auth: jwt authorizer needs an issuer")
	}
	v := &jwtVerifier{
		issuer: cfg.Issuer, audience: cfg.Audience, source: cfg.IdentitySource,
		client: client, jwksURL: cfg.JWKS.URL, jwksFile: cfg.JWKS.File,
	}
	if v.source == "" {
		v.source = defaultJWTSource
	}
	return v, nil
}

// tokenError is a token API Gateway refuses with 401 and a description.
type tokenError string

func (e tokenError) Error() string { return string(e) }

// authorize checks the request's token.
func (v *jwtVerifier) authorize(ctx context.Context, r *Request) Decision {
	raw, ok := r.identity(v.source)
	if !ok {
		return unauthorized()
	}
	if len(raw) >= len(bearerPrefix) && strings.EqualFold(raw[:len(bearerPrefix)], bearerPrefix) {
		raw = strings.TrimSpace(raw[len(bearerPrefix):])
	}
	claims, err := v.verify(ctx, raw, r.Time)
	var te tokenError
	switch {
	case errors.As(err, &te):
		d := unauthorized()
		d.Header.Set("Www-Authenticate", `Bearer scope="" error="invalid_token" error_description="`+string(te)+`"`)
		return d
	case err != nil:
		return internalError()
	}
	return jwtDecision(claims)
}

// verify checks token's signature and claims at now and returns the claims.
// A tokenError is the client's fault; other errors are the key set's.
func (v *jwtVerifier) verify(ctx context.Context, token string, now time.Time) (map[string]any, error) {
	sig, err := jose.ParseSignedCompact(token, signingAlgs)
	if err != nil || len(sig.Signatures) != 1 {
		return nil, tokenError(descMalformed)
	}
	kid := sig.Signatures[0].Header.KeyID
	if kid == "" {
		return nil, tokenError(descKid)
	}
	key, err := v.key(ctx, kid)
	if err != nil {
		return nil, err
	}
	payload, err := sig.Verify(key)
	if err != nil {
		return nil, tokenError(descSignature)
	}
	claims, err := decodeClaims(payload)
	if err != nil {
		return nil, tokenError(descMalformed)
	}
	if err := v.checkClaims(claims, now); err != nil {
		return nil, err
	}
	return claims, nil
}

// decodeClaims parses a JSON object keeping numbers as written.
func decodeClaims(payload []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	var claims map[string]any
	if err := dec.Decode(&claims); err != nil {
		return nil, err
	}
	if claims == nil {
		return nil, errors.New("claims are not an object")
	}
	return claims, nil
}

// checkClaims applies API Gateway's rules: iss equal, aud or client_id in
// the audience, exp after now, nbf and iat not after now.
func (v *jwtVerifier) checkClaims(c map[string]any, now time.Time) error {
	if iss, _ := c["iss"].(string); iss != v.issuer {
		return tokenError(descIssuer)
	}
	if !v.audienceOK(c) {
		return tokenError(descAudience)
	}
	sec := now.Unix()
	exp, ok := numericDate(c["exp"])
	if !ok || exp <= sec {
		return tokenError(descExpired)
	}
	if nbf, ok := numericDate(c["nbf"]); c["nbf"] != nil && (!ok || nbf > sec) {
		return tokenError(descNotYet)
	}
	if iat, ok := numericDate(c["iat"]); c["iat"] != nil && (!ok || iat > sec) {
		return tokenError(descIssuedAt)
	}
	return nil
}

// audienceOK reports whether aud (string or list) or else client_id is one
// of the configured audiences.
func (v *jwtVerifier) audienceOK(c map[string]any) bool {
	var auds []string
	switch a := c["aud"].(type) {
	case string:
		auds = []string{a}
	case []any:
		for _, x := range a {
			if s, ok := x.(string); ok {
				auds = append(auds, s)
			}
		}
	}
	if len(auds) == 0 {
		if id, ok := c["client_id"].(string); ok {
			auds = []string{id}
		}
	}
	for _, a := range auds {
		if slices.Contains(v.audience, a) {
			return true
		}
	}
	return false
}

// numericDate reads a JWT NumericDate (seconds, possibly fractional).
func numericDate(x any) (int64, bool) {
	n, ok := x.(json.Number)
	if !ok {
		return 0, false
	}
	if i, err := n.Int64(); err == nil {
		return i, true
	}
	f, err := n.Float64()
	return int64(f), err == nil
}

// key returns the public key with kid, loading the set the first time and
// reloading it (at most every refetchInterval) when kid is unknown.
func (v *jwtVerifier) key(ctx context.Context, kid string) (*jose.JSONWebKey, error) {
	if k := v.lookup(kid); k != nil {
		return k, nil
	}
	v.fetchMu.Lock()
	defer v.fetchMu.Unlock()
	if k := v.lookup(kid); k != nil { // loaded while we waited
		return k, nil
	}
	v.mu.Lock()
	loaded, recent := v.keys != nil, time.Since(v.fetched) < refetchInterval
	v.mu.Unlock()
	if loaded && recent {
		return nil, tokenError(descKid)
	}
	set, err := v.load(ctx)
	if err != nil {
		if loaded { // keep serving the old set; the kid is still unknown
			return nil, tokenError(descKid)
		}
		return nil, err
	}
	v.mu.Lock()
	v.keys, v.fetched = set, time.Now()
	v.mu.Unlock()
	if k := v.lookup(kid); k != nil {
		return k, nil
	}
	return nil, tokenError(descKid)
}

// lookup finds a public key by kid in the loaded set.
func (v *jwtVerifier) lookup(kid string) *jose.JSONWebKey {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.keys == nil {
		return nil
	}
	for _, k := range v.keys.Key(kid) {
		if k.Use == "enc" {
			continue
		}
		pub := k.Public()
		if pub.Valid() {
			return &pub
		}
	}
	return nil
}

// load reads the key set from its file, URL or the issuer's discovery.
func (v *jwtVerifier) load(ctx context.Context) (*jose.JSONWebKeySet, error) {
	var data []byte
	var err error
	switch {
	case v.jwksFile != "":
		data, err = os.ReadFile(v.jwksFile)
		if err != nil {
			return nil, fmt.Errorf("auth: reading JWKS: %w", err)
		}
	case v.jwksURL != "":
		data, err = v.get(ctx, v.jwksURL)
	default:
		data, err = v.discover(ctx)
	}
	if err != nil {
		return nil, err
	}
	set, err := parseJWKS(data)
	if err != nil {
		return nil, fmt.Errorf("auth: parsing JWKS: %w", err)
	}
	return set, nil
}

// discover fetches the key set named by the issuer's OpenID configuration.
func (v *jwtVerifier) discover(ctx context.Context) ([]byte, error) {
	doc, err := v.get(ctx, strings.TrimSuffix(v.issuer, "/")+discoveryPath)
	if err != nil {
		return nil, err
	}
	var cfg struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.Unmarshal(doc, &cfg); err != nil || cfg.JWKSURI == "" {
		return nil, fmt.Errorf("auth: OpenID configuration of %s has no jwks_uri", v.issuer)
	}
	return v.get(ctx, cfg.JWKSURI)
}

// get fetches url, failing on a non-200 answer.
func (v *jwtVerifier) get(ctx context.Context, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("auth: fetching %s: %w", url, err)
	}
	resp, err := v.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("auth: fetching %s: %w", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxFetchBytes))
	if err != nil {
		return nil, fmt.Errorf("auth: fetching %s: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("auth: fetching %s: status %d", url, resp.StatusCode)
	}
	return body, nil
}

// jwtDecision is the allowed Decision carrying the token's claims and
// scopes, claims stringified as API Gateway passes them.
func jwtDecision(c map[string]any) Decision {
	claims := make(map[string]string, len(c))
	for k, x := range c {
		claims[k] = stringify(x)
	}
	scopes := tokenScopes(c)
	jwt := map[string]any{"claims": claims}
	if len(scopes) > 0 {
		jwt["scopes"] = scopes
	}
	v1 := map[string]any{"claims": claims, "scopes": nil}
	if len(scopes) > 0 {
		v1["scopes"] = scopes
	}
	return Decision{V2: map[string]any{"jwt": jwt}, V1: v1}
}

// tokenScopes reads "scope" (space-separated) or "scp" (list or string).
func tokenScopes(c map[string]any) []string {
	for _, name := range []string{"scope", "scp"} {
		switch s := c[name].(type) {
		case string:
			if f := strings.Fields(s); len(f) > 0 {
				return f
			}
		case []any:
			var out []string
			for _, x := range s {
				out = append(out, stringify(x))
			}
			if len(out) > 0 {
				return out
			}
		}
	}
	return nil
}

// stringify renders a claim value as API Gateway does: strings as they are,
// numbers as written, lists as "[a b]", objects as JSON.
func stringify(x any) string {
	switch t := x.(type) {
	case string:
		return t
	case json.Number:
		return t.String()
	case bool:
		if t {
			return "true"
		}
		return "false"
	case nil:
		return ""
	case []any:
		parts := make([]string, len(t))
		for i, e := range t {
			parts[i] = stringify(e)
		}
		return "[" + strings.Join(parts, " ") + "]"
	default:
		b, _ := json.Marshal(t)
		return string(b)
	}
}
