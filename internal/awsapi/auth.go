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
	msgExpired       = "Request has expired"
)

// bearerPrefix starts an Authorization header carrying the admin token.
const bearerPrefix = "Bearer "

// identify finds who sent r to svc's op (both nil when unknown): the
// operation's own Authenticate when it has one, else SigV4 (or a bearer
// token), with the body verified as it is read for a StreamBody service.
func (rt *Router) identify(r *http.Request, svc *Service, op *Operation, sig *sigv4.Signature, sigErr error) (identity.Identity, *Error) {
	switch {
	case rt.opts.NoAuth && svc != nil && svc.StreamBody:
		if err := sigv4.Decode(r); err != nil {
			return identity.Identity{}, signatureError(err)
		}
		return identity.Admin, nil
	case rt.opts.NoAuth:
		return identity.Admin, nil
	case op != nil && op.Authenticate != nil:
		return op.Authenticate(r, rt.opts.Identities, rt.opts.Now())
	}
	return rt.authenticate(r, sig, sigErr, svc != nil && svc.StreamBody)
}

// authenticate finds who sent r: the admin (a bearer token, or a
// signature with the admin secret) or a function (a signature with its
// credentials and session token). sig and sigErr are sigv4.Parse's.
// stream verifies the payload as the handler reads it (sigv4.Stream)
// rather than now.
func (rt *Router) authenticate(r *http.Request, sig *sigv4.Signature, sigErr error, stream bool) (identity.Identity, *Error) {
	ids := rt.opts.Identities
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), bearerPrefix); ok {
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
	verify := sig.Verify
	if stream {
		verify = sig.Stream
	}
	if err := verify(r, secret, rt.opts.Now()); err != nil {
		if stream && errors.Is(err, sigv4.ErrURLExpired) {
			return id, ErrAccessDenied.With(msgExpired) // S3's answer to an expired presigned URL
		}
		return id, signatureError(err)
	}
	return id, nil
}

// S3's refusals of a request's payload hash and body.
var (
	errS3InvalidRequest  = Error{Code: "InvalidRequest", Status: http.StatusBadRequest, Fault: faultSender}
	errS3InvalidArgument = Error{Code: "InvalidArgument", Status: http.StatusBadRequest, Fault: faultSender}
	errS3ContentSHA256   = Error{Code: "XAmzContentSHA256Mismatch", Status: http.StatusBadRequest, Fault: faultSender}
	errS3IncompleteBody  = Error{Code: "IncompleteBody", Status: http.StatusBadRequest, Fault: faultSender}
)

// signatureError is the wire error for sigv4.Verify's or Stream's err.
func signatureError(err error) *Error {
	switch {
	case errors.Is(err, sigv4.ErrNoContentSHA256):
		return errS3InvalidRequest.With(err.Error())
	case errors.Is(err, sigv4.ErrContentSHA256), errors.Is(err, sigv4.ErrSigV4a):
		return errS3InvalidArgument.With(err.Error())
	case errors.Is(err, sigv4.ErrChunk):
		return errS3InvalidRequest.With(err.Error())
	}
	return ErrInvalidSignature.With(err.Error())
}

// bodyError is the wire error for an error reading a body sigv4.Stream
// installed, nil for another error: S3's answers to a body that does not
// hash to its X-Amz-Content-Sha256, a chunk signature that does not match,
// and a malformed or short aws-chunked body.
func bodyError(err error) *Error {
	switch {
	case errors.Is(err, sigv4.ErrBody):
		return errS3ContentSHA256.With("The provided 'x-amz-content-sha256' header does not match what was computed.")
	case errors.Is(err, sigv4.ErrChunkSignature):
		return ErrInvalidSignature.With(err.Error())
	case errors.Is(err, sigv4.ErrChunkLength):
		return errS3IncompleteBody.With(err.Error())
	case errors.Is(err, sigv4.ErrChunk):
		return errS3InvalidRequest.With(err.Error())
	}
	return nil
}
