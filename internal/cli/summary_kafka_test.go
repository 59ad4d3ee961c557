package cli

import (
	"testing"

	"github.com/verge-edge/verge/internal/console"
	"github.com/verge-edge/verge/internal/stack"
)

// TestSummarizeKafka: the dev terminal lists each Kafka trigger with its
// topic, brokers and starting position.
func TestSummarizeKafka(t *testing.T) {
	p := &stack.Plan{KafkaTriggers: []stack.KafkaTrigger{
		{Function: "worker", Topic: "payments", Bootstrap: []string{"b-1:9092", "b-2:9092"}, StartingPosition: stack.StartTrimHorizon},
		{Function: "audit", Topic: "orders", Bootstrap: []string{"localhost:9092"}, StartingPosition: stack.StartLatest},
	}}
	got := summarize(p, nil).Kafka
	want := []console.Kafka{
		{Topic: "payments", Brokers: "b-1:9092,b-2:9092", Start: "TRIM_HORIZON", Function: "worker"},
		{Topic: "orders", Brokers: "localhost:9092", Start: "LATEST", Function: "audit"},
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("summarize(…).Kafka = %+v; want %+v", got, want)
	}
}
