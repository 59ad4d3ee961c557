package schedule

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/uuid"
	"github.com/verge-edge/verge/internal/arn"
)

func TestEvent(t *testing.T) {
	rule := RuleARN("my-stack-fn-schedule-0")
	if want := "arn:aws:events:" + arn.Region + ":" + arn.Account + ":rule/my-stack-fn-schedule-0"; rule != want {
		t.Errorf("RuleARN = %q, want %q", rule, want)
	}
	at := time.Date(2026, 1, 1, 12, 0, 0, 0, time.FixedZone("X", 2*3600))
	raw := Event(rule, at)

	// The field order EventBridge uses, then the values through the
	// aws-lambda-go type a Go function would decode it with.
	if !bytes.HasPrefix(raw, []byte(`{"version":"0","id":"`)) ||
		!bytes.HasSuffix(raw, []byte(`"time":"2026-01-01T10:00:00Z","region":"`+arn.Region+`","resources":["`+rule+`"],"detail":{}}`)) {
		t.Errorf("payload %s", raw)
	}
	var ev events.EventBridgeEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Version != "0" || ev.DetailType != "Scheduled Event" || ev.Source != "aws.events" ||
		ev.AccountID != arn.Account || ev.Region != arn.Region ||
		!ev.Time.Equal(at) || len(ev.Resources) != 1 || ev.Resources[0] != rule || string(ev.Detail) != "{}" {
		t.Errorf("decoded %+v", ev)
	}
	if _, err := uuid.Parse(ev.ID); err != nil {
		t.Errorf("id %q: %v", ev.ID, err)
	}
	var again events.EventBridgeEvent
	if err := json.Unmarshal(Event(rule, at), &again); err != nil || again.ID == ev.ID {
		t.Errorf("second event id %q, first %q (%v)", again.ID, ev.ID, err)
	}
}
