package stack

import (
	"fmt"
	"slices"
	"strings"

	"github.com/verge-edge/verge/internal/iam"
)

// access resolves a function's connectTo, accessControl.allowAccessTo and
// iamRoleStatements (in both places) into its policy, reporting names
// that are no grantable resource and malformed statements.
func (r *resolver) access(p *FunctionProps) iam.Policy {
	var pol iam.Policy
	if at, ok := r.d.key(&p.ConnectTo); ok && len(p.ConnectTo) > 0 {
		r.d.warnf(at, "connectTo grants access; the STP_ environment variables Stacktape also sets are not set yet: pass what the code needs with $ResourceParam in environment")
	}
	lists := [][]string{p.ConnectTo}
	statements := [][]IamStatement{p.IamRoleStatements}
	if ac := p.AccessControl; ac != nil {
		lists = append(lists, ac.AllowAccessTo)
		statements = append(statements, ac.IamRoleStatements)
	}
	for _, list := range lists {
		for i := range list {
			if g, ok := r.grant(&list[i]); ok {
				pol = append(pol, g)
			}
		}
	}
	n := 0
	for _, sts := range statements {
		for i := range sts {
			if st, ok := r.statement(&sts[i], n); ok {
				pol = append(pol, st)
			}
			n++
		}
	}
	return pol
}

// grant is the statement allowAccessTo gives for the resource *name.
func (r *resolver) grant(name *string) (iam.Statement, bool) {
	at, _ := r.d.pos(name)
	res := r.byName[*name]
	if c := r.qs.cf[*name]; res == nil && c != nil {
		// As in Stacktape: allowAccessTo names the stack's own resources.
		r.d.errorf(at, "%q is a cloudformationResources entry, which connectTo and allowAccessTo cannot name: grant access with iamRoleStatements, Resource: [\"$CfResourceParam('%s', 'Arn')\"]", *name, *name)
		return iam.Statement{}, false
	}
	if res == nil {
		r.d.errorf(at, "no resource named %q to grant access to (%sresources: %s)", *name, didYouMean(*name, r.names), strings.Join(r.names, ", "))
		return iam.Statement{}, false
	}
	g, err := iam.Grant(res.Type, r.arnName(res))
	if err != nil {
		r.d.errorf(at, "%q: %v", *name, err)
		return iam.Statement{}, false
	}
	g.Origin = "allowAccessTo: " + res.Name
	return g, true
}

// statement checks and resolves one iamRoleStatements entry, the n-th.
func (r *resolver) statement(s *IamStatement, n int) (iam.Statement, bool) {
	st := iam.Statement{Sid: s.Sid, Effect: iam.Allow, Origin: fmt.Sprintf("iamRoleStatements[%d]", n)}
	ok := true
	if at, written := r.d.pos(&s.Effect); written {
		if s.Effect != iam.Allow && s.Effect != iam.Deny {
			r.d.errorf(at, "Effect %q must be Allow or Deny", s.Effect)
			ok = false
		}
		st.Effect = s.Effect
	}
	for i := range s.Action {
		if !iam.ValidAction(s.Action[i]) {
			at, _ := r.d.pos(&s.Action[i])
			r.d.errorf(at, "Action %q is not an IAM action: write service:Operation, such as lambda:InvokeFunction (wildcards * and ? allowed)", s.Action[i])
			ok = false
		}
	}
	st.Actions = slices.Clone(s.Action)
	for i := range s.Resource {
		v, found := r.expand(&s.Resource[i])
		ok = ok && found
		st.Resources = append(st.Resources, v)
	}
	if at, written := r.d.key(&s.Action); written && len(s.Action) == 0 {
		r.d.errorf(at, "Action is empty: the statement would grant nothing")
		ok = false
	}
	if at, written := r.d.key(&s.Resource); written && len(s.Resource) == 0 {
		r.d.errorf(at, "Resource is empty: write '*' for every resource")
		ok = false
	}
	return st, ok
}

// grantable lists the stack's resources allowAccessTo can name.
func (r *resolver) grantable() []iam.Resource {
	kinds := iam.Grantable()
	var out []iam.Resource
	for _, name := range r.names {
		if res := r.byName[name]; res != nil && slices.Contains(kinds, res.Type) {
			out = append(out, iam.Resource{Name: name, Kind: res.Type, ARNName: r.arnName(res)})
		}
	}
	return out
}

// arnName is the name a resource's ARN holds: a FIFO queue's or topic's
// ends in .fifo.
func (r *resolver) arnName(res *Resource) string {
	if q := r.qs.stackQueues[res.Name]; q != nil && res.Type == TypeSQSQueue {
		return q.q.Name
	}
	if t := r.qs.stackTopics[res.Name]; t != nil && res.Type == TypeSNSTopic {
		return t.t.Name
	}
	return res.Name
}
