package awsapi

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"github.com/verge-edge/verge/internal/identity"
	"github.com/verge-edge/verge/internal/sigv4"
)

// Refusal messages, as AWS words them where it has words.
const (
	msgNoCredentials = "Missing Authentication Token: sign the request with SigV4 (access key " + identity.AdminAccessKeyID + " and the admin token as the secret access key), or send Authorization: Bearer TOKEN"
	msgBadToken      = "The security token included in the request is invalid."
)

// authenticate finds who sent r: the admin (a bearer token, or a
// signature with the admin secret) or a function (a signature with its
// credentials and session token). sig and sigErr are sigv4.Parse's.
func (rt *Router) authenticate(r *http.Request, sig *sigv4.Signature, sigErr error) (identity.Identity, *Error) {
	ids := rt.opts.Identities
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		if ids != nil && ids.Bearer(tok) {
			return identity.Admin, nil
		}
		return identity.Identity{}, ErrUnrecognizedClient.With(msgBadToken)
	}
	switch {
	case errors.Is(sigErr, sigv4.ErrMissing):
		return identity.Identity{}, ErrUnrecognizedClient.With(msgNoCredentials)
	case sigErr != nil:
		return identity.Identity{}, ErrInvalidSignature.With(sigErr.Error())
	case ids == nil:
		return identity.Identity{}, ErrUnrecognizedClient.With(msgBadToken)
	}
	id, secret, token, err := ids.Lookup(sig.AccessKey)
	if err != nil {
		return id, ErrUnrecognizedClient.With(err.Error())
	}
	if token != "" && subtle.ConstantTimeCompare([]byte(sig.Token), []byte(token)) != 1 {
		return id, ErrUnrecognizedClient.With(msgBadToken)
	}
	if err := sig.Verify(r, secret, rt.opts.Now()); err != nil {
		return id, ErrInvalidSignature.With(err.Error())
	}
	return id, nil
}
