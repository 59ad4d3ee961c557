package engine

import (
	"context"

	"github.com/verge-edge/verge/internal/awsapi"
	"github.com/verge-edge/verge/internal/iam"
	"github.com/verge-edge/verge/internal/stack"
)

// accessPart puts the plan's access control in force on the AWS endpoint:
// what each function may do, from its connectTo, allowAccessTo and
// iamRoleStatements.
type accessPart struct {
	policies *awsapi.Policies
}

func (p *accessPart) Prepare(_ context.Context, plan *stack.Plan) (Change, error) {
	a := &iam.Access{Policies: make(map[string]iam.Policy, len(plan.Functions)), Resources: plan.Grantable}
	for name, f := range plan.Functions {
		a.Policies[name] = f.Policy
	}
	return accessChange{p: p.policies, a: a}, nil
}

func (p *accessPart) Close(context.Context) error { return nil }

type accessChange struct {
	p *awsapi.Policies
	a *iam.Access
}

func (c accessChange) Commit()  { c.p.Set(c.a) }
func (c accessChange) Discard() {}
