package awsapi

import "github.com/verge-edge/verge/internal/identity"

// testToken is the admin token of the test endpoints.
const testToken = "SECRET"

// testIdentities are the test endpoints' credentials.
var testIdentities = identity.New([]byte("0123456789abcdef0123456789abcdef"), testToken)

// testTriggers are the event source mappings the test endpoints list.
func testTriggers() []Trigger {
	return []Trigger{
		{Function: "echo", Source: "arn:aws:events:us-east-1:000000000000:rule/echo-schedule-0"},
		{Function: "echo", Source: "arn:aws:events:us-east-1:000000000000:rule/orders/echo-event-bus-1"},
		{Function: "fail", Source: "arn:aws:events:us-east-1:000000000000:rule/fail-schedule-0"},
	}
}
