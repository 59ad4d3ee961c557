package stack

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/errs"
)

var errorLine = regexp.MustCompile(`^verge\.yaml:[1-9][0-9]*:[1-9][0-9]*: \S`)

// FuzzParse checks that no stack file makes Parse panic, and that every
// error it returns is positioned.
func FuzzParse(f *testing.F) {
	_, stacks, _ := goldenParts(f, "*.txtar")
	for _, s := range stacks {
		f.Add([]byte(s))
	}
	// Edge function shapes the goldens do not hold: aliased limits and
	// associations, an empty environment, one function at every trigger.
	f.Add([]byte("resources:\n  s:\n    type: bucket\n    properties:\n      directory: .\n      cdn:\n        enabled: true\n        edgeFunctions: &ef\n          onRequest: &e e\n          onOriginRequest: {function: *e, includeBody: true}\n          onOriginResponse: *e\n          onResponse: *e\n        routeRewrites:\n          - {path: /x, routeTo: {type: bucket, properties: {bucketName: s}}, edgeFunctions: *ef}\n  e:\n    type: edge-lambda-function\n    properties:\n      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn.js}}\n      memory: &m 128\n      timeout: *m\n      packageSizeLimit: *m\n      environment:\n"))
	f.Add([]byte("resources:\n  e:\n    type: edge-lambda-function\n    properties:\n      packaging: {type: custom-artifact, properties: {packagePath: fn.zip, handler: index.handler}}\n      runtime: nodejs20.x\n      environment: [{name: A, value: $Secret('apiKey')}]\n      connectTo: [e]\n"))
	// Queue and topic shapes the goldens do not hold: aliased references,
	// every way of naming a queue, CloudFormation's intrinsic forms.
	f.Add([]byte("resources:\n  q: {type: sqs-queue, properties: {fifoEnabled: true, redrivePolicy: {targetSqsQueueArn: &d \"$CfResourceParam('d', 'Arn')\", maxReceiveCount: 2}}}\n  t: {type: sns-topic}\n  f:\n    type: function\n    properties:\n      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn.js}}\n      destinations: {onFailure: *d, onSuccess: \"$ResourceParam('t', 'arn')\"}\n      events:\n        - {type: sqs, properties: {queueArn: *d, batchSize: 10}}\n        - {type: sns, properties: {topicArn: \"$CfResourceParam('ct', 'TopicArn')\", filterPolicy: {a: [1]}, onDeliveryFailure: {sqsQueueUrl: \"$ResourceParam('q', 'url')\"}}}\ncloudformationResources:\n  d: {Type: AWS::SQS::Queue, Properties: {FifoQueue: true}}\n  ct: {Type: AWS::SNS::Topic, Properties: {Subscription: [{Protocol: sqs, Endpoint: {Ref: d}}, {Protocol: lambda, Endpoint: {Fn::GetAtt: f.Arn}}]}}\n  s: {Type: AWS::SNS::Subscription, Properties: {TopicArn: {Ref: ct}, Protocol: sqs, Endpoint: {Fn::GetAtt: [d, Arn]}, FilterPolicy: '{\"a\": [\"b\"]}'}}\n"))
	// Stream shapes the goldens do not hold: aliased settings, a consumer
	// ARN, a timestamp as a number, every way of naming a stream.
	f.Add([]byte("resources:\n  s: {type: kinesis-stream, properties: {capacityMode: PROVISIONED, shardCount: &n 2, retentionPeriodHours: 48}}\n  q: {type: sqs-queue}\n  f:\n    type: function\n    properties:\n      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn.js}}\n      connectTo: [s]\n      events:\n        - {type: kinesis-stream, properties: {kinesisStreamName: s, parallelizationFactor: *n, startingPosition: AT_TIMESTAMP, startingPositionTimestamp: 1714564800.5, onFailure: {arn: \"$ResourceParam('q', 'arn')\", type: sqs}}}\n        - {type: kinesis-stream, properties: {streamArn: \"$CfResourceParam('C', 'Arn')\", consumerArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/c.v1/consumer/x:1', functionResponseTypes: [ReportBatchItemFailures]}}\n        - {type: kinesis-stream, properties: {streamArn: \"$ResourceParam('s', 'arn')\", autoCreateConsumer: true, maximumRecordAgeInSeconds: -1}}\ncloudformationResources:\n  C: {Type: AWS::Kinesis::Stream, Properties: {Name: c.v1, StreamModeDetails: {StreamMode: ON_DEMAND}, Tags: [{Key: a, Value: b}]}}\n"))
	// Table shapes the goldens do not hold: aliased keys and settings,
	// every way of naming a table's stream, a local index, a bad label.
	f.Add([]byte("resources:\n  users: {type: dynamo-db-table, properties: {primaryKey: {partitionKey: &k {name: id, type: string}, sortKey: {name: at, type: number}}, streamType: &v KEYS_ONLY, secondaryIndexes: [{name: byAt, partitionKey: *k, projections: [a, b]}]}}\n  q: {type: sqs-queue}\n  f:\n    type: function\n    properties:\n      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn.js}}\n      accessControl: {allowAccessTo: [users]}\n      events:\n        - {type: dynamo-db-stream, properties: {streamArn: &s \"$ResourceParam('users', 'streamArn')\", batchSize: &n 7, startingPosition: LATEST, onFailure: {arn: \"$ResourceParam('q', 'arn')\", type: sqs}}}\n        - {type: dynamo-db-stream, properties: {streamArn: \"$CfResourceParam('T', 'StreamArn')\", maximumRetryAttempts: *n, functionResponseTypes: [ReportBatchItemFailures]}}\n        - {type: dynamo-db-stream, properties: {streamArn: arn:aws:dynamodb:us-east-1:000000000000:table/T-1/stream/2020-01-01T00:00:00.000}}\n        - {type: kinesis-stream, properties: {streamArn: *s}}\ncloudformationResources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties: {TableName: T-1, BillingMode: PAY_PER_REQUEST, AttributeDefinitions: [{AttributeName: p, AttributeType: S}, {AttributeName: s, AttributeType: N}], KeySchema: [{AttributeName: p, KeyType: HASH}, {AttributeName: s, KeyType: RANGE}], LocalSecondaryIndexes: [{IndexName: byS, KeySchema: [{AttributeName: p, KeyType: HASH}, {AttributeName: s, KeyType: RANGE}], Projection: {ProjectionType: KEYS_ONLY}}], StreamSpecification: {StreamViewType: *v}, TimeToLiveSpecification: {AttributeName: exp, Enabled: true}}\n  Q: {Type: AWS::SQS::Queue, Properties: {RedrivePolicy: {deadLetterTargetArn: {Fn::GetAtt: [T, StreamArn]}, maxReceiveCount: 1}}}\n"))
	// A stack folder with a few of the files the seeds name.
	dir := f.TempDir()
	stackFiles := map[string]string{
		"public/index.html": "{}", "public/404.html": "{}", "edge/auth.ts": "{}", "fn.js": "{}", "kv.json": "{}",
		"fn.py": "", "fn.mjs": "", "main.go": "", "src/api.ts": "", "dist/fn/index.js": "", "fn.zip": "PK",
		SecretsFileName: "apiKey: k\ndbPassword: p\nlist: [a]\n",
	}
	for name, content := range stackFiles {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			f.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		plan, err := Parse(FileName, data, dir)
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("Parse of %d bytes took %v", len(data), d)
		}
		if err == nil {
			if plan == nil {
				t.Fatal("Parse returned neither a plan nor an error")
			}
			return
		}
		if plan != nil {
			t.Fatal("Parse returned a plan and an error")
		}
		var list errs.List
		if !errors.As(err, &list) || len(list) == 0 {
			t.Fatalf("error is %T, want a non-empty errs.List: %v", err, err)
		}
		for _, e := range list {
			if !errorLine.MatchString(e.Error()) {
				t.Fatalf("error without a verge.yaml:LINE:COL: prefix: %q", e)
			}
			if !errs.Is(errs.Invalid, e) {
				t.Fatalf("error not of kind Invalid: %q", e)
			}
		}
	})
}
