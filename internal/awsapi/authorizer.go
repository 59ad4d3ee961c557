package awsapi

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"

	"github.com/verge-edge/verge/internal/iam"
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

// AllowAll lets every authenticated caller do everything: for tests and
// benchmarks of the routing itself.
type AllowAll struct{}

// Authorize allows req.
func (AllowAll) Authorize(context.Context, Request) error { return nil }

// Policies holds each function to its stack file's access control, deny
// by default as on AWS; the admin may do everything. Set replaces the
// policies when a plan is applied.
type Policies struct {
	access atomic.Pointer[iam.Access]
	log    *slog.Logger
}

// NewPolicies returns Policies that deny every function everything until
// Set; denials are logged to log (nil for none) with the line to add.
func NewPolicies(log *slog.Logger) *Policies {
	return &Policies{log: log}
}

// Set makes a the policies in force.
func (p *Policies) Set(a *iam.Access) { p.access.Store(a) }

// Authorize allows the admin everything and a function what its policy
// allows.
func (p *Policies) Authorize(ctx context.Context, req Request) error {
	if req.Identity.IsAdmin() {
		return nil
	}
	err := p.access.Load().Check(req.Identity.Function, req.Action, req.Resources)
	var d *iam.Denial
	if !errors.As(err, &d) {
		return err
	}
	msg := deniedMessage(req.Identity, req.Action, d.Resource, d.By != nil)
	if p.log != nil {
		p.log.Warn("access denied", "function", d.Function, "action", d.Action, "resource", d.Resource, "why", d.Error())
	}
	return errors.New(msg + " (Verge: " + d.Error() + ")")
}

// DeniedMessage is AWS's wording of a denial of req, for Authorizers.
func DeniedMessage(req Request) string {
	res := "*"
	if len(req.Resources) > 0 {
		res = req.Resources[0]
	}
	return deniedMessage(req.Identity, req.Action, res, false)
}

// deniedMessage is AWS's wording: an explicit deny or no allow.
func deniedMessage(id identity.Identity, action, resource string, explicit bool) string {
	why := "because no identity-based policy allows the " + action + " action"
	if explicit {
		why = "with an explicit deny in an identity-based policy"
	}
	return "User: " + id.ARN() + " is not authorized to perform: " + action + " on resource: " + resource + " " + why
}
