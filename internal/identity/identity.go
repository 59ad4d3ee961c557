package identity

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/verge-edge/verge/internal/arn"
)

const (
	// AdminAccessKeyID is the documented access key id of the admin
	// credentials: `aws configure` wants one.
	AdminAccessKeyID = "AKIAVERGEADMIN000000"
	// AdminName is the admin's name in logs and errors.
	AdminName = "admin"
	// functionKeyPrefix starts a function's access key id, as AWS's
	// temporary credentials' ids start with ASIA.
	functionKeyPrefix = "ASIA"
	// SecretFile is the file in the data folder holding the key function
	// credentials derive from.
	SecretFile = "aws-credentials-key"
)

// Errors of Lookup. ErrUnknownKey is worded as AWS words it.
var (
	//lint:ignore ST1005 AWS's own message
	ErrUnknownKey = errors.New("The security token included in the request is invalid.")
	ErrNoAdmin    = errors.New("admin credentials are disabled: the server has no admin token")
)

// An Identity is a caller: the admin, or a function by name.
type Identity struct {
	// Function is the calling function's name; "" for the admin.
	Function string
}

// Admin is the admin identity.
var Admin = Identity{}

// IsAdmin says whether i is the person, not a function.
func (i Identity) IsAdmin() bool { return i.Function == "" }

// String names the caller: "admin" or "function NAME".
func (i Identity) String() string {
	if i.IsAdmin() {
		return AdminName
	}
	return "function " + i.Function
}

// ARN is the caller's principal ARN, as GetCallerIdentity would say: the
// account root for the admin, the function's assumed role otherwise.
func (i Identity) ARN() string {
	if i.IsAdmin() {
		return "arn:aws:iam::" + arn.Account + ":root"
	}
	return "arn:aws:sts::" + arn.Account + ":assumed-role/" + i.Function + "-role/" + i.Function
}

type ctxKey struct{}

// NewContext returns ctx carrying i.
func NewContext(ctx context.Context, i Identity) context.Context {
	return context.WithValue(ctx, ctxKey{}, i)
}

// FromContext returns the identity in ctx, if any.
func FromContext(ctx context.Context) (Identity, bool) {
	i, ok := ctx.Value(ctxKey{}).(Identity)
	return i, ok
}

// Credentials are an AWS access key: what the SDKs sign with.
type Credentials struct {
	AccessKeyID, SecretAccessKey, SessionToken string
}

// A Store holds the admin token and the key function credentials derive
// from, and resolves access key ids to identities. It is safe for
// concurrent use.
type Store struct {
	key      []byte
	token    string
	endpoint atomic.Pointer[string]

	names atomic.Pointer[func() []string]

	mu    sync.Mutex
	byKey map[string]minted // function access key id → its function's credentials
}

// minted are a function's credentials, kept so that a lookup derives
// nothing.
type minted struct {
	name  string
	creds Credentials
}

// New returns a Store deriving function credentials from key, with token
// as the admin's secret ("" disables the admin credentials).
func New(key []byte, token string) *Store {
	return &Store{key: key, token: token, byKey: map[string]minted{}}
}

// Open returns a Store whose key is kept in dir's SecretFile, created with
// a random key the first time.
func Open(dir, token string) (*Store, error) {
	path := filepath.Join(dir, SecretFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		b = make([]byte, 64)
		rand.Read(b)
		b = []byte(hex.EncodeToString(b))
		if err := os.WriteFile(path, b, 0o600); err != nil {
			return nil, fmt.Errorf("writing the credentials key: %w", err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("reading the credentials key: %w", err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) < 32 {
		return nil, fmt.Errorf("the credentials key %s is not 32 or more hex-encoded bytes", path)
	}
	return New(key, token), nil
}

// Admin returns the admin credentials (no session token).
func (s *Store) Admin() Credentials {
	return Credentials{AccessKeyID: AdminAccessKeyID, SecretAccessKey: s.token}
}

// Function returns function name's credentials, and from then on resolves
// its access key id.
func (s *Store) Function(name string) Credentials {
	c := Credentials{
		AccessKeyID:     functionKeyPrefix + base32.StdEncoding.EncodeToString(s.mac("access-key-id", name))[:16],
		SecretAccessKey: base64.RawStdEncoding.EncodeToString(s.mac("secret-access-key", name))[:40],
		SessionToken:    base64.RawStdEncoding.EncodeToString(append(s.mac("session-token", name), s.mac("session-token-2", name)...)),
	}
	s.mu.Lock()
	s.byKey[c.AccessKeyID] = minted{name, c}
	s.mu.Unlock()
	return c
}

// mac is HMAC-SHA256(key, purpose NUL name): one purpose never yields
// another's value.
func (s *Store) mac(purpose, name string) []byte {
	h := hmac.New(sha256.New, s.key)
	h.Write([]byte(purpose))
	h.Write([]byte{0})
	h.Write([]byte(name))
	return h.Sum(nil)
}

// SetNames gives the store the names of the functions that exist, so that
// a function's access key id resolves before its credentials are first
// minted (after a restart, before its sandbox starts again).
func (s *Store) SetNames(names func() []string) { s.names.Store(&names) }

// Lookup resolves an access key id to its identity, the secret to verify
// its signature with and the session token it must carry ("" for none).
// An id starting with ASIA that no function has is ErrUnknownKey; any
// other id is the admin's.
func (s *Store) Lookup(accessKeyID string) (id Identity, secret, token string, err error) {
	if strings.HasPrefix(accessKeyID, functionKeyPrefix) {
		m, ok := s.minted(accessKeyID)
		if !ok {
			if names := s.names.Load(); names != nil {
				for _, n := range (*names)() {
					s.Function(n)
				}
				m, ok = s.minted(accessKeyID)
			}
		}
		if !ok {
			return id, "", "", ErrUnknownKey
		}
		return Identity{Function: m.name}, m.creds.SecretAccessKey, m.creds.SessionToken, nil
	}
	if s.token == "" {
		return id, "", "", ErrNoAdmin
	}
	return Admin, s.token, "", nil
}

// minted returns the credentials minted under an access key id.
func (s *Store) minted(accessKeyID string) (minted, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.byKey[accessKeyID]
	return m, ok
}

// Bearer reports whether token is the admin token.
func (s *Store) Bearer(token string) bool {
	return s.token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(s.token)) == 1
}

// SetEndpoint records the URL of Verge's AWS endpoint, which functions'
// environments name (AWS_ENDPOINT_URL); the listener knows it only once
// it listens.
func (s *Store) SetEndpoint(url string) { s.endpoint.Store(&url) }

// Endpoint is the URL SetEndpoint recorded, "" before.
func (s *Store) Endpoint() string {
	if p := s.endpoint.Load(); p != nil {
		return *p
	}
	return ""
}

// Env is function name's AWS environment variables: its credentials and,
// once known, the endpoint its SDKs should call.
func (s *Store) Env(name string) []string {
	c := s.Function(name)
	env := []string{
		"AWS_ACCESS_KEY_ID=" + c.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + c.SecretAccessKey,
		"AWS_SESSION_TOKEN=" + c.SessionToken,
	}
	if e := s.Endpoint(); e != "" {
		env = append(env, "AWS_ENDPOINT_URL="+e)
	}
	return env
}
