package identity

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var key = []byte("0123456789abcdef0123456789abcdef")

// TestFunctionCredentials: a function's credentials look like AWS's
// temporary ones, are stable for a key, differ between functions and keys,
// and resolve back to the function once minted.
func TestFunctionCredentials(t *testing.T) {
	s := New(key, "tok")
	a, b := s.Function("api"), s.Function("worker")
	if a != s.Function("api") || a == b || a != New(key, "other").Function("api") {
		t.Errorf("not stable per key and name: %+v %+v", a, b)
	}
	if other := New([]byte("fedcba9876543210fedcba9876543210"), "tok").Function("api"); other.AccessKeyID == a.AccessKeyID || other.SecretAccessKey == a.SecretAccessKey {
		t.Errorf("another key gave the same credentials")
	}
	if len(a.AccessKeyID) != 20 || !strings.HasPrefix(a.AccessKeyID, "ASIA") || len(a.SecretAccessKey) != 40 || a.SessionToken == "" {
		t.Errorf("shape: %+v", a)
	}
	for _, c := range []struct {
		key         string
		id          Identity
		secret, tok string
		err         error
	}{
		{a.AccessKeyID, Identity{Function: "api"}, a.SecretAccessKey, a.SessionToken, nil},
		{b.AccessKeyID, Identity{Function: "worker"}, b.SecretAccessKey, b.SessionToken, nil},
		{"ASIAUNKNOWN000000000", Identity{}, "", "", ErrUnknownKey},
		{AdminAccessKeyID, Admin, "tok", "", nil},
		{"AKID", Admin, "tok", "", nil},
	} {
		id, secret, tok, err := s.Lookup(c.key)
		if id != c.id || secret != c.secret || tok != c.tok || !errors.Is(err, c.err) {
			t.Errorf("Lookup(%q) = %v %q %q %v", c.key, id, secret, tok, err)
		}
	}
	if _, _, _, err := New(key, "").Lookup("AKID"); !errors.Is(err, ErrNoAdmin) {
		t.Errorf("no token: %v", err)
	}
}

// TestEnv: the environment names the endpoint once it is known.
func TestEnv(t *testing.T) {
	s := New(key, "tok")
	c := s.Function("api")
	env := s.Env("api")
	if !slices.Contains(env, "AWS_ACCESS_KEY_ID="+c.AccessKeyID) || !slices.Contains(env, "AWS_SESSION_TOKEN="+c.SessionToken) || slices.ContainsFunc(env, func(v string) bool { return strings.HasPrefix(v, "AWS_ENDPOINT_URL=") }) {
		t.Errorf("before the endpoint: %v", env)
	}
	s.SetEndpoint("http://127.0.0.1:8081")
	if env := s.Env("api"); !slices.Contains(env, "AWS_ENDPOINT_URL=http://127.0.0.1:8081") {
		t.Errorf("after: %v", env)
	}
}

// TestOpen: the key is made once, kept private, and reused.
func TestOpen(t *testing.T) {
	dir := t.TempDir()
	s1, err := Open(dir, "tok")
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, SecretFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	s2, err := Open(dir, "tok")
	if err != nil || s1.Function("f") != s2.Function("f") {
		t.Errorf("reopened: %v, credentials differ", err)
	}
	os.WriteFile(filepath.Join(dir, SecretFile), []byte("short"), 0o600)
	if _, err := Open(dir, "tok"); err == nil {
		t.Error("a broken key file was accepted")
	}
}

func TestContext(t *testing.T) {
	if _, ok := FromContext(context.Background()); ok {
		t.Error("identity in an empty context")
	}
	id := Identity{Function: "api"}
	if got, ok := FromContext(NewContext(context.Background(), id)); !ok || got != id || got.IsAdmin() || got.String() != "function api" {
		t.Errorf("FromContext: %v %v", got, ok)
	}
	if Admin.String() != "admin" || !strings.HasSuffix(Admin.ARN(), ":root") || !strings.Contains(id.ARN(), "assumed-role/api-role/api") {
		t.Errorf("names: %s %s %s", Admin, Admin.ARN(), id.ARN())
	}
}

// TestSetNames: a function's key resolves before its credentials are
// minted when the store knows the function exists.
func TestSetNames(t *testing.T) {
	want := New(key, "tok").Function("api")
	s := New(key, "tok")
	if _, _, _, err := s.Lookup(want.AccessKeyID); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("before: %v", err)
	}
	s.SetNames(func() []string { return []string{"other", "api"} })
	if id, secret, _, err := s.Lookup(want.AccessKeyID); err != nil || id.Function != "api" || secret != want.SecretAccessKey {
		t.Errorf("after: %v %q %v", id, secret, err)
	}
	if _, _, _, err := s.Lookup("ASIAUNKNOWN000000000"); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("unknown: %v", err)
	}
}
