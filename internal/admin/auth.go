package admin

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/verge-edge/verge/internal/sigv4"
)

// A Refusal says why a request's credentials were refused.
type Refusal struct {
	// BadSignature is set for a SigV4 signature that does not verify;
	// otherwise the credentials are missing or unknown.
	BadSignature bool
	Message      string
}

// Refusal messages.
const (
	msgNoCredentials = "the admin API requires credentials: Authorization: Bearer TOKEN, or a SigV4 signature with the admin token as the secret access key"
	msgBadToken      = "the security token included in the request is invalid"
)

// authenticate lets through requests that carry the token, as a bearer
// token or as the secret of a SigV4 signature. GET /healthz needs none:
// load balancers and supervisors probe it, and it tells only "ok"; nor
// does the index at /, which lists paths only.
// An empty token lets nothing through.
func authenticate(c Config, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == PathHealth && (r.Method == http.MethodGet || r.Method == http.MethodHead) || isIndex(r) {
			next.ServeHTTP(w, r)
			return
		}
		if f := check(r, c.Token); f != nil {
			refuse(c, w, r, *f)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// check returns why r's credentials do not carry token, nil when they do.
func check(r *http.Request, token string) *Refusal {
	h := r.Header.Get("Authorization")
	if got, ok := strings.CutPrefix(h, "Bearer "); ok {
		if token == "" || subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
			return &Refusal{Message: msgBadToken}
		}
		return nil
	}
	if !strings.HasPrefix(h, sigv4.Algorithm+" ") {
		return &Refusal{Message: msgNoCredentials}
	}
	if token == "" {
		return &Refusal{Message: msgBadToken}
	}
	err := sigv4.Verify(r, token, time.Now())
	if err == nil {
		return nil
	}
	return &Refusal{BadSignature: !errors.Is(err, sigv4.ErrMissing), Message: err.Error()}
}

// refuse answers 401 in the shape of the protocol r speaks.
func refuse(c Config, w http.ResponseWriter, r *http.Request, f Refusal) {
	if c.Refuse != nil && c.Refuse(w, r, f) {
		return
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="verge-admin"`)
	writeError(w, errUnauthorized, f.Message)
}
