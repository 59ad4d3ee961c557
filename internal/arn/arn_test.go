package arn

import "testing"

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
