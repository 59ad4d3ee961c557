// Package auth holds API Gateway HTTP API authorizers, pure of any listener:
// JWT authorizers (signature against a JWKS fetched from a URL, a file or by
// OpenID discovery; iss, aud/client_id, exp, nbf and iat checked) and Lambda
// authorizers (payload format 2.0 REQUEST event, simple or IAM policy
// responses, results cached by identity for the configured seconds).
//
// A listener builds a Request from the *http.Request and what the route
// matched (NewRequest), calls Authorizer.Authorize, and either answers the
// Decision's Status/Header/Body or puts Decision.V2 (or V1) into the event's
// requestContext.authorizer.
package auth
