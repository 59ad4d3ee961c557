package arn

import (
	"regexp"
	"testing"
)

func TestARNs(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{Function("f", ""), "arn:aws:lambda:us-east-1:000000000000:function:f"},
		{Function("f", "$LATEST"), "arn:aws:lambda:us-east-1:000000000000:function:f:$LATEST"},
		{EventBus("orders"), "arn:aws:events:us-east-1:000000000000:event-bus/orders"},
		{Rule("fn-schedule-0"), "arn:aws:events:us-east-1:000000000000:rule/fn-schedule-0"},
		{Distribution("E1234567890ABC"), "arn:aws:cloudfront::000000000000:distribution/E1234567890ABC"},
		{CloudFrontFunction("rewrite"), "arn:aws:cloudfront::000000000000:function/rewrite"},
		{LogGroup("/aws/lambda/f"), "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/f:*"},
		{LogGroupBare("/aws/lambda/f"), "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/f"},
		{LogStream("/aws/lambda/f", "2026/11/22/[$LATEST]ab"), "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/f:log-stream:2026/11/22/[$LATEST]ab"},
	} {
		if c.got != c.want {
			t.Errorf("%s, want %s", c.got, c.want)
		}
	}
}

func TestTableStream(t *testing.T) {
	label := regexp.MustCompile(`^20[23]\d-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$`)
	seen := map[string]string{}
	for _, name := range []string{"users", "Users", "orders", "a.b-c_d", "xyz"} {
		l := TableStreamLabel(name)
		if !label.MatchString(l) {
			t.Errorf("TableStreamLabel(%q) = %q, not DynamoDB's form", name, l)
		}
		if l != TableStreamLabel(name) {
			t.Errorf("TableStreamLabel(%q) changes between calls", name)
		}
		if prev, dup := seen[l]; dup {
			t.Errorf("tables %q and %q share label %q", prev, name, l)
		}
		seen[l] = name
		if got, want := TableStream(name), Table(name)+"/stream/"+l; got != want {
			t.Errorf("TableStream(%q) = %q, want %q", name, got, want)
		}
	}
}
