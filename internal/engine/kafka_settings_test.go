package engine

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/esm"
	"github.com/verge-edge/verge/internal/esm/kafka"
	"github.com/verge-edge/verge/internal/stack"
)

// TestKafkaMappingSettings: each Kafka trigger runs as the mapping its
// settings say, its secrets passed through, its UUID stable and its own.
func TestKafkaMappingSettings(t *testing.T) {
	for _, tc := range []struct {
		name string
		tr   stack.KafkaTrigger
		want kafka.Mapping
	}{
		{"defaults, SCRAM-512", stack.KafkaTrigger{Function: "reader", Bootstrap: []string{"b:9092"}, Topic: "t", BatchSize: 100,
			MaxBatchWindowSeconds: 0.5, StartingPosition: stack.StartTrimHorizon, MaximumRetryAttempts: -1, Enabled: true,
			Auth: &stack.KafkaAuth{Mechanism: stack.KafkaAuthScram512, Username: "u", Password: "p"}},
			kafka.Mapping{Function: "reader", Bootstrap: []string{"b:9092"}, Topic: "t", BatchSize: 100, MaxBatchWindow: 500 * time.Millisecond,
				StartingPosition: esm.TrimHorizon, MaximumRetryAttempts: -1, Enabled: true, Auth: kafka.Auth{Mechanism: kafka.AuthScram512, Username: "u", Password: "p"}}},
		{"LATEST, PLAIN, on failure, disabled", stack.KafkaTrigger{Function: "reader", Index: 2, Bootstrap: []string{"b:9092"}, Topic: "t", BatchSize: 7,
			MaxBatchWindowSeconds: 2, StartingPosition: stack.StartLatest, MaximumRetryAttempts: 3, BisectBatchOnFunctionError: true,
			OnFailure: &stack.Destination{Kind: stack.DestinationTopic, Name: "alerts"}, Auth: &stack.KafkaAuth{Mechanism: stack.KafkaAuthBasic, Username: "u", Password: "p"}},
			kafka.Mapping{Function: "reader", Bootstrap: []string{"b:9092"}, Topic: "t", BatchSize: 7, MaxBatchWindow: 2 * time.Second,
				StartingPosition: esm.Latest, MaximumRetryAttempts: 3, BisectBatchOnFunctionError: true, OnFailure: &esm.Destination{Kind: "sns", Name: "alerts"},
				Auth: kafka.Auth{Mechanism: kafka.AuthPlain, Username: "u", Password: "p"}}},
		{"MTLS", stack.KafkaTrigger{Function: "reader", Index: 1, Bootstrap: []string{"b:9094"}, Topic: "t", StartingPosition: stack.StartTrimHorizon, Enabled: true,
			Auth: &stack.KafkaAuth{Mechanism: stack.KafkaAuthMTLS, Certificate: []byte("c"), PrivateKey: []byte("k"), KeyPassword: "pw", RootCA: []byte("ca")}},
			kafka.Mapping{Function: "reader", Bootstrap: []string{"b:9094"}, Topic: "t", StartingPosition: esm.TrimHorizon, Enabled: true,
				Auth: kafka.Auth{Mechanism: kafka.AuthMTLS, Certificate: []byte("c"), PrivateKey: []byte("k"), KeyPassword: "pw", RootCA: []byte("ca")}}},
		{"no authentication", stack.KafkaTrigger{Function: "other", Bootstrap: []string{"localhost:9092"}, Topic: "t", StartingPosition: stack.StartTrimHorizon, Enabled: true},
			kafka.Mapping{Function: "other", Bootstrap: []string{"localhost:9092"}, Topic: "t", StartingPosition: esm.TrimHorizon, Enabled: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := kafkaMapping(tc.tr)
			if m.UUID != kafkaUUID(tc.tr) || m.FunctionARN != "arn:aws:lambda:us-east-1:000000000000:function:"+tc.tr.Function {
				t.Errorf("UUID %q, FunctionARN %q", m.UUID, m.FunctionARN)
			}
			m.UUID, m.FunctionARN = "", ""
			if got, want := describeMapping(m), describeMapping(tc.want); got != want {
				t.Errorf("mapping\n%s\nwant\n%s", got, want)
			}
		})
	}
	a := stack.KafkaTrigger{Function: "reader", Index: 0}
	b := stack.KafkaTrigger{Function: "reader", Index: 1, Topic: "other"}
	if kafkaUUID(a) == kafkaUUID(b) || kafkaUUID(a) != kafkaUUID(stack.KafkaTrigger{Function: "reader", Topic: "changed"}) {
		t.Errorf("UUIDs: %s %s; want one per function and index, whatever the topic", kafkaUUID(a), kafkaUUID(b))
	}
}

// describeMapping prints a mapping, comparable field by field.
func describeMapping(m kafka.Mapping) string {
	of := "<nil>"
	if m.OnFailure != nil {
		of = m.OnFailure.Kind + ":" + m.OnFailure.Name
	}
	m.OnFailure = nil
	return fmt.Sprintf("%+v onFailure=%s", m, of)
}

// TestKafkaTriggersListed: before the poller reports a mapping's state it
// is listed as Creating (Disabled when disabled), and a poller that could
// not start is named in its StateTransitionReason.
func TestKafkaTriggersListed(t *testing.T) {
	plan := &stack.Plan{KafkaTriggers: []stack.KafkaTrigger{
		{Function: "reader", Bootstrap: []string{"b:9092"}, Topic: "t", BatchSize: 10, MaxBatchWindowSeconds: 2.5, StartingPosition: stack.StartLatest,
			MaximumRetryAttempts: -1, Enabled: true, OnFailure: &stack.Destination{Kind: stack.DestinationQueue, Name: "dlq"},
			Auth: &stack.KafkaAuth{Mechanism: stack.KafkaAuthMTLS, SecretARN: "arn:client", RootCASecretARN: "arn:ca", PrivateKey: []byte("secret")}},
		{Function: "reader", Index: 1, Bootstrap: []string{"b:9092"}, Topic: "u", Enabled: false},
	}}
	trs := (&eventSide{}).kafkaTriggers(plan)
	if len(trs) != 2 {
		t.Fatalf("listed %+v", trs)
	}
	tr := trs[0]
	if tr.Source != "" || tr.UUID != kafkaUUID(plan.KafkaTriggers[0]) || tr.MaxBatchingWindow != 2 || tr.BatchSize != 10 || tr.State != "Creating" ||
		tr.Stream.StartingPosition != "LATEST" || tr.Stream.OnFailure != "arn:aws:sqs:us-east-1:000000000000:dlq" || tr.Kafka.Topic != "t" ||
		len(tr.Kafka.Access) != 2 || tr.Kafka.Access[0] != (kafkaAccess(plan.KafkaTriggers[0].Auth)[0]) ||
		tr.Kafka.Access[0].Type != stack.KafkaAuthMTLS || tr.Kafka.Access[0].URI != "arn:client" ||
		tr.Kafka.Access[1].Type != stack.KafkaAuthRootCA || tr.Kafka.Access[1].URI != "arn:ca" {
		t.Errorf("listed %+v %+v %+v", tr, *tr.Stream, *tr.Kafka)
	}
	if trs[1].State != "Disabled" || trs[1].Kafka.Access != nil {
		t.Errorf("disabled trigger listed %+v", trs[1])
	}
	failed := (&eventSide{kafkaErr: errors.New("kafka.New: no client")}).kafkaTriggers(plan)
	if failed[0].StateTransitionReason != "PROBLEM: the Kafka poller did not start: kafka.New: no client" {
		t.Errorf("StateTransitionReason %q", failed[0].StateTransitionReason)
	}
}
