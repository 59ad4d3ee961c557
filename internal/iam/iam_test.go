package iam

import (
	"errors"
	"strings"
	"testing"

	"github.com/verge-edge/verge/internal/arn"
)

func TestDecide(t *testing.T) {
	orders, _ := Grant("event-bus", "orders")
	worker, _ := Grant("function", "worker")
	pol := Policy{orders, worker,
		{Effect: Allow, Actions: []string{"s3:Get*", "S3:list?ucket"}, Resources: []string{"arn:aws:s3:::site", "arn:aws:s3:::site/*"}},
		{Effect: Deny, Actions: []string{"s3:GetObject"}, Resources: []string{"arn:aws:s3:::site/private/*"}, Origin: "iamRoleStatements[1]"},
	}
	for _, c := range []struct {
		action    string
		resources []string
		allowed   bool
		denied    bool
	}{
		{"events:PutEvents", []string{"arn:aws:events:us-east-1:000000000000:event-bus/orders"}, true, false},
		{"events:putevents", []string{"arn:aws:events:us-east-1:000000000000:event-bus/orders"}, true, false}, // actions fold case
		{"events:PutEvents", []string{"arn:aws:events:us-east-1:000000000000:event-bus/default"}, false, false},
		{"events:PutEvents", []string{"arn:aws:events:us-east-1:000000000000:event-bus/orders", "arn:aws:events:us-east-1:000000000000:event-bus/other"}, false, false}, // each resource
		{"lambda:InvokeFunction", []string{"arn:aws:lambda:us-east-1:000000000000:function:worker:$LATEST"}, true, false},
		{"lambda:InvokeFunction", []string{"arn:aws:lambda:us-east-1:000000000000:function:workers"}, false, false},
		{"lambda:GetFunction", []string{"arn:aws:lambda:us-east-1:000000000000:function:worker"}, false, false},
		{"s3:GetObject", []string{"arn:aws:s3:::site/a/b.txt"}, true, false},
		{"s3:ListBucket", []string{"arn:aws:s3:::site"}, true, false},
		{"s3:GetObject", []string{"arn:aws:s3:::Site/a"}, false, false}, // resources do not fold
		{"s3:GetObject", []string{"arn:aws:s3:::site/private/x"}, false, true},
		{"s3:GetObject", nil, false, false}, // "*" is not "arn:aws:s3:::site/*"
		{"sts:GetCallerIdentity", nil, false, false},
	} {
		d := pol.Decide(c.action, c.resources)
		if d.Allowed != c.allowed || (d.Denied != nil) != c.denied {
			t.Errorf("%s on %v: allowed %v, denied by %v; want allowed %v, denied %v", c.action, c.resources, d.Allowed, d.Denied, c.allowed, c.denied)
		}
	}
	if d := (Policy{{Effect: Allow, Actions: []string{"*"}, Resources: []string{"*"}}}).Decide("anything:AtAll", nil); !d.Allowed {
		t.Error("Action * on Resource * does not allow everything")
	}
	if d := (Policy(nil)).Decide("lambda:ListFunctions", nil); d.Allowed {
		t.Error("an empty policy allows")
	}
}

func TestCheckFix(t *testing.T) {
	a := &Access{
		Policies:  map[string]Policy{"api": {{Effect: Deny, Actions: []string{"lambda:*"}, Resources: []string{"*"}, Origin: "iamRoleStatements[0]"}}},
		Resources: []Resource{{Name: "orders", Kind: "event-bus"}, {Name: "worker", Kind: "function"}, {Name: "jobs", Kind: "sqs-queue", ARNName: "jobs.fifo"}},
	}
	for _, c := range []struct {
		fn, action, resource, want string
	}{
		{"web", "events:PutEvents", "arn:aws:events:us-east-1:000000000000:event-bus/orders", "add orders to function web's connectTo (or accessControl.allowAccessTo)"},
		{"web", "lambda:InvokeFunction", "arn:aws:lambda:us-east-1:000000000000:function:worker", "add worker to function web's connectTo"},
		{"web", "sqs:SendMessage", "arn:aws:sqs:us-east-1:000000000000:jobs.fifo", "add jobs to function web's connectTo"},
		{"web", "lambda:ListFunctions", "*", "add to function web's iamRoleStatements: {Effect: Allow, Action: [lambda:ListFunctions], Resource: ['*']}"},
		{"api", "lambda:InvokeFunction", "arn:aws:lambda:us-east-1:000000000000:function:worker", "denied explicitly by iamRoleStatements[0]"},
	} {
		err := a.Check(c.fn, c.action, []string{c.resource})
		var d *Denial
		if !errors.As(err, &d) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Check(%s, %s): %v, want a Denial saying %q", c.fn, c.action, err, c.want)
		}
	}
	if err := (*Access)(nil).Check("f", "s3:GetObject", nil); err == nil {
		t.Error("no access allowed a request")
	}
}

func TestGrant(t *testing.T) {
	for _, kind := range Grantable() {
		s, err := Grant(kind, "x")
		if err != nil || s.Effect != Allow || len(s.Actions) == 0 || len(s.Resources) == 0 || s.Origin != "allowAccessTo: x" {
			t.Errorf("Grant(%s) = %+v, %v", kind, s, err)
		}
		for _, a := range s.Actions {
			if !ValidAction(a) {
				t.Errorf("Grant(%s) has action %q", kind, a)
			}
		}
	}
	if _, err := Grant("cdn-function", "x"); err == nil || !strings.Contains(err.Error(), "event-bus") {
		t.Errorf("Grant(cdn-function): %v, want an error listing the grantable types", err)
	}
}

func TestValidAction(t *testing.T) {
	for a, want := range map[string]bool{"*": true, "s3:*": true, "lambda:Invoke?unction": true, "*:Get*": true,
		"InvokeFunction": false, ":x": false, "s3:": false, "s3:a:b": false, "s 3:x": false, "": false} {
		if got := ValidAction(a); got != want {
			t.Errorf("ValidAction(%q) = %v, want %v", a, got, want)
		}
	}
}

// FuzzDecide: a statement made of the request's own action and resource
// allows it, and a Deny of them always wins.
func FuzzDecide(f *testing.F) {
	f.Add("lambda:InvokeFunction", "arn:aws:lambda:us-east-1:000000000000:function:f")
	f.Add("s3:GetObject", "arn:aws:s3:::b/*?x")
	f.Fuzz(func(t *testing.T, action, resource string) {
		if strings.ContainsAny(action+resource, "*?\\") {
			return // the request itself must be literal
		}
		allow := Statement{Effect: Allow, Actions: []string{action}, Resources: []string{resource}}
		if !(Policy{allow}).Decide(action, []string{resource}).Allowed {
			t.Errorf("%q on %q is not allowed by itself", action, resource)
		}
		deny := allow
		deny.Effect = Deny
		if d := (Policy{allow, deny}).Decide(action, []string{resource}); d.Allowed || d.Denied == nil {
			t.Errorf("%q on %q: a Deny did not win", action, resource)
		}
	})
}

// TestGrantTable checks that a table's grant covers its items, its indexes
// and its stream, and nothing of another table.
func TestGrantTable(t *testing.T) {
	s, err := Grant("dynamo-db-table", "users")
	if err != nil {
		t.Fatal(err)
	}
	p := Policy{s}
	for _, c := range []struct {
		action, resource string
		allowed          bool
	}{
		{"dynamodb:GetItem", arn.Table("users"), true},
		{"dynamodb:PutItem", arn.Table("users"), true},
		{"dynamodb:UpdateItem", arn.Table("users"), true},
		{"dynamodb:DeleteItem", arn.Table("users"), true},
		{"dynamodb:BatchWriteItem", arn.Table("users"), true},
		{"dynamodb:Scan", arn.Table("users"), true},
		{"dynamodb:Query", arn.Table("users") + "/index/byEmail", true},
		{"dynamodb:DescribeStream", arn.TableStream("users"), true},
		{"dynamodb:GetRecords", arn.TableStream("users"), true},
		{"dynamodb:GetShardIterator", arn.TableStream("users"), true},
		{"dynamodb:DescribeTable", arn.Table("users"), true},
		{"dynamodb:DeleteTable", arn.Table("users"), false},
		{"dynamodb:GetItem", arn.Table("orders"), false},
		{"dynamodb:GetItem", arn.Table("users2"), false},
		{"dynamodb:GetRecords", arn.TableStream("orders"), false},
	} {
		if got := p.Decide(c.action, []string{c.resource}).Allowed; got != c.allowed {
			t.Errorf("%s on %s: allowed = %v, want %v", c.action, c.resource, got, c.allowed)
		}
	}
}
