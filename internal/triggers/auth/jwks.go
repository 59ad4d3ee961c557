package auth

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	jose "github.com/go-jose/go-jose/v4"
)

// CheckJWKS reports whether data is a JSON Web Key Set a JWT authorizer
// can load, with the same parser it loads keys with; the error names the
// first bad key by its index ("key 0: modulus is not base64url"). An empty
// set is not an error here (every token is then refused as having an
// unknown kid).
//
// Only a key set given as a file (JWKSSource.File) can be checked before
// the first request, when a stack is validated: one found by URL or OpenID
// discovery is fetched, and so parsed, on the first request, where a bad
// set answers 500.
func CheckJWKS(data []byte) error {
	_, err := parseJWKS(data)
	return err
}

// parseJWKS parses a key set, key by key so that an error says which key
// and, for an encoding error, which member.
func parseJWKS(data []byte) (*jose.JSONWebKeySet, error) {
	var raw struct {
		Keys *[]json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(data, &raw); err != nil || raw.Keys == nil {
		return nil, errors.New(`not a JSON Web Key Set: a JSON object {"keys": [...]}`)
	}
	set := &jose.JSONWebKeySet{Keys: make([]jose.JSONWebKey, len(*raw.Keys))}
	for i, b := range *raw.Keys {
		if err := set.Keys[i].UnmarshalJSON(b); err != nil {
			return nil, fmt.Errorf("key %d: %s", i, keyProblem(b, err))
		}
	}
	return set, nil
}

// keyMembers are the base64url-encoded members of a JWK, in the order
// they are checked, with the names errors give them.
var keyMembers = []struct{ member, name string }{
	{"n", "modulus"},
	{"e", "exponent"},
	{"x", "x coordinate"},
	{"y", "y coordinate"},
	{"k", "symmetric key value"},
	{"pub", "public key"},
	{"d", "private exponent"},
	{"p", `member "p"`},
	{"q", `member "q"`},
	{"dp", `member "dp"`},
	{"dq", `member "dq"`},
	{"qi", `member "qi"`},
	{"priv", `member "priv"`},
	{"x5t", "x5t thumbprint"},
	{"x5t#S256", "x5t#S256 thumbprint"},
}

// keyProblem explains why go-jose refused key b with err: a member that is
// not a base64url string if there is one, else go-jose's reason.
func keyProblem(b json.RawMessage, err error) string {
	var members map[string]json.RawMessage
	if json.Unmarshal(b, &members) != nil || members == nil {
		return "not a JSON object"
	}
	text := map[string]string{} // the members that must be strings
	for _, m := range []string{"kty", "kid", "use", "alg", "crv", "x5u"} {
		v, ok := members[m]
		if !ok {
			continue
		}
		var s string
		if json.Unmarshal(v, &s) != nil {
			return fmt.Sprintf("%q is not a string", m)
		}
		text[m] = s
	}
	if text["kty"] == "" {
		return `no "kty" (key type)`
	}
	for _, m := range keyMembers {
		v, ok := members[m.member]
		if !ok {
			continue
		}
		var s string
		if json.Unmarshal(v, &s) != nil {
			return m.name + " is not a string"
		}
		if _, err := base64.RawURLEncoding.DecodeString(s); err != nil {
			return m.name + " is not base64url"
		}
	}
	if errors.Is(err, jose.ErrUnsupportedKeyType) {
		if crv := text["crv"]; crv != "" {
			return fmt.Sprintf("key type %q with curve %q is not supported: use RSA or EC", text["kty"], crv)
		}
		return fmt.Sprintf("key type %q is not supported: use RSA or EC", text["kty"])
	}
	return strings.TrimPrefix(err.Error(), "go-jose/go-jose: ")
}
