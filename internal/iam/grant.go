package iam

import (
	"fmt"
	"slices"
	"sort"

	"github.com/verge-edge/verge/internal/arn"
)

// A grant is what allowAccessTo gives for one resource type: Stacktape's
// basic permissions (its docs' "Granted permissions" list), as actions on
// the resource's ARNs.
type grant struct {
	actions   []string
	resources func(name string) []string
}

// grants by stack resource type.
var grants = map[string]grant{
	"function": {
		actions:   []string{"lambda:InvokeFunction", "lambda:InvokeAsync"},
		resources: func(n string) []string { return []string{arn.Function(n, ""), arn.Function(n, "*")} },
	},
	"event-bus": {
		actions:   []string{"events:PutEvents"},
		resources: func(n string) []string { return []string{arn.EventBus(n)} },
	},
	"bucket": {
		actions: []string{"s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject",
			"s3:GetObjectTagging", "s3:PutObjectTagging", "s3:DeleteObjectTagging"},
		resources: func(n string) []string { return []string{arn.Bucket(n), arn.Bucket(n) + "/*"} },
	},
	"dynamo-db-table": {
		actions: []string{"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
			"dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem",
			"dynamodb:Scan", "dynamodb:Query", "dynamodb:DescribeTable",
			"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"},
		resources: func(n string) []string { return []string{arn.Table(n), arn.Table(n) + "/*"} },
	},
	"sqs-queue": {
		actions: []string{"sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
			"sqs:GetQueueAttributes", "sqs:GetQueueUrl"},
		resources: func(n string) []string { return []string{arn.Queue(n)} },
	},
	"sns-topic": {
		actions:   []string{"sns:Publish", "sns:GetTopicAttributes"},
		resources: func(n string) []string { return []string{arn.Topic(n)} },
	},
	"kinesis-stream": {
		actions: []string{"kinesis:PutRecord", "kinesis:PutRecords", "kinesis:GetRecords", "kinesis:GetShardIterator",
			"kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:ListShards"},
		resources: func(n string) []string { return []string{arn.Stream(n)} },
	},
}

// Grantable lists the resource types allowAccessTo accepts.
func Grantable() []string {
	out := make([]string, 0, len(grants))
	for k := range grants {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Grant returns the statement allowAccessTo gives for resource name of
// type kind, or an error naming the types it accepts.
func Grant(kind, name string) (Statement, error) {
	g, ok := grants[kind]
	if !ok {
		return Statement{}, fmt.Errorf("a %s cannot be granted access to (allowAccessTo takes %v)", kind, Grantable())
	}
	return Statement{Effect: Allow, Actions: slices.Clone(g.actions), Resources: g.resources(name),
		Origin: "allowAccessTo: " + name}, nil
}
