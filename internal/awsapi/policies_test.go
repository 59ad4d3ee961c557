package awsapi

import (
	"context"
	"strings"
	"testing"

	"github.com/verge-edge/verge/internal/iam"
	"github.com/verge-edge/verge/internal/identity"
)

func TestPolicies(t *testing.T) {
	p := NewPolicies(nil)
	fn := identity.Identity{Function: "api"}
	invoke := Request{Identity: fn, Action: "lambda:InvokeFunction", Resources: []string{"arn:aws:lambda:us-east-1:000000000000:function:worker"}}
	if err := p.Authorize(context.Background(), invoke); err == nil {
		t.Error("a function was allowed before any policy was set")
	}
	grant, _ := iam.Grant("function", "worker")
	p.Set(&iam.Access{Policies: map[string]iam.Policy{"api": {grant,
		{Effect: iam.Deny, Actions: []string{"lambda:InvokeFunction"}, Resources: []string{"*:function:secret"}, Origin: "iamRoleStatements[0]"}}}})
	for _, c := range []struct {
		name string
		req  Request
		want string // "" allowed, else a part of the message
	}{
		{"the admin", Request{Identity: identity.Admin, Action: "lambda:DeleteFunction"}, ""},
		{"granted", invoke, ""},
		{"not granted", Request{Identity: fn, Action: "lambda:GetFunction", Resources: invoke.Resources},
			"User: arn:aws:sts::000000000000:assumed-role/api-role/api is not authorized to perform: lambda:GetFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:worker because no identity-based policy allows the lambda:GetFunction action"},
		{"denied", Request{Identity: fn, Action: "lambda:InvokeFunction", Resources: []string{"arn:aws:lambda:us-east-1:000000000000:function:secret"}},
			"with an explicit deny in an identity-based policy (Verge: function api: lambda:InvokeFunction on arn:aws:lambda:us-east-1:000000000000:function:secret is denied explicitly by iamRoleStatements[0])"},
		{"another function", Request{Identity: identity.Identity{Function: "web"}, Action: invoke.Action, Resources: invoke.Resources}, "add to function web's iamRoleStatements"},
	} {
		err := p.Authorize(context.Background(), c.req)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}
