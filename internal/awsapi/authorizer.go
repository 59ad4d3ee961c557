package awsapi

import (
	"context"

	"github.com/verge-edge/verge/internal/identity"
)

// A Request is what an Authorizer decides on: who calls which operation,
// with the IAM action and resource ARNs the operation declares.
type Request struct {
	Identity  identity.Identity
	Service   string // the signing name: "lambda"
	Operation string // "GetFunction"
	Action    string // "lambda:GetFunction"
	// Resources are the ARNs acted on; empty is "*".
	Resources []string
}

// An Authorizer decides whether a request may proceed. A non-nil error is
// the reason it may not: the caller receives it as the message of the
// protocol's AccessDenied error.
type Authorizer interface {
	Authorize(ctx context.Context, req Request) error
}

// AllowAll lets every authenticated caller do everything: the admin, and
// functions too.
//
// TODO(issue 13 item 3): functions are to be held to their stack file's
// accessControl (allowAccessTo, iamRoleStatements), deny by default; the
// admin keeps AllowAll. That Authorizer replaces this one in engine.Open.
type AllowAll struct{}

// Authorize allows req.
func (AllowAll) Authorize(context.Context, Request) error { return nil }

// DeniedMessage is AWS's wording of a denial of req, for Authorizers.
func DeniedMessage(req Request) string {
	res := "*"
	if len(req.Resources) > 0 {
		res = req.Resources[0]
	}
	return "User: " + req.Identity.ARN() + " is not authorized to perform: " + req.Action + " on resource: " + res +
		" because no identity-based policy allows the " + req.Action + " action"
}
