package schedule

import (
	"time"

	"github.com/google/uuid"
	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/triggers/eventbus"
)

// Event is EventBridge's "Scheduled Event" payload for the rule ruleARN
// firing at at (a fresh id each call).
func Event(ruleARN string, at time.Time) []byte {
	e := eventbus.Entry{Source: eventSource, DetailType: eventDetailType, Detail: "{}", Resources: []string{ruleARN}}
	return eventbus.Envelope(e, uuid.NewString(), at)
}

// RuleARN is the ARN of the EventBridge rule named name, in the account and
// region functions uses.
func RuleARN(name string) string {
	return arn.Rule(name)
}
