package schedule

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/verge-edge/verge/internal/arn"
)

// scheduledEvent is EventBridge's "Scheduled Event", fields in its order.
type scheduledEvent struct {
	Version    string          `json:"version"`
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Account    string          `json:"account"`
	Time       string          `json:"time"`
	Region     string          `json:"region"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
}

// Event is EventBridge's "Scheduled Event" payload for the rule ruleARN
// firing at at (a fresh id each call).
func Event(ruleARN string, at time.Time) []byte {
	b, err := json.Marshal(scheduledEvent{
		Version:    eventVersion,
		ID:         uuid.NewString(),
		DetailType: eventDetailType,
		Source:     eventSource,
		Account:    arn.Account,
		Time:       at.UTC().Format(eventTimeLayout),
		Region:     arn.Region,
		Resources:  []string{ruleARN},
		Detail:     json.RawMessage(`{}`),
	})
	if err != nil {
		panic("schedule: marshal of a fixed event shape failed: " + err.Error()) // unreachable
	}
	return b
}

// RuleARN is the ARN of the EventBridge rule named name, in the account and
// region functions uses.
func RuleARN(name string) string {
	return arn.Rule(name)
}
