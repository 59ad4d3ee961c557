package stack

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/verge-edge/verge/internal/arn"
)

var tableStreamARNTests = []struct {
	arn, table, label string
	problem           string // a substring of the error; "" when valid
}{
	{"arn:aws:dynamodb:us-east-1:000000000000:table/users/stream/2019-11-14T00:04:06.388", "users", "2019-11-14T00:04:06.388", ""},
	{"arn:aws:dynamodb:us-east-1:000000000000:table/users", "users", "", ""},
	{"arn:aws:dynamodb:us-east-1:000000000000:table/a.b-c_D9/stream/x", "a.b-c_D9", "x", ""},
	{"arn:aws:dynamodb:us-east-1:000000000000:table/" + strings.Repeat("t", 255), strings.Repeat("t", 255), "", ""},
	{"arn:aws:dynamodb:us-east-1:000000000000:table/" + strings.Repeat("t", 256), "", "", "3 to 255 characters"},
	{"arn:aws:dynamodb:us-east-1:000000000000:table/ab/stream/x", "", "", "3 to 255 characters"},
	{"arn:aws:dynamodb:us-east-1:000000000000:table/a b/stream/x", "", "", "only letters, digits"},
	{"arn:aws:dynamodb:us-east-1:000000000000:table/users/stream/", "", "", "neither a table's ARN"},
	{"arn:aws:dynamodb:us-east-1:000000000000:table/users/stream/a/b", "", "", "neither a table's ARN"},
	{"arn:aws:dynamodb:us-east-1:000000000000:table/users/index/byEmail", "", "", "neither a table's ARN"},
	{"arn:aws:dynamodb:us-east-1:000000000000:users", "", "", "not a table's"},
	{"arn:aws:dynamodb:eu-west-1:000000000000:table/users", "", "", `region "eu-west-1"`},
	{"arn:aws:dynamodb:us-east-1:123456789012:table/users", "", "", `account "123456789012"`},
	{"arn:aws-cn:dynamodb:us-east-1:000000000000:table/users", "", "", `partition "aws-cn"`},
	{"arn:aws:kinesis:us-east-1:000000000000:stream/users", "", "", `service "kinesis"`},
	{"users", "", "", "not an ARN"},
	{"", "", "", "not an ARN"},
}

func TestParseTableStreamARN(t *testing.T) {
	for _, tt := range tableStreamARNTests {
		table, label, err := parseTableStreamARN(tt.arn)
		switch {
		case tt.problem == "" && (err != nil || table != tt.table || label != tt.label):
			t.Errorf("parseTableStreamARN(%q) = %q, %q, %v; want %q, %q", tt.arn, table, label, err, tt.table, tt.label)
		case tt.problem != "" && (err == nil || !strings.Contains(err.Error(), tt.problem)):
			t.Errorf("parseTableStreamARN(%q) error = %v, want %q", tt.arn, err, tt.problem)
		}
	}
}

// FuzzParseTableStreamARN checks that what parseTableStreamARN accepts is
// a valid table name with a label of no '/', and that the ARN built from
// what it returns parses back to the same.
func FuzzParseTableStreamARN(f *testing.F) {
	for _, tt := range tableStreamARNTests {
		f.Add(tt.arn)
	}
	f.Fuzz(func(t *testing.T, s string) {
		table, label, err := parseTableStreamARN(s)
		if err != nil {
			if table != "" || label != "" {
				t.Fatalf("parseTableStreamARN(%q) failed but returned %q, %q", s, table, label)
			}
			return
		}
		if checkTableName(table) != "" || strings.ContainsAny(label, "/ ") {
			t.Fatalf("parseTableStreamARN(%q) = %q, %q: not a valid table and label", s, table, label)
		}
		again := arn.Table(table)
		if label != "" {
			again += "/stream/" + label
		}
		if t2, l2, err := parseTableStreamARN(again); err != nil || t2 != table || l2 != label {
			t.Fatalf("%q parsed to %q, %q, but %q to %q, %q, %v", s, table, label, again, t2, l2, err)
		}
	})
}

// tableEventBase is a stack whose function's dynamo-db-stream event takes
// a case's lines as properties, from line 19.
const tableEventBase = `resources:
  users:
    type: dynamo-db-table
    properties:
      primaryKey: {partitionKey: {name: id, type: string}}
      streamType: NEW_AND_OLD_IMAGES
  plain: {type: dynamo-db-table, properties: {primaryKey: {partitionKey: {name: id, type: number}}}}
  q: {type: sqs-queue}
  fq: {type: sqs-queue, properties: {fifoEnabled: true}}
  t: {type: sns-topic}
  clicks: {type: kinesis-stream}
  fn:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn.js}}
      events:
        - type: dynamo-db-stream
          properties:
`

// usersStream is the stream ARN of tableEventBase's users table.
var usersStream = arn.TableStream("users")

func TestTableErrors(t *testing.T) {
	for _, tt := range []struct {
		name     string
		resource bool     // the lines go after "resources:"
		lines    []string // the event's properties, or resources
		want     string   // "LINE:COL: " and a substring of the one error
	}{
		{"no stream arn", false, []string{"batchSize: 10"}, `19:13: missing required property "streamArn"`},
		{"table without stream", false, []string{"streamArn: $ResourceParam('plain', 'streamArn')"},
			`19:24: $ResourceParam('plain', 'streamArn'): dynamo-db-table "plain" has no stream, so no stream ARN: set its streamType (NEW_AND_OLD_IMAGES, for one)`},
		{"unknown table", false, []string{"streamArn: $ResourceParam('user', 'streamArn')"}, `19:24: $ResourceParam('user', 'streamArn'): no resource named "user" (did you mean "users"?`},
		{"table arn", false, []string{"streamArn: $ResourceParam('users', 'arn')"},
			`19:24: streamArn "arn:aws:dynamodb:us-east-1:000000000000:table/users" is the ARN of table "users", not of its stream (` + usersStream + `): write $ResourceParam('users', 'streamArn')`},
		{"arn of a table without stream", false, []string{"streamArn: $ResourceParam('plain', 'arn')"},
			`19:24: streamArn "arn:aws:dynamodb:us-east-1:000000000000:table/plain" is the ARN of table "plain", not of its stream; and dynamo-db-table "plain" has no stream`},
		{"literal arn of a table without stream", false, []string{"streamArn: arn:aws:dynamodb:us-east-1:000000000000:table/plain/stream/2024-01-01T00:00:00.000"},
			`19:24: streamArn "arn:aws:dynamodb:us-east-1:000000000000:table/plain/stream/2024-01-01T00:00:00.000": dynamo-db-table "plain" has no stream`},
		{"wrong label", false, []string{"streamArn: arn:aws:dynamodb:us-east-1:000000000000:table/users/stream/2024-01-01T00:00:00.000"},
			`19:24: streamArn "arn:aws:dynamodb:us-east-1:000000000000:table/users/stream/2024-01-01T00:00:00.000" names stream "2024-01-01T00:00:00.000" of table "users", but the table's stream is "` + arn.TableStreamLabel("users") + `"`},
		{"undeclared table", false, []string{"streamArn: arn:aws:dynamodb:us-east-1:000000000000:table/userz/stream/x"},
			`19:24: streamArn "arn:aws:dynamodb:us-east-1:000000000000:table/userz/stream/x" names table "userz", which the stack does not declare (did you mean "users"? tables: plain, users)`},
		{"kinesis stream", false, []string{"streamArn: $ResourceParam('clicks', 'arn')"},
			`19:24: streamArn "arn:aws:kinesis:us-east-1:000000000000:stream/clicks" is an ARN of service "kinesis"; it takes a table's stream ARN`},
		{"secret", false, []string{"streamArn: $Secret('apiKey')"},
			`19:24: streamArn "$Secret('apiKey')" does not resolve to the stream ARN of a table of this stack with a stream (the value is a secret, not shown)`},
		{"batch size 0", false, []string{"streamArn: $ResourceParam('users', 'streamArn')", "batchSize: 0"}, "20:24: batchSize must be between 1 and 10000 records, found 0"},
		{"batch size 10001", false, []string{"streamArn: $ResourceParam('users', 'streamArn')", "batchSize: 10001"}, "20:24: batchSize must be between 1 and 10000 records, found 10001"},
		{"batch window", false, []string{"streamArn: $ResourceParam('users', 'streamArn')", "maxBatchWindowSeconds: 301"}, "20:36: maxBatchWindowSeconds must be between 0 and 300 seconds, found 301"},
		{"at timestamp", false, []string{"streamArn: $ResourceParam('users', 'streamArn')", "startingPosition: AT_TIMESTAMP"},
			"20:31: startingPosition AT_TIMESTAMP is for Kinesis streams: Lambda reads a DynamoDB stream from TRIM_HORIZON or LATEST"},
		{"starting position", false, []string{"streamArn: $ResourceParam('users', 'streamArn')", "startingPosition: EARLIEST"}, `20:31: startingPosition must be TRIM_HORIZON or LATEST, found "EARLIEST"`},
		{"starting timestamp", false, []string{"streamArn: $ResourceParam('users', 'streamArn')", "startingPositionTimestamp: 1714564800"}, `20:13: unknown property "startingPositionTimestamp"`},
		{"consumer", false, []string{"streamArn: $ResourceParam('users', 'streamArn')", "autoCreateConsumer: true"}, `20:13: unknown property "autoCreateConsumer"`},
		{"retries -2", false, []string{"streamArn: $ResourceParam('users', 'streamArn')", "maximumRetryAttempts: -2"}, "20:35: maximumRetryAttempts must be -1 (retry until the records expire) or between 0 and 10000 retries, found -2"},
		{"record age 59", false, []string{"streamArn: $ResourceParam('users', 'streamArn')", "maximumRecordAgeInSeconds: 59"}, "20:40: maximumRecordAgeInSeconds must be -1 (no limit) or between 60 and 604800 seconds, found 59"},
		{"parallelization 11", false, []string{"streamArn: $ResourceParam('users', 'streamArn')", "parallelizationFactor: 11"}, "20:36: parallelizationFactor must be between 1 and 10 batches, found 11"},
		{"tumbling window", false, []string{"streamArn: $ResourceParam('users', 'streamArn')", "tumblingWindowInSeconds: 901"}, "20:38: tumblingWindowInSeconds must be between 0 and 900 seconds, found 901"},
		{"response type", false, []string{"streamArn: $ResourceParam('users', 'streamArn')", "functionResponseTypes: [Partial]"}, `20:37: functionResponseTypes may hold only ReportBatchItemFailures, found "Partial"`},
		{"failure type", false, []string{"streamArn: $ResourceParam('users', 'streamArn')", "onFailure: {arn: \"$ResourceParam('q', 'arn')\", type: kafka}"}, `20:66: onFailure type must be sqs or sns, found "kafka"`},
		{"failure fifo queue", false, []string{"streamArn: $ResourceParam('users', 'streamArn')", "onFailure: {arn: \"$ResourceParam('fq', 'arn')\", type: sqs}"},
			`20:30: onFailure names FIFO queue "fq.fifo"; Lambda sends a stream's failure records only to standard queues and topics`},
		{"failure type mismatch", false, []string{"streamArn: $ResourceParam('users', 'streamArn')", "onFailure: {arn: \"$ResourceParam('t', 'arn')\", type: sqs}"},
			`20:30: onFailure arn "arn:aws:sns:us-east-1:000000000000:t" names topic "t" but type is sqs: write type sns`},
		{"failure a table", false, []string{"streamArn: $ResourceParam('users', 'streamArn')", "onFailure: {arn: \"$ResourceParam('users', 'arn')\", type: sqs}"},
			`20:30: onFailure arn "arn:aws:dynamodb:us-east-1:000000000000:table/users" is an ARN of service "dynamodb"`},
		{"read twice", false, []string{"streamArn: $ResourceParam('users', 'streamArn')", "- type: dynamo-db-stream", "  properties: {streamArn: \"$ResourceParam('users', 'streamArn')\", batchSize: 5}"},
			`21:35: function "fn" already reads the stream of table "users" (line 19): declare each once`},

		{"short name", true, []string{"ab: {type: dynamo-db-table, properties: {primaryKey: {partitionKey: {name: id, type: string}}}}"},
			`2:7: dynamo-db-table "ab": the table is named after the resource, and a DynamoDB table name must be 3 to 255 characters`},
		{"no primary key", true, []string{"users: {type: dynamo-db-table, properties: {streamType: KEYS_ONLY}}"}, `2:46: missing required property "primaryKey"`},
		{"key type", true, []string{"users: {type: dynamo-db-table, properties: {primaryKey: {partitionKey: {name: id, type: str}}}}"},
			`2:91: type must be string, number or binary, found "str"`},
		{"empty key name", true, []string{"users: {type: dynamo-db-table, properties: {primaryKey: {partitionKey: {name: '', type: string}}}}"},
			"2:81: name must be 1 to 255 bytes, found 0"},
		{"sort key is partition key", true, []string{"users: {type: dynamo-db-table, properties: {primaryKey: {partitionKey: {name: id, type: string}, sortKey: {name: id, type: string}}}}"},
			`2:116: the sort key is the partition key "id"`},
		{"stream type", true, []string{"users: {type: dynamo-db-table, properties: {primaryKey: {partitionKey: {name: id, type: string}}, streamType: NEW}}",
			"fn: {type: function, properties: {packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn.js}}, events: [{type: dynamo-db-stream, properties: {streamArn: \"$ResourceParam('users', 'streamArn')\"}}]}}"},
			`2:113: streamType must be KEYS_ONLY, NEW_IMAGE, OLD_IMAGE or NEW_AND_OLD_IMAGES, found "NEW"`},
		{"old streaming spelling", true, []string{"users: {type: dynamo-db-table, properties: {primaryKey: {partitionKey: {name: id, type: string}}, streamingEnabled: true}}"},
			`2:101: unknown property "streamingEnabled" in properties of dynamo-db-table "users"`},
		{"index key type conflict", true, []string{"users: {type: dynamo-db-table, properties: {primaryKey: {partitionKey: {name: id, type: string}}, secondaryIndexes: [{name: byId, partitionKey: {name: id, type: number}}]}}"},
			`2:164: attribute "id" is of type N here but S at line 2: an attribute has one type in a table's keys`},
		{"index name", true, []string{"users: {type: dynamo-db-table, properties: {primaryKey: {partitionKey: {name: id, type: string}}, secondaryIndexes: [{name: 'by id', partitionKey: {name: e, type: string}}]}}"},
			`2:127: index name "by id" may hold only letters, digits, '_', '.' and '-'`},
		{"index twice", true, []string{"users: {type: dynamo-db-table, properties: {primaryKey: {partitionKey: {name: id, type: string}}, secondaryIndexes: [{name: byE, partitionKey: {name: e, type: string}}, {name: byE, partitionKey: {name: f, type: string}}]}}"},
			`2:179: index "byE" is declared twice (first at line 2): index names are unique in a table`},
		{"projected twice", true, []string{"users: {type: dynamo-db-table, properties: {primaryKey: {partitionKey: {name: id, type: string}}, secondaryIndexes: [{name: byE, partitionKey: {name: e, type: string}, projections: [a, a]}]}}"},
			`2:188: attribute "a" is projected twice into index "byE"`},
		{"name taken", true, []string{"users: {type: dynamo-db-table, properties: {primaryKey: {partitionKey: {name: id, type: string}}}}", "cloudformationResources:",
			"  U: {Type: AWS::DynamoDB::Table, Properties: {TableName: users, BillingMode: PAY_PER_REQUEST, AttributeDefinitions: [{AttributeName: id, AttributeType: S}], KeySchema: [{AttributeName: id, KeyType: HASH}]}}"},
			`4:6: table name "users" is taken by dynamo-db-table "users" (line 2): DynamoDB table names are unique in an account`},

		{"cf table name", true, cfTable("TableName: 'a b', ", "", "")[:], `4:61: TableName "a b" may hold only letters, digits, '_', '.' and '-'`},
		{"cf short logical id", true, []string{"x: {type: sns-topic}", "cloudformationResources:",
			"  T: {Type: AWS::DynamoDB::Table, Properties: {BillingMode: PAY_PER_REQUEST, AttributeDefinitions: [{AttributeName: id, AttributeType: S}], KeySchema: [{AttributeName: id, KeyType: HASH}]}}"},
			`4:6: AWS::DynamoDB::Table "T": without TableName the table is named by its logical id, and a DynamoDB table name must be 3 to 255 characters`},
		{"cf attribute type", true, []string{"x: {type: sns-topic}", "cloudformationResources:",
			"  Tab: {Type: AWS::DynamoDB::Table, Properties: {BillingMode: PAY_PER_REQUEST, AttributeDefinitions: [{AttributeName: id, AttributeType: string}], KeySchema: [{AttributeName: id, KeyType: HASH}]}}"},
			`4:138: AttributeType must be S, N or B, found "string"`},
		{"cf attribute twice", true, cfTable("", "{AttributeName: id, AttributeType: N}", ""), `4:158: attribute "id" is defined twice (first at line 4)`},
		{"cf attribute unused", true, cfTable("", "{AttributeName: extra, AttributeType: S}", ""),
			`4:158: AttributeDefinitions defines "extra", which is no key of the table nor of its indexes (DynamoDB: "Number of attributes in KeySchema does not exactly match`},
		{"cf key undefined", true, []string{"x: {type: sns-topic}", "cloudformationResources:",
			"  Tab: {Type: AWS::DynamoDB::Table, Properties: {BillingMode: PAY_PER_REQUEST, AttributeDefinitions: [{AttributeName: id, AttributeType: S}], KeySchema: [{AttributeName: ik, KeyType: HASH}]}}"},
			`4:171: KeySchema names attribute "ik", which AttributeDefinitions does not define (did you mean "id"? defined: id)`},
		{"cf range first", true, []string{"x: {type: sns-topic}", "cloudformationResources:",
			"  Tab: {Type: AWS::DynamoDB::Table, Properties: {BillingMode: PAY_PER_REQUEST, AttributeDefinitions: [{AttributeName: id, AttributeType: S}], KeySchema: [{AttributeName: id, KeyType: RANGE}]}}"},
			`4:184: KeySchema's element 1 must be HASH, found RANGE: the HASH (partition) key comes first`},
		{"cf key type", true, []string{"x: {type: sns-topic}", "cloudformationResources:",
			"  Tab: {Type: AWS::DynamoDB::Table, Properties: {BillingMode: PAY_PER_REQUEST, AttributeDefinitions: [{AttributeName: id, AttributeType: S}], KeySchema: [{AttributeName: id, KeyType: PARTITION}]}}"},
			`4:184: KeyType must be HASH or RANGE, found "PARTITION"`},
		{"cf three keys", true, []string{"x: {type: sns-topic}", "cloudformationResources:",
			"  Tab: {Type: AWS::DynamoDB::Table, Properties: {BillingMode: PAY_PER_REQUEST, AttributeDefinitions: [{AttributeName: id, AttributeType: S}], KeySchema: [{AttributeName: id, KeyType: HASH}, {AttributeName: id, KeyType: RANGE}, {AttributeName: id, KeyType: RANGE}]}}"},
			"4:154: KeySchema must hold a HASH element and at most one RANGE element, found 3 elements"},
		{"cf provisioned without throughput", true, []string{"x: {type: sns-topic}", "cloudformationResources:",
			"  Tab: {Type: AWS::DynamoDB::Table, Properties: {AttributeDefinitions: [{AttributeName: id, AttributeType: S}], KeySchema: [{AttributeName: id, KeyType: HASH}]}}"},
			`4:49: a PROVISIONED table (CloudFormation's default BillingMode) needs ProvisionedThroughput`},
		{"cf on demand with throughput", true, cfTable("ProvisionedThroughput: {ReadCapacityUnits: 1, WriteCapacityUnits: 1}, ", "", ""),
			`4:50: ProvisionedThroughput cannot be used with BillingMode PAY_PER_REQUEST`},
		{"cf billing mode", true, []string{"x: {type: sns-topic}", "cloudformationResources:",
			"  Tab: {Type: AWS::DynamoDB::Table, Properties: {BillingMode: ON_DEMAND, AttributeDefinitions: [{AttributeName: id, AttributeType: S}], KeySchema: [{AttributeName: id, KeyType: HASH}]}}"},
			`4:63: BillingMode must be PROVISIONED or PAY_PER_REQUEST, found "ON_DEMAND"`},
		{"cf capacity 0", true, []string{"x: {type: sns-topic}", "cloudformationResources:",
			"  Tab: {Type: AWS::DynamoDB::Table, Properties: {ProvisionedThroughput: {ReadCapacityUnits: 0, WriteCapacityUnits: 1}, AttributeDefinitions: [{AttributeName: id, AttributeType: S}], KeySchema: [{AttributeName: id, KeyType: HASH}]}}"},
			"4:93: ReadCapacityUnits must be at least 1, found 0"},
		{"cf stream view", true, append(cfTable("StreamSpecification: {StreamViewType: ALL}, ", "", ""),
			"  Other: {Type: AWS::SQS::Queue, Properties: {RedrivePolicy: {deadLetterTargetArn: {Fn::GetAtt: [Tab, StreamArn]}, maxReceiveCount: 1}}}"),
			`4:88: StreamViewType must be KEYS_ONLY, NEW_IMAGE, OLD_IMAGE or NEW_AND_OLD_IMAGES, found "ALL"`},
		{"cf ttl without attribute", true, cfTable("TimeToLiveSpecification: {Enabled: true}, ", "", ""),
			"4:76: TimeToLiveSpecification needs AttributeName when Enabled is true"},
		{"cf projection type", true, cfTable("", "{AttributeName: e, AttributeType: S}", "GlobalSecondaryIndexes: [{IndexName: byE, KeySchema: [{AttributeName: e, KeyType: HASH}], Projection: {ProjectionType: SOME}}]"),
			`4:349: ProjectionType must be ALL, KEYS_ONLY or INCLUDE, found "SOME"`},
		{"cf include without attributes", true, cfTable("", "{AttributeName: e, AttributeType: S}", "GlobalSecondaryIndexes: [{IndexName: byE, KeySchema: [{AttributeName: e, KeyType: HASH}], Projection: {ProjectionType: INCLUDE}}]"),
			`4:349: ProjectionType INCLUDE needs NonKeyAttributes: the attributes copied into index "byE"`},
		{"cf attributes without include", true, cfTable("", "{AttributeName: e, AttributeType: S}", "GlobalSecondaryIndexes: [{IndexName: byE, KeySchema: [{AttributeName: e, KeyType: HASH}], Projection: {ProjectionType: ALL, NonKeyAttributes: [a]}}]"),
			`4:354: NonKeyAttributes go with ProjectionType INCLUDE only (DynamoDB: "No attributes should be specified to be projected unless projection type is INCLUDE")`},
		{"cf no projection", true, cfTable("", "{AttributeName: e, AttributeType: S}", "GlobalSecondaryIndexes: [{IndexName: byE, KeySchema: [{AttributeName: e, KeyType: HASH}]}]"),
			`4:255: missing required property "Projection"`},
		{"cf local index without table sort key", true, cfTable("", "{AttributeName: e, AttributeType: S}", "LocalSecondaryIndexes: [{IndexName: byE, KeySchema: [{AttributeName: id, KeyType: HASH}, {AttributeName: e, KeyType: RANGE}], Projection: {ProjectionType: ALL}}]"),
			`4:282: local index "byE" needs a table with a sort key (DynamoDB: "Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex")`},
		{"cf local index partition key", true, []string{"x: {type: sns-topic}", "cloudformationResources:",
			"  Tab: {Type: AWS::DynamoDB::Table, Properties: {BillingMode: PAY_PER_REQUEST, AttributeDefinitions: [{AttributeName: id, AttributeType: S}, {AttributeName: s, AttributeType: S}, {AttributeName: e, AttributeType: S}], " +
				"KeySchema: [{AttributeName: id, KeyType: HASH}, {AttributeName: s, KeyType: RANGE}], LocalSecondaryIndexes: [{IndexName: byE, KeySchema: [{AttributeName: e, KeyType: HASH}, {AttributeName: s, KeyType: RANGE}], Projection: {ProjectionType: ALL}}]}}"},
			`4:356: local index "byE"'s partition key is "e", but a local index's is the table's, "id"`},
		{"cf local index without sort key", true, []string{"x: {type: sns-topic}", "cloudformationResources:",
			"  Tab: {Type: AWS::DynamoDB::Table, Properties: {BillingMode: PAY_PER_REQUEST, AttributeDefinitions: [{AttributeName: id, AttributeType: S}, {AttributeName: s, AttributeType: S}], " +
				"KeySchema: [{AttributeName: id, KeyType: HASH}, {AttributeName: s, KeyType: RANGE}], LocalSecondaryIndexes: [{IndexName: byId, KeySchema: [{AttributeName: id, KeyType: HASH}], Projection: {ProjectionType: ALL}}]}}"},
			`4:319: local index "byId" needs a sort key (a RANGE element)`},
		{"cf tags", true, cfTable("Tags: [{Key: a, Value: b}, {Key: a, Value: c}], ", "", ""), `4:83: tag "a" is set twice`},
		{"cf stream attribute without stream", true, []string{"fn:", "  type: function", "  properties:", "    packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn.js}}",
			"    environment: [{name: SA, value: \"$CfResourceParam('Tab', 'StreamArn')\"}]", "cloudformationResources:",
			"  Tab: {Type: AWS::DynamoDB::Table, Properties: {BillingMode: PAY_PER_REQUEST, AttributeDefinitions: [{AttributeName: id, AttributeType: S}], KeySchema: [{AttributeName: id, KeyType: HASH}]}}"},
			`6:39: $CfResourceParam('Tab', 'StreamArn'): AWS::DynamoDB::Table "Tab" has no stream, so no stream ARN: give it a StreamSpecification`},
		{"cf attribute", true, []string{"fn:", "  type: function", "  properties:", "    packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn.js}}",
			"    environment: [{name: SA, value: \"$CfResourceParam('Tab', 'TableName')\"}]", "cloudformationResources:",
			"  Tab: {Type: AWS::DynamoDB::Table, Properties: {BillingMode: PAY_PER_REQUEST, AttributeDefinitions: [{AttributeName: id, AttributeType: S}], KeySchema: [{AttributeName: id, KeyType: HASH}]}}"},
			`6:39: $CfResourceParam('Tab', 'TableName'): AWS::DynamoDB::Table "Tab" has no attribute "TableName" (attributes: Arn, Ref)`},
		{"cf stream arn as subscription endpoint", true, []string{"t: {type: sns-topic}", "cloudformationResources:",
			"  Tab: {Type: AWS::DynamoDB::Table, Properties: {BillingMode: PAY_PER_REQUEST, AttributeDefinitions: [{AttributeName: id, AttributeType: S}], KeySchema: [{AttributeName: id, KeyType: HASH}], StreamSpecification: {StreamViewType: NEW_IMAGE}}}",
			"  S: {Type: AWS::SNS::Subscription, Properties: {TopicArn: \"$ResourceParam('t', 'arn')\", Protocol: sqs, Endpoint: {Fn::GetAtt: [Tab, StreamArn]}}}"},
			`5:115: Endpoint "` + arn.TableStream("Tab") + `" is an ARN of service "dynamodb"`},
		{"table as dead-letter queue", true, []string{"users: {type: dynamo-db-table, properties: {primaryKey: {partitionKey: {name: id, type: string}}}}",
			"q: {type: sqs-queue, properties: {redrivePolicy: {targetSqsQueueArn: \"$ResourceParam('users', 'arn')\", maxReceiveCount: 3}}}"},
			`3:72: targetSqsQueueArn "arn:aws:dynamodb:us-east-1:000000000000:table/users" is an ARN of service "dynamodb"; it takes a queue's ARN`},
		{"cf access", true, []string{"fn:", "  type: function", "  properties:", "    packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn.js}}",
			"    connectTo: [Tab]", "cloudformationResources:",
			"  Tab: {Type: AWS::DynamoDB::Table, Properties: {BillingMode: PAY_PER_REQUEST, AttributeDefinitions: [{AttributeName: id, AttributeType: S}], KeySchema: [{AttributeName: id, KeyType: HASH}]}}"},
			`6:19: "Tab" is a cloudformationResources entry, which connectTo and allowAccessTo cannot name`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := tableEventBase
			indent := "            "
			if tt.resource {
				src, indent = "resources:\n", "  "
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

// cfTable returns the lines of a stack holding one PAY_PER_REQUEST
// AWS::DynamoDB::Table "Tab" keyed by id (a string), with props written
// first, def added to AttributeDefinitions and more written last.
func cfTable(props, def, more string) []string {
	defs := "{AttributeName: id, AttributeType: S}"
	if def != "" {
		defs += ", " + def
	}
	if more != "" {
		more = ", " + more
	}
	return []string{"x: {type: sns-topic}", "cloudformationResources:",
		"  Tab: {Type: AWS::DynamoDB::Table, Properties: {" + props + "BillingMode: PAY_PER_REQUEST, AttributeDefinitions: [" + defs + "], KeySchema: [{AttributeName: id, KeyType: HASH}]" + more + "}}"}
}

// TestTableQuotas checks DynamoDB's index quotas: 20 global and 5 local
// indexes, 100 projected attributes over all of a table's indexes.
func TestTableQuotas(t *testing.T) {
	var global, local, defs strings.Builder
	for i := range maxGlobalIndexes + 1 {
		fmt.Fprintf(&global, "        - {name: g%02d, partitionKey: {name: a%d, type: string}}\n", i, i)
	}
	src := "resources:\n  users:\n    type: dynamo-db-table\n    properties:\n      primaryKey: {partitionKey: {name: id, type: string}}\n      secondaryIndexes:\n" + global.String()
	if problems := streamLoadErrors(t, src); len(problems) != 1 || !strings.HasPrefix(problems[0], FileName+":6:7: secondaryIndexes holds 21 indexes; a table has at most 20 global secondary indexes") {
		t.Errorf("errors = %q, want one about the global index quota", problems)
	}

	defs.WriteString("{AttributeName: id, AttributeType: S}, {AttributeName: s, AttributeType: S}")
	for i := range maxLocalIndexes + 1 {
		fmt.Fprintf(&local, "        - {IndexName: lsi%d, KeySchema: [{AttributeName: id, KeyType: HASH}, {AttributeName: s%d, KeyType: RANGE}], Projection: {ProjectionType: KEYS_ONLY}}\n", i, i)
		fmt.Fprintf(&defs, ", {AttributeName: s%d, AttributeType: N}", i)
	}
	src = "resources:\n  x: {type: sns-topic}\ncloudformationResources:\n  Tab:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      BillingMode: PAY_PER_REQUEST\n" +
		"      AttributeDefinitions: [" + defs.String() + "]\n      KeySchema: [{AttributeName: id, KeyType: HASH}, {AttributeName: s, KeyType: RANGE}]\n      LocalSecondaryIndexes:\n" + local.String()
	if problems := streamLoadErrors(t, src); len(problems) != 1 || !strings.HasPrefix(problems[0], FileName+":10:7: LocalSecondaryIndexes holds 6 indexes; a table has at most 5 local secondary indexes") {
		t.Errorf("errors = %q, want one about the local index quota", problems)
	}

	attrs := make([]string, 60)
	for i := range attrs {
		attrs[i] = fmt.Sprintf("p%d", i)
	}
	list := strings.Join(attrs, ", ")
	src = "resources:\n  users:\n    type: dynamo-db-table\n    properties:\n      primaryKey: {partitionKey: {name: id, type: string}}\n      secondaryIndexes:\n" +
		"        - {name: one, partitionKey: {name: a, type: string}, projections: [" + list + "]}\n" +
		"        - {name: two, partitionKey: {name: b, type: string}, projections: [" + list + "]}\n"
	if problems := streamLoadErrors(t, src); len(problems) != 1 || !strings.HasPrefix(problems[0], FileName+":8:62: the table's indexes project 120 or more non-key attributes; DynamoDB allows at most 100") {
		t.Errorf("errors = %q, want one about the projected attributes quota", problems)
	}
}

// TestTableWarnings checks the properties that mean nothing locally:
// accepted, with a warning at their key.
func TestTableWarnings(t *testing.T) {
	src := `resources:
  users:
    type: dynamo-db-table
    properties:
      primaryKey: {partitionKey: {name: id, type: string}}
      provisionedThroughput: {readUnits: 5, writeUnits: 5}
      enablePointInTimeRecovery: true
  other:
    type: dynamo-db-table
    properties:
      primaryKey: {partitionKey: {name: id, type: string}}
      enablePointInTimeRecovery: false
cloudformationResources:
  Tab:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      DeletionProtectionEnabled: true
      TableClass: STANDARD_INFREQUENT_ACCESS
      KinesisStreamSpecification: {StreamArn: arn:aws:kinesis:us-east-1:000000000000:stream/x}
      StreamSpecification: {StreamViewType: NEW_IMAGE, ResourcePolicy: {PolicyDocument: {}}}
`
	plan, err := Parse(FileName, []byte(src), streamDir(t))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"6:7: provisionedThroughput is ignored: nothing is throttled nor billed locally",
		"7:7: enablePointInTimeRecovery is ignored: there are no backups locally",
		"20:7: DeletionProtectionEnabled is ignored",
		"21:7: TableClass is ignored: there are no storage classes locally",
		"22:7: KinesisStreamSpecification is ignored: item changes are not copied to a Kinesis stream locally",
		"23:56: ResourcePolicy is ignored: resource policies are not evaluated locally",
	}
	if len(plan.Warnings) != len(want) {
		t.Fatalf("warnings:\n%s\nwant %d", strings.Join(plan.Warnings, "\n"), len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(plan.Warnings[i], FileName+":"+w) {
			t.Errorf("warning %d = %q, want %s:%s", i, plan.Warnings[i], FileName, w)
		}
	}
	want2 := "[{Tab Tab {id S} <nil> NEW_IMAGE [] [] " + " map[]} {other other {id S} <nil>  [] []  map[]} {users users {id S} <nil>  [] []  map[]}]"
	if got := fmt.Sprint(plan.Tables); got != want2 {
		t.Errorf("tables = %s, want %s", got, want2)
	}
}

// TestTableReferences checks the table parameters and attributes, the
// grantable list and the stream label's form.
func TestTableReferences(t *testing.T) {
	src := `resources:
  users:
    type: dynamo-db-table
    properties:
      primaryKey: {partitionKey: {name: id, type: string}}
      streamType: KEYS_ONLY
  fn:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: fn.js}}
      environment:
        - {name: NAME, value: "$ResourceParam('users', 'name')"}
        - {name: ARN, value: "$ResourceParam('users', 'arn')"}
        - {name: STREAM, value: "$ResourceParam('users', 'streamArn')"}
        - {name: REF, value: "$CfResourceParam('Raw', 'Ref')"}
        - {name: CF_ARN, value: "$CfResourceParam('Raw', 'Arn')"}
        - {name: CF_STREAM, value: "$CfResourceParam('Raw', 'StreamArn')"}
      connectTo: [users]
cloudformationResources:
  Raw:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: raw-events
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      StreamSpecification: {StreamViewType: NEW_AND_OLD_IMAGES}
`
	plan, err := Parse(FileName, []byte(src), streamDir(t))
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for _, e := range plan.Functions["fn"].Environment {
		env[e.Name] = e.Value
	}
	label := regexp.MustCompile(`^arn:aws:dynamodb:us-east-1:000000000000:table/(users|raw-events)/stream/20[23]\d-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-5]\d\.\d{3}$`)
	for name, want := range map[string]string{
		"NAME": "users", "ARN": "arn:aws:dynamodb:us-east-1:000000000000:table/users", "STREAM": arn.TableStream("users"),
		"REF": "raw-events", "CF_ARN": "arn:aws:dynamodb:us-east-1:000000000000:table/raw-events", "CF_STREAM": arn.TableStream("raw-events"),
	} {
		if env[name] != want {
			t.Errorf("%s = %q, want %q", name, env[name], want)
		}
	}
	for _, name := range []string{"STREAM", "CF_STREAM"} {
		if !label.MatchString(env[name]) {
			t.Errorf("%s = %q, not a DynamoDB stream ARN", name, env[name])
		}
	}
	found := false
	for _, g := range plan.Grantable {
		found = found || g.Name == "users" && g.Kind == TypeDynamoDBTable && g.ARNName == "users"
	}
	if !found {
		t.Errorf("Grantable = %+v, want the table users", plan.Grantable)
	}
	p := plan.Functions["fn"].Policy
	if len(p) != 1 || fmt.Sprint(p[0].Resources) != "[arn:aws:dynamodb:us-east-1:000000000000:table/users arn:aws:dynamodb:us-east-1:000000000000:table/users/*]" {
		t.Errorf("policy = %+v, want a grant on table users, its indexes and stream", p)
	}
}
