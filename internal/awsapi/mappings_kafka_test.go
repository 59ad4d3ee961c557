package awsapi

import (
	"context"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// TestKafkaMappingSDK reads a self-managed Kafka mapping with the AWS SDK
// for Go v2: brokers and topic in place of an EventSourceArn, the
// secrets by ARN, the consumer group, and the state's reason.
func TestKafkaMappingSDK(t *testing.T) {
	const uuid = "6f1c2a9e-0b7d-5e4f-8a3b-2c1d0e9f8a7b"
	kafka := Trigger{
		Function: "echo", UUID: uuid, BatchSize: 100, MaxBatchingWindow: 0,
		State: "Enabled", StateTransitionReason: "PROBLEM: SASL authentication failed", LastProcessingResult: "PROBLEM: Connection error.",
		Stream: &StreamSettings{StartingPosition: "TRIM_HORIZON", MaximumRetryAttempts: -1, BisectBatchOnFunctionError: true,
			OnFailure: "arn:aws:sqs:us-east-1:000000000000:dlq"},
		Kafka: &KafkaSettings{Bootstrap: []string{"b-1.example.com:9096", "b-2.example.com:9096"}, Topic: "payments",
			Access: []SourceAccess{{Type: "SASL_SCRAM_512_AUTH", URI: "arn:aws:secretsmanager:us-east-1:000000000000:secret:kafka"}}},
	}
	triggers := func() []Trigger { return append(testTriggers(), kafka) }
	srv := httptest.NewServer(New(Options{Identities: testIdentities}, Lambda(newFunctions(t, handlers), nil, triggers)))
	t.Cleanup(srv.Close)
	c := newClientAs(srv, testIdentities.Admin())
	ctx := context.Background()

	list, err := c.ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{FunctionName: aws.String("echo")})
	if err != nil || len(list.EventSourceMappings) != 3 {
		t.Fatalf("ListEventSourceMappings: %v %+v", err, list)
	}
	check := func(name string, m types.EventSourceMappingConfiguration) {
		t.Helper()
		if aws.ToString(m.UUID) != uuid || m.EventSourceArn != nil || aws.ToString(m.FunctionArn) != "arn:aws:lambda:us-east-1:000000000000:function:echo" {
			t.Errorf("%s: UUID %q, EventSourceArn %v, FunctionArn %q", name, aws.ToString(m.UUID), m.EventSourceArn, aws.ToString(m.FunctionArn))
		}
		if m.SelfManagedEventSource == nil || !slices.Equal(m.SelfManagedEventSource.Endpoints["KAFKA_BOOTSTRAP_SERVERS"], kafka.Kafka.Bootstrap) {
			t.Errorf("%s: SelfManagedEventSource = %+v", name, m.SelfManagedEventSource)
		}
		if !slices.Equal(m.Topics, []string{"payments"}) || len(m.SourceAccessConfigurations) != 1 ||
			m.SourceAccessConfigurations[0].Type != types.SourceAccessTypeSaslScram512Auth ||
			aws.ToString(m.SourceAccessConfigurations[0].URI) != "arn:aws:secretsmanager:us-east-1:000000000000:secret:kafka" {
			t.Errorf("%s: Topics %v, SourceAccessConfigurations %+v", name, m.Topics, m.SourceAccessConfigurations)
		}
		if m.StartingPosition != types.EventSourcePositionTrimHorizon || aws.ToInt32(m.BatchSize) != 100 || aws.ToInt32(m.MaximumBatchingWindowInSeconds) != 0 ||
			aws.ToInt32(m.MaximumRetryAttempts) != -1 || !aws.ToBool(m.BisectBatchOnFunctionError) {
			t.Errorf("%s: settings %v %d %d %d %v", name, m.StartingPosition, aws.ToInt32(m.BatchSize), aws.ToInt32(m.MaximumBatchingWindowInSeconds),
				aws.ToInt32(m.MaximumRetryAttempts), aws.ToBool(m.BisectBatchOnFunctionError))
		}
		if aws.ToString(m.State) != "Enabled" || aws.ToString(m.StateTransitionReason) != kafka.StateTransitionReason ||
			aws.ToString(m.LastProcessingResult) != kafka.LastProcessingResult {
			t.Errorf("%s: State %q, StateTransitionReason %q, LastProcessingResult %q", name, aws.ToString(m.State), aws.ToString(m.StateTransitionReason), aws.ToString(m.LastProcessingResult))
		}
		if m.MaximumRecordAgeInSeconds != nil || m.TumblingWindowInSeconds != nil || m.ParallelizationFactor != nil {
			t.Errorf("%s: stream-only settings shown: %v %v %v", name, m.MaximumRecordAgeInSeconds, m.TumblingWindowInSeconds, m.ParallelizationFactor)
		}
		if m.SelfManagedKafkaEventSourceConfig == nil || aws.ToString(m.SelfManagedKafkaEventSourceConfig.ConsumerGroupId) != uuid {
			t.Errorf("%s: SelfManagedKafkaEventSourceConfig = %+v; want the UUID as the consumer group", name, m.SelfManagedKafkaEventSourceConfig)
		}
		if m.DestinationConfig == nil || m.DestinationConfig.OnFailure == nil || aws.ToString(m.DestinationConfig.OnFailure.Destination) != "arn:aws:sqs:us-east-1:000000000000:dlq" {
			t.Errorf("%s: DestinationConfig = %+v", name, m.DestinationConfig)
		}
	}
	check("ListEventSourceMappings", list.EventSourceMappings[2])
	for i, m := range list.EventSourceMappings[:2] {
		if m.SelfManagedEventSource != nil || m.Topics != nil || aws.ToString(m.EventSourceArn) == "" || aws.ToString(m.StateTransitionReason) != "USER_INITIATED" {
			t.Errorf("mapping %d, not Kafka's: %+v", i, m)
		}
	}
	got, err := c.GetEventSourceMapping(ctx, &lambda.GetEventSourceMappingInput{UUID: aws.String(uuid)})
	if err != nil {
		t.Fatal(err)
	}
	m := types.EventSourceMappingConfiguration{UUID: got.UUID, EventSourceArn: got.EventSourceArn, FunctionArn: got.FunctionArn,
		SelfManagedEventSource: got.SelfManagedEventSource, Topics: got.Topics, SourceAccessConfigurations: got.SourceAccessConfigurations,
		StartingPosition: got.StartingPosition, BatchSize: got.BatchSize, MaximumBatchingWindowInSeconds: got.MaximumBatchingWindowInSeconds,
		MaximumRetryAttempts: got.MaximumRetryAttempts, BisectBatchOnFunctionError: got.BisectBatchOnFunctionError, State: got.State,
		StateTransitionReason: got.StateTransitionReason, LastProcessingResult: got.LastProcessingResult,
		SelfManagedKafkaEventSourceConfig: got.SelfManagedKafkaEventSourceConfig, DestinationConfig: got.DestinationConfig,
		MaximumRecordAgeInSeconds: got.MaximumRecordAgeInSeconds, TumblingWindowInSeconds: got.TumblingWindowInSeconds, ParallelizationFactor: got.ParallelizationFactor}
	check("GetEventSourceMapping", m)
	// A filter by EventSourceArn never matches a mapping that has none.
	bySource, err := c.ListEventSourceMappings(ctx, &lambda.ListEventSourceMappingsInput{EventSourceArn: aws.String(testTriggers()[0].Source)})
	if err != nil || len(bySource.EventSourceMappings) != 1 {
		t.Errorf("ListEventSourceMappings(EventSourceArn): %v %+v", err, bySource)
	}
}
