package stack

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/golden"
)

var streamARNTests = []struct {
	arn, stream, consumer string
	problem               string // a substring of the error; "" when valid
}{
	{"arn:aws:kinesis:us-east-1:000000000000:stream/clicks", "clicks", "", ""},
	{"arn:aws:kinesis:us-east-1:000000000000:stream/a.b-c_D9", "a.b-c_D9", "", ""},
	{"arn:aws:kinesis:us-east-1:000000000000:stream/clicks/consumer/fn-0:1700000000", "clicks", "fn-0", ""},
	{"arn:aws:kinesis:us-east-1:000000000000:stream/" + strings.Repeat("s", 128), strings.Repeat("s", 128), "", ""},
	{"arn:aws:kinesis:us-east-1:000000000000:stream/" + strings.Repeat("s", 129), "", "", "1 to 128 characters"},
	{"arn:aws:kinesis:us-east-1:000000000000:stream/", "", "", "1 to 128 characters"},
	{"arn:aws:kinesis:us-east-1:000000000000:stream/a b", "", "", "only letters, digits"},
	{"arn:aws:kinesis:us-east-1:000000000000:clicks", "", "", "not a stream's"},
	{"arn:aws:kinesis:us-east-1:000000000000:stream/clicks/shard/1", "", "", "neither a stream's ARN"},
	{"arn:aws:kinesis:us-east-1:000000000000:stream/clicks/consumer/c", "", "", "neither a stream's ARN"},
	{"arn:aws:kinesis:us-east-1:000000000000:stream/clicks/consumer/c:", "", "", "neither a stream's ARN"},
	{"arn:aws:kinesis:us-east-1:000000000000:stream/clicks/consumer/c:12x", "", "", "neither a stream's ARN"},
	{"arn:aws:kinesis:us-east-1:000000000000:stream/clicks/consumer/:12", "", "", `consumer ""`},
	{"arn:aws:kinesis:us-east-1:000000000000:stream/clicks/consumer/a/b:12", "", "", `consumer "a/b"`},
	{"arn:aws:kinesis:eu-west-1:000000000000:stream/clicks", "", "", `region "eu-west-1"`},
	{"arn:aws:kinesis:us-east-1:123456789012:stream/clicks", "", "", `account "123456789012"`},
	{"arn:aws-cn:kinesis:us-east-1:000000000000:stream/clicks", "", "", `partition "aws-cn"`},
	{"arn:aws:sqs:us-east-1:000000000000:clicks", "", "", `service "sqs"`},
	{"clicks", "", "", "not an ARN"},
	{"", "", "", "not an ARN"},
}

func TestParseStreamARN(t *testing.T) {
	for _, tt := range streamARNTests {
		stream, consumer, err := parseStreamARN(tt.arn)
		switch {
		case tt.problem == "" && (err != nil || stream != tt.stream || consumer != tt.consumer):
			t.Errorf("parseStreamARN(%q) = %q, %q, %v; want %q, %q", tt.arn, stream, consumer, err, tt.stream, tt.consumer)
		case tt.problem != "" && (err == nil || !strings.Contains(err.Error(), tt.problem)):
			t.Errorf("parseStreamARN(%q) error = %v, want %q", tt.arn, err, tt.problem)
		}
	}
}

// FuzzParseStreamARN checks that what parseStreamARN accepts is a valid
// name, and that the ARNs of what it returns parse back to the same.
func FuzzParseStreamARN(f *testing.F) {
	for _, tt := range streamARNTests {
		f.Add(tt.arn)
	}
	f.Fuzz(func(t *testing.T, s string) {
		stream, consumer, err := parseStreamARN(s)
		if err != nil {
			if stream != "" || consumer != "" {
				t.Fatalf("parseStreamARN(%q) failed but returned %q, %q", s, stream, consumer)
			}
			return
		}
		if checkStreamName(stream) != "" || consumer != "" && checkStreamName(consumer) != "" {
			t.Fatalf("parseStreamARN(%q) = %q, %q: not valid names", s, stream, consumer)
		}
		again := "arn:aws:kinesis:us-east-1:000000000000:stream/" + stream
		if consumer != "" {
			again += "/consumer/" + consumer + ":1"
		}
		if s2, c2, err := parseStreamARN(again); err != nil || s2 != stream || c2 != consumer {
			t.Fatalf("%q parsed to %q, %q, but %q to %q, %q, %v", s, stream, consumer, again, s2, c2, err)
		}
	})
}

var timestampTests = []struct {
	value   string
	number  bool
	want    float64
	problem string
}{
	{"1714564800", true, 1714564800, ""},
	{"1714564800.25", true, 1714564800.25, ""},
	{"1_714_564_800", true, 1714564800, ""},
	{"0x10", true, 16, ""},
	{"0", true, 0, ""},
	{"2024-05-01T12:00:00Z", false, 1714564800, ""},
	{"2024-05-01T14:00:00.5+02:00", false, 1714564800.5, ""},
	{"9999-12-31T23:59:59Z", false, maxUnixSeconds, ""},
	{"-1", true, 0, "between 1970 and 9999"},
	{"1e20", true, 0, "between 1970 and 9999"},
	{".nan", true, 0, "not a number"},
	{".inf", true, 0, "not a number"},
	{"1969-12-31T23:59:59Z", false, 0, "between 1970 and 9999"},
	{"2024-05-01", false, 0, "not an RFC 3339 time"},
	{"2024-05-01T12:00:00", false, 0, "not an RFC 3339 time"},
	{"yesterday", false, 0, "not an RFC 3339 time"},
}

func TestParseTimestamp(t *testing.T) {
	for _, tt := range timestampTests {
		got, err := parseTimestamp(tt.value, tt.number)
		switch {
		case tt.problem == "" && (err != nil || math.Abs(got-tt.want) > 1e-6):
			t.Errorf("parseTimestamp(%q, %v) = %v, %v; want %v", tt.value, tt.number, got, err, tt.want)
		case tt.problem != "" && (err == nil || !strings.Contains(err.Error(), tt.problem)):
			t.Errorf("parseTimestamp(%q, %v) error = %v, want %q", tt.value, tt.number, err, tt.problem)
		}
	}
}

// FuzzParseTimestamp checks that every time parseTimestamp accepts is
// between 1970 and 9999.
func FuzzParseTimestamp(f *testing.F) {
	for _, tt := range timestampTests {
		f.Add(tt.value, tt.number)
	}
	f.Fuzz(func(t *testing.T, s string, number bool) {
		sec, err := parseTimestamp(s, number)
		if err == nil && (math.IsNaN(sec) || sec < 0 || sec > maxUnixSeconds) {
			t.Fatalf("parseTimestamp(%q, %v) = %v", s, number, sec)
		}
	})
}

// streamEventBase is a stack whose function fn has one kinesis-stream
// event; a case's lines follow it as that event's properties, from line
// 15 column 13.
const streamEventBase = `resources:
  clicks: {type: kinesis-stream}
  other: {type: kinesis-stream}
  q: {type: sqs-queue}
  fq: {type: sqs-queue, properties: {fifoEnabled: true}}
  t: {type: sns-topic}
  ft: {type: sns-topic, properties: {fifoEnabled: true}}
  fn:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn.js}}
      events:
        - type: kinesis-stream
          properties:
`

// streamResourceBase is a stack to which a case's lines add resources
// from line 2 and cloudformationResources after them.
const streamResourceBase = `resources:
`

func TestStreamErrors(t *testing.T) {
	for _, tt := range []struct {
		name     string
		resource bool     // the lines go after streamResourceBase
		lines    []string // the event's properties, or resources
		want     string   // "LINE:COL: " and a substring of the one error
	}{
		{"no stream", false, []string{"batchSize: 10"}, "15:13: a kinesis-stream event needs one of kinesisStreamName, streamArn"},
		{"two streams", false, []string{"kinesisStreamName: clicks", "streamArn: $ResourceParam('clicks', 'arn')"},
			"16:13: streamArn cannot be used with kinesisStreamName (line 15): a kinesis-stream event reads one stream"},
		{"unknown name", false, []string{"kinesisStreamName: click"}, `15:32: kinesisStreamName: no resource named "click" (did you mean "clicks"?`},
		{"not a stream", false, []string{"kinesisStreamName: q"}, `15:32: kinesisStreamName: "q" is an sqs-queue, but kinesisStreamName takes a kinesis-stream`},
		{"arn undeclared", false, []string{"streamArn: arn:aws:kinesis:us-east-1:000000000000:stream/clickz"},
			`15:24: streamArn "arn:aws:kinesis:us-east-1:000000000000:stream/clickz" names stream "clickz", which the stack does not declare (did you mean "clicks"? streams: clicks, other)`},
		{"arn of a queue", false, []string{"streamArn: $ResourceParam('q', 'arn')"}, `15:24: streamArn "arn:aws:sqs:us-east-1:000000000000:q" is an ARN of service "sqs"`},
		{"arn of a consumer", false, []string{"streamArn: arn:aws:kinesis:us-east-1:000000000000:stream/clicks/consumer/c:1"},
			`15:24: streamArn "arn:aws:kinesis:us-east-1:000000000000:stream/clicks/consumer/c:1" is the ARN of consumer "c" of stream "clicks"`},
		{"arn of another account", false, []string{"streamArn: arn:aws:kinesis:us-east-1:123456789012:stream/clicks"}, `15:24: streamArn "arn:aws:kinesis:us-east-1:123456789012:stream/clicks" names region "us-east-1" and account "123456789012"`},
		{"arn of a secret", false, []string{"streamArn: $Secret('apiKey')"}, `15:24: streamArn "$Secret('apiKey')" does not resolve to a stream's ARN (arn:aws:kinesis:us-east-1:000000000000:stream/NAME) of this stack (the value is a secret, not shown)`},
		{"param of a stream", false, []string{"streamArn: $ResourceParam('clicks', 'url')"}, `15:24: $ResourceParam('clicks', 'url'): kinesis-stream "clicks" has no parameter "url" (parameters: arn, name)`},
		{"batch size 0", false, []string{"kinesisStreamName: clicks", "batchSize: 0"}, "16:24: batchSize must be between 1 and 10000 records, found 0"},
		{"batch size 10001", false, []string{"kinesisStreamName: clicks", "batchSize: 10001"}, "16:24: batchSize must be between 1 and 10000 records, found 10001"},
		{"batch window", false, []string{"kinesisStreamName: clicks", "maxBatchWindowSeconds: 301"}, "16:36: maxBatchWindowSeconds must be between 0 and 300 seconds, found 301"},
		{"starting position", false, []string{"kinesisStreamName: clicks", "startingPosition: EARLIEST"}, `16:31: startingPosition must be TRIM_HORIZON, LATEST or AT_TIMESTAMP, found "EARLIEST"`},
		{"at timestamp without time", false, []string{"kinesisStreamName: clicks", "startingPosition: AT_TIMESTAMP"}, "16:31: startingPosition AT_TIMESTAMP needs startingPositionTimestamp"},
		{"time without at timestamp", false, []string{"kinesisStreamName: clicks", "startingPosition: LATEST", "startingPositionTimestamp: 1714564800"},
			"17:13: startingPositionTimestamp goes with startingPosition AT_TIMESTAMP only (the starting position is LATEST)"},
		{"time without position", false, []string{"kinesisStreamName: clicks", "startingPositionTimestamp: 1714564800"},
			"16:13: startingPositionTimestamp goes with startingPosition AT_TIMESTAMP only (the starting position is TRIM_HORIZON)"},
		{"bad time", false, []string{"kinesisStreamName: clicks", "startingPosition: AT_TIMESTAMP", "startingPositionTimestamp: yesterday"},
			`17:40: startingPositionTimestamp "yesterday" is not an RFC 3339 time`},
		{"time a list", false, []string{"kinesisStreamName: clicks", "startingPosition: AT_TIMESTAMP", "startingPositionTimestamp: [1]"},
			`17:40: startingPositionTimestamp must be Unix seconds or an RFC 3339 time such as 2024-05-01T12:00:00Z, found a list`},
		{"retries -2", false, []string{"kinesisStreamName: clicks", "maximumRetryAttempts: -2"}, "16:35: maximumRetryAttempts must be -1 (retry until the records expire) or between 0 and 10000 retries, found -2"},
		{"retries 10001", false, []string{"kinesisStreamName: clicks", "maximumRetryAttempts: 10001"}, "16:35: maximumRetryAttempts must be -1"},
		{"record age 59", false, []string{"kinesisStreamName: clicks", "maximumRecordAgeInSeconds: 59"}, "16:40: maximumRecordAgeInSeconds must be -1 (no limit) or between 60 and 604800 seconds, found 59"},
		{"record age 0", false, []string{"kinesisStreamName: clicks", "maximumRecordAgeInSeconds: 0"}, "16:40: maximumRecordAgeInSeconds must be -1 (no limit)"},
		{"parallelization 11", false, []string{"kinesisStreamName: clicks", "parallelizationFactor: 11"}, "16:36: parallelizationFactor must be between 1 and 10 batches, found 11"},
		{"parallelization 0", false, []string{"kinesisStreamName: clicks", "parallelizationFactor: 0"}, "16:36: parallelizationFactor must be between 1 and 10 batches, found 0"},
		{"tumbling window", false, []string{"kinesisStreamName: clicks", "tumblingWindowInSeconds: 901"}, "16:38: tumblingWindowInSeconds must be between 0 and 900 seconds, found 901"},
		{"response type", false, []string{"kinesisStreamName: clicks", "functionResponseTypes: [Partial]"}, `16:37: functionResponseTypes may hold only ReportBatchItemFailures, found "Partial"`},
		{"response types twice", false, []string{"kinesisStreamName: clicks", "reportBatchItemFailures: true", "functionResponseTypes: [ReportBatchItemFailures]"},
			"17:36: functionResponseTypes cannot be used with reportBatchItemFailures (line 16)"},
		{"two consumers", false, []string{"kinesisStreamName: clicks", "autoCreateConsumer: true", "consumerArn: arn:aws:kinesis:us-east-1:000000000000:stream/clicks/consumer/c:1"},
			"17:13: consumerArn cannot be used with autoCreateConsumer (line 16): a kinesis-stream event reads through one consumer"},
		{"consumer of a stream arn", false, []string{"kinesisStreamName: clicks", "consumerArn: $ResourceParam('clicks', 'arn')"},
			`16:26: consumerArn "arn:aws:kinesis:us-east-1:000000000000:stream/clicks" is a stream's ARN, not a consumer's`},
		{"consumer of another stream", false, []string{"kinesisStreamName: clicks", "consumerArn: arn:aws:kinesis:us-east-1:000000000000:stream/other/consumer/c:1"},
			`16:26: consumerArn "arn:aws:kinesis:us-east-1:000000000000:stream/other/consumer/c:1" is a consumer of stream "other", but the event reads stream "clicks"`},
		{"consumer without epoch", false, []string{"kinesisStreamName: clicks", "consumerArn: arn:aws:kinesis:us-east-1:000000000000:stream/clicks/consumer/c"},
			`16:26: consumerArn "arn:aws:kinesis:us-east-1:000000000000:stream/clicks/consumer/c" is neither a stream's ARN`},
		{"failure type", false, []string{"kinesisStreamName: clicks", "onFailure: {arn: \"$ResourceParam('q', 'arn')\", type: kafka}"}, `16:66: onFailure type must be sqs or sns, found "kafka"`},
		{"failure type mismatch", false, []string{"kinesisStreamName: clicks", "onFailure: {arn: \"$ResourceParam('t', 'arn')\", type: sqs}"},
			`16:30: onFailure arn "arn:aws:sns:us-east-1:000000000000:t" names topic "t" but type is sqs: write type sns`},
		{"failure fifo queue", false, []string{"kinesisStreamName: clicks", "onFailure: {arn: \"$ResourceParam('fq', 'arn')\", type: sqs}"},
			`16:30: onFailure names FIFO queue "fq.fifo"; Lambda sends a stream's failure records only to standard queues and topics`},
		{"failure fifo topic", false, []string{"kinesisStreamName: clicks", "onFailure: {arn: \"$ResourceParam('ft', 'arn')\", type: sns}"},
			`16:30: onFailure names FIFO topic "ft.fifo"`},
		{"failure undeclared", false, []string{"kinesisStreamName: clicks", "onFailure: {arn: 'arn:aws:sqs:us-east-1:000000000000:dlq', type: sqs}"},
			`16:30: onFailure arn "arn:aws:sqs:us-east-1:000000000000:dlq" names queue "dlq", which the stack does not declare`},
		{"failure of a stream", false, []string{"kinesisStreamName: clicks", "onFailure: {arn: \"$ResourceParam('other', 'arn')\", type: sqs}"},
			`16:30: onFailure arn "arn:aws:kinesis:us-east-1:000000000000:stream/other" is an ARN of service "kinesis"`},
		{"failure without type", false, []string{"kinesisStreamName: clicks", "onFailure: {arn: \"$ResourceParam('q', 'arn')\"}"}, `16:24: missing required property "type" in onFailure`},
		{"read twice", false, []string{"kinesisStreamName: clicks", "batchSize: 5", "- type: kinesis-stream", "  properties: {streamArn: \"$ResourceParam('clicks', 'arn')\"}"},
			`18:35: function "fn" already reads stream "clicks" (line 15): declare each once`},

		{"capacity mode", true, []string{"s: {type: kinesis-stream, properties: {capacityMode: SOMETIMES}}"}, `2:56: capacityMode must be ON_DEMAND or PROVISIONED, found "SOMETIMES"`},
		{"shard count 501", true, []string{"s: {type: kinesis-stream, properties: {capacityMode: PROVISIONED, shardCount: 501}}"}, "2:81: shardCount must be between 1 and 500 shards, found 501"},
		{"shard count 0", true, []string{"s: {type: kinesis-stream, properties: {capacityMode: PROVISIONED, shardCount: 0}}"}, "2:81: shardCount must be between 1 and 500 shards, found 0"},
		{"retention 23", true, []string{"s: {type: kinesis-stream, properties: {retentionPeriodHours: 23}}"}, "2:64: retentionPeriodHours must be between 24 and 8760 hours, found 23"},
		{"retention 8761", true, []string{"s: {type: kinesis-stream, properties: {retentionPeriodHours: 8761}}"}, "2:64: retentionPeriodHours must be between 24 and 8760 hours, found 8761"},
		{"unknown property", true, []string{"s: {type: kinesis-stream, properties: {shardCont: 2}}"}, `2:42: unknown property "shardCont" in properties of kinesis-stream "s" (did you mean "shardCount"?`},
		{"encryption shape", true, []string{"s: {type: kinesis-stream, properties: {encryption: {kmsKeyArn: k}}}"}, `2:54: missing required property "enabled" in encryption`},
		{"cf name", true, []string{"x: {type: sns-topic}", "cloudformationResources:", "  S: {Type: AWS::Kinesis::Stream, Properties: {Name: 'a b'}}"}, `4:54: Name "a b" may hold only letters, digits, '_', '.' and '-'`},
		{"cf on demand shards", true, []string{"x: {type: sns-topic}", "cloudformationResources:", "  S: {Type: AWS::Kinesis::Stream, Properties: {ShardCount: 2, StreamModeDetails: {StreamMode: ON_DEMAND}}}"},
			"4:48: ShardCount is not expected when StreamMode=ON_DEMAND (CloudFormation's rule)"},
		{"cf mode", true, []string{"x: {type: sns-topic}", "cloudformationResources:", "  S: {Type: AWS::Kinesis::Stream, Properties: {StreamModeDetails: {StreamMode: on_demand}}}"}, `4:80: StreamMode must be ON_DEMAND or PROVISIONED, found "on_demand"`},
		{"cf shard count", true, []string{"x: {type: sns-topic}", "cloudformationResources:", "  S: {Type: AWS::Kinesis::Stream, Properties: {ShardCount: 0}}"}, "4:60: ShardCount must be between 1 and 500 shards, found 0"},
		{"cf retention", true, []string{"x: {type: sns-topic}", "cloudformationResources:", "  S: {Type: AWS::Kinesis::Stream, Properties: {RetentionPeriodHours: 9000}}"}, "4:70: RetentionPeriodHours must be between 24 and 8760 hours, found 9000"},
		{"cf name taken", true, []string{"clicks: {type: kinesis-stream}", "cloudformationResources:", "  S: {Type: AWS::Kinesis::Stream, Properties: {Name: clicks}}"},
			`4:6: stream name "clicks" is taken by kinesis-stream "clicks" (line 2): Kinesis stream names are unique in an account`},
		{"cf attribute", true, []string{"fn:", "  type: function", "  properties:", "    packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn.js}}",
			"    environment: [{name: SA, value: \"$CfResourceParam('S', 'StreamArn')\"}]", "cloudformationResources:", "  S: {Type: AWS::Kinesis::Stream}"},
			`6:39: $CfResourceParam('S', 'StreamArn'): AWS::Kinesis::Stream "S" has no attribute "StreamArn" (attributes: Arn, Ref)`},
		{"stream as dead-letter queue", true, []string{"clicks: {type: kinesis-stream}", "q: {type: sqs-queue, properties: {redrivePolicy: {targetSqsQueueArn: \"$ResourceParam('clicks', 'arn')\", maxReceiveCount: 3}}}"},
			`3:72: targetSqsQueueArn "arn:aws:kinesis:us-east-1:000000000000:stream/clicks" is an ARN of service "kinesis"; it takes a queue's ARN`},
		{"cf stream as dead-letter queue", true, []string{"x: {type: sns-topic}", "cloudformationResources:", "  Q: {Type: AWS::SQS::Queue, Properties: {RedrivePolicy: {deadLetterTargetArn: {Fn::GetAtt: [S, Arn]}, maxReceiveCount: 3}}}", "  S: {Type: AWS::Kinesis::Stream}"},
			`4:80: deadLetterTargetArn "arn:aws:kinesis:us-east-1:000000000000:stream/S" is an ARN of service "kinesis"; it takes a queue's ARN`},
		{"cf access", true, []string{"fn:", "  type: function", "  properties:", "    packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn.js}}",
			"    connectTo: [S]", "cloudformationResources:", "  S: {Type: AWS::Kinesis::Stream}"},
			`6:19: "S" is a cloudformationResources entry, which connectTo and allowAccessTo cannot name`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := streamEventBase
			indent := "            "
			if tt.resource {
				src, indent = streamResourceBase, "  "
			}
			for _, l := range tt.lines {
				switch {
				case strings.HasPrefix(l, "cloudformationResources:"):
					indent = ""
				case strings.HasPrefix(l, "- type:"):
					indent = "        "
				}
				src += indent + l + "\n"
			}
			mine := streamLoadErrors(t, src)
			if len(mine) != 1 || !strings.HasPrefix(mine[0], FileName+":"+tt.want) {
				t.Errorf("stack:\n%s\nerrors:\n%s\nwant one: %s:%s", src, strings.Join(mine, "\n"), FileName, tt.want)
			}
		})
	}
}

// streamLoadErrors parses src in a folder holding fn.js and a secrets
// file, and returns its errors, which must be there.
func streamLoadErrors(t *testing.T, src string) []string {
	t.Helper()
	dir := streamDir(t)
	_, err := Parse(FileName, []byte(src), dir)
	if err == nil {
		t.Fatalf("stack:\n%s\nloaded without errors", src)
	}
	checkErrs(t, err, FileName)
	var list errs.List
	errors.As(err, &list)
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = e.Error()
	}
	return out
}

func streamDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range map[string]string{"fn.js": "", SecretsFileName: "apiKey: k\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestStreamWarnings checks the properties that mean nothing locally:
// accepted, with a warning at their key.
func TestStreamWarnings(t *testing.T) {
	src := `resources:
  a:
    type: kinesis-stream
    properties:
      shardCount: 3
      encryption: {enabled: true, kmsKeyArn: arn:aws:kms:us-east-1:000000000000:key/k}
      enableEnhancedFanOut: true
  b:
    type: kinesis-stream
    properties:
      capacityMode: PROVISIONED
      encryption: {enabled: false}
      enableEnhancedFanOut: false
cloudformationResources:
  C:
    Type: AWS::Kinesis::Stream
    Properties:
      StreamEncryption: {EncryptionType: KMS, KeyId: alias/aws/kinesis}
      DesiredShardLevelMetrics: [IncomingBytes]
`
	plan, err := Parse(FileName, []byte(src), streamDir(t))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"5:7: shardCount is ignored: an on-demand stream has 4 shards locally",
		"6:7: encryption is ignored: there is no KMS locally",
		"7:7: enableEnhancedFanOut changes nothing locally",
		"18:7: StreamEncryption is ignored",
		"19:7: DesiredShardLevelMetrics is ignored: there are no CloudWatch metrics locally",
	}
	if len(plan.Warnings) != len(want) {
		t.Fatalf("warnings:\n%s\nwant %d", strings.Join(plan.Warnings, "\n"), len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(plan.Warnings[i], FileName+":"+w) {
			t.Errorf("warning %d = %q, want %s:%s", i, plan.Warnings[i], FileName, w)
		}
	}
	wantStreams := []Stream{
		{Resource: "C", Name: "C", Mode: StreamProvisioned, ShardCount: 1, RetentionHours: 24},
		{Resource: "a", Name: "a", Mode: StreamOnDemand, RetentionHours: 24},
		{Resource: "b", Name: "b", Mode: StreamProvisioned, ShardCount: 1, RetentionHours: 24},
	}
	if fmt.Sprint(plan.Streams) != fmt.Sprint(wantStreams) {
		t.Errorf("streams = %+v, want %+v", plan.Streams, wantStreams)
	}
}

// TestStreamReferences checks the stream parameters, the grantable list
// and the consumer quota.
func TestStreamReferences(t *testing.T) {
	src := `resources:
  clicks: {type: kinesis-stream}
  fn:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn.js}}
      environment:
        - {name: REF, value: "$CfResourceParam('Raw', 'Ref')"}
        - {name: ARN, value: "$CfResourceParam('Raw', 'Arn')"}
      connectTo: [clicks]
cloudformationResources:
  Raw: {Type: AWS::Kinesis::Stream, Properties: {Name: raw-events}}
`
	plan, err := Parse(FileName, []byte(src), streamDir(t))
	if err != nil {
		t.Fatal(err)
	}
	env := fmt.Sprint(plan.Functions["fn"].Environment)
	if want := "[{REF raw-events} {ARN arn:aws:kinesis:us-east-1:000000000000:stream/raw-events}]"; env != want {
		t.Errorf("environment = %s, want %s", env, want)
	}
	found := false
	for _, g := range plan.Grantable {
		found = found || g.Name == "clicks" && g.Kind == TypeKinesisStream && g.ARNName == "clicks"
	}
	if !found {
		t.Errorf("Grantable = %+v, want the stream clicks", plan.Grantable)
	}
	if p := plan.Functions["fn"].Policy; len(p) != 1 || fmt.Sprint(p[0].Resources) != "[arn:aws:kinesis:us-east-1:000000000000:stream/clicks]" {
		t.Errorf("policy = %+v, want a grant on stream clicks", p)
	}

	// 21 functions, each with a consumer of its own on one stream.
	var b strings.Builder
	b.WriteString("resources:\n  clicks: {type: kinesis-stream}\n")
	for i := range maxStreamConsumers + 1 {
		fmt.Fprintf(&b, "  f%d:\n    type: function\n    properties:\n      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn.js}}\n      events: [{type: kinesis-stream, properties: {kinesisStreamName: clicks, autoCreateConsumer: true}}]\n", i)
	}
	problems := streamLoadErrors(t, b.String())
	if len(problems) != 1 || !strings.Contains(problems[0], `stream "clicks" has more than 20 consumers`) {
		t.Errorf("errors = %q, want one about the consumer quota", problems)
	}
}

// TestStreamTriggerReferences checks, over every golden plan, what the
// engine relies on: triggers name streams the plan lists (or tables with
// a stream, read from no timestamp through no consumer), functions of
// the plan and queues or topics of it, (Function, Index) is unique, and
// the lists are sorted.
func TestStreamTriggerReferences(t *testing.T) {
	files, stacks, wants := goldenParts(t, "*.txtar")
	checked := 0
	for i, file := range files {
		if !strings.HasPrefix(strings.TrimSpace(wants[i]), "{") {
			continue // an error golden
		}
		a, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if err := golden.WriteFiles(dir, a); err != nil {
			t.Fatal(err)
		}
		plan, err := Parse(FileName, []byte(stacks[i]), dir)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		streams, queues, topics := map[string]bool{}, map[string]bool{}, map[string]bool{}
		for j, s := range plan.Streams {
			streams[s.Name] = true
			if j > 0 && plan.Streams[j-1].Name >= s.Name {
				t.Errorf("%s: streams not sorted by name at %q", file, s.Name)
			}
			if (s.Mode == StreamOnDemand) != (s.ShardCount == 0) || s.RetentionHours < minRetentionHours {
				t.Errorf("%s: stream %+v: mode, shard count and retention disagree", file, s)
			}
		}
		for _, q := range plan.Queues {
			queues[q.Name] = true
		}
		for _, tp := range plan.Topics {
			topics[tp.Name] = true
		}
		tableStreams := map[string]bool{}
		for _, tb := range plan.Tables {
			tableStreams[tb.Name] = tb.StreamView != ""
		}
		for j, tr := range plan.StreamTriggers {
			d := tr.OnFailure
			source := tr.Kind == TriggerKinesis && streams[tr.Stream] ||
				tr.Kind == TriggerDynamoDB && tableStreams[tr.Stream] && tr.Consumer == "" && tr.StartingPosition != StartAtTimestamp
			if !source || plan.Functions[tr.Function] == nil ||
				d != nil && !(d.Kind == DestinationQueue && queues[d.Name] || d.Kind == DestinationTopic && topics[d.Name]) {
				t.Errorf("%s: trigger %+v names an unknown stream, function, queue or topic", file, tr)
			}
			if j > 0 && cmpEvent(plan.StreamTriggers[j-1].Function, tr.Function, plan.StreamTriggers[j-1].Index, tr.Index) >= 0 {
				t.Errorf("%s: stream triggers not sorted, or repeated, at %+v", file, tr)
			}
		}
		checked += len(plan.StreamTriggers)
	}
	if checked < 3 {
		t.Errorf("the goldens hold only %d stream triggers; the check is missing them", checked)
	}
}
