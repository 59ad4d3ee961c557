package stack

import (
	"strings"
	"testing"

	"github.com/verge-edge/verge/internal/arn"
)

func TestParseLogGroupARN(t *testing.T) {
	for _, c := range []struct{ in, want, err string }{
		{arn.LogGroupBare("/aws/lambda/fn"), "/aws/lambda/fn", ""},
		{arn.LogGroup("/custom/app"), "/custom/app", ""},
		{arn.LogGroupBare(""), "", "does not name"},
		{arn.LogGroupBare("a:b"), "", "does not name"},
		{"arn:aws:logs:eu-west-1:000000000000:log-group:x", "", "is not a log group's ARN"},
		{"/custom/app", "", "is not a log group's ARN"},
	} {
		got, err := parseLogGroupARN(c.in)
		if got != c.want || (err == nil) != (c.err == "") || err != nil && !strings.Contains(err.Error(), c.err) {
			t.Errorf("%q: %q, %v; want %q, %q", c.in, got, err, c.want, c.err)
		}
	}
}

// FuzzParseLogGroupARN: a name it returns makes the ARN it was given.
func FuzzParseLogGroupARN(f *testing.F) {
	f.Add(arn.LogGroup("/aws/lambda/fn"))
	f.Add("arn:aws:logs:us-east-1:000000000000:log-group::*")
	f.Fuzz(func(t *testing.T, s string) {
		name, err := parseLogGroupARN(s)
		if err != nil {
			return
		}
		if name == "" || (s != arn.LogGroupBare(name) && s != arn.LogGroup(name)) {
			t.Fatalf("%q gave %q", s, name)
		}
	})
}
