package iam

import (
	"fmt"
	"strings"
)

// Access is what a stack file lets its functions do: each function's
// policy, and the stack's resources allowAccessTo could name (for hints).
type Access struct {
	Policies map[string]Policy
	// Resources are the stack's grantable resources.
	Resources []Resource
}

// A Resource is a stack resource allowAccessTo can name.
type Resource struct {
	Name, Kind string
	// ARNName is the name in the resource's ARNs when it differs from
	// Name (a FIFO queue's "jobs.fifo"); "" when it is Name.
	ARNName string
}

// A Denial says why a function may not make a request, and what to add.
type Denial struct {
	Function, Action, Resource string
	// By is the statement that denied it explicitly; nil when nothing
	// allowed it.
	By *Statement
	// Fix is the stack file line that would allow it; "" when a Deny
	// stands in the way.
	Fix string
}

func (d *Denial) Error() string {
	if d.By != nil {
		return fmt.Sprintf("function %s: %s on %s is denied explicitly by %s", d.Function, d.Action, d.Resource, d.By.Origin)
	}
	return fmt.Sprintf("function %s: no statement allows %s on %s; %s", d.Function, d.Action, d.Resource, d.Fix)
}

// Check decides whether function fn may do action on resources; a
// *Denial says why not.
func (a *Access) Check(fn, action string, resources []string) error {
	var p Policy
	if a != nil {
		p = a.Policies[fn]
	}
	d := p.Decide(action, resources)
	if d.Allowed {
		return nil
	}
	den := &Denial{Function: fn, Action: action, Resource: d.Resource, By: d.Denied}
	if d.Denied == nil {
		den.Fix = a.fix(fn, action, d.Resource)
	}
	return den
}

// fix names the stack file line that allows action on resource: a
// resource of the stack whose grant covers it, else an iamRoleStatements
// entry.
func (a *Access) fix(fn, action, resource string) string {
	if a != nil {
		for _, r := range a.Resources {
			arnName := r.ARNName
			if arnName == "" {
				arnName = r.Name
			}
			g, err := Grant(r.Kind, arnName)
			if err == nil && (Policy{g}).Decide(action, []string{resource}).Allowed {
				return fmt.Sprintf("add %s to function %s's connectTo (or accessControl.allowAccessTo)", r.Name, fn)
			}
		}
	}
	return fmt.Sprintf("add to function %s's iamRoleStatements: {Effect: Allow, Action: [%s], Resource: [%s]}",
		fn, action, quoteARN(resource))
}

// quoteARN quotes an ARN for YAML when it needs it ('*', ':' with a space…).
func quoteARN(s string) string {
	if s == "*" || strings.ContainsAny(s, " #{}[],&!|>'\"%@`") {
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return s
}
