// Package stack reads a stack file and resolves it into a Plan, what the
// edge runs.
//
// A stack file is verge.yaml (or verge.yml) in a stack folder. It follows
// Stacktape's shape: a mapping of resource names to a type and properties.
//
//	resources:
//	  site:
//	    type: bucket
//	    properties:
//	      directory: ./public
//	      cdn:
//	        enabled: true
//	        errorDocument: /404.html
//	        edgeFunctions:
//	          onRequest: auth
//	        routeRewrites:
//	          - path: /api/*
//	            routeTo:
//	              type: custom-origin
//	              properties: {url: http://127.0.0.1:9000}
//	  auth:
//	    type: cdn-function
//	    properties:
//	      entryfilePath: edge/auth.js
//
// The resource types are bucket (an S3 bucket: a folder of objects, the
// stack's or one in the data folder, optionally behind a CDN), cdn-function
// (a CloudFront Function), edge-lambda-function (Lambda@Edge), function (a
// regional Lambda function, with events from an http-api-gateway or an
// application-load-balancer, schedules, event-bus rules, queues, topics,
// buckets' notifications, Kinesis streams, DynamoDB tables' streams and
// Kafka topics of the user's own brokers (secrets read from the secrets
// file), and destinations for its asynchronous invocations),
// http-api-gateway,
// application-load-balancer, event-bus, key-value-store, sqs-queue,
// sns-topic, kinesis-stream and dynamo-db-table. Beside resources,
// cloudformationResources declares queues, topics, subscriptions,
// buckets, streams and tables in CloudFormation's terms (AWS::SQS::Queue,
// AWS::SNS::Topic, AWS::SNS::Subscription, AWS::S3::Bucket,
// AWS::Kinesis::Stream, AWS::DynamoDB::Table). A route rewrite sends a path pattern to a custom-origin
// (an HTTP server), another bucket, or an origin-group that fails over
// between two of those. docs/stack-file.md is the reference.
//
// The Go structs in schema.go are the schema: the decoder walks the YAML
// tree against them by reflection over their yaml tags, so the keys it
// accepts and the documented fields cannot diverge. Decoding is strict and
// reports every problem, not just the first, each as "FILE:LINE:COL:
// message" naming what was found and what is allowed: unknown keys (with
// a suggestion when one is near), wrong types, missing required
// properties, duplicate keys, bad values, missing files, and references to
// resources that do not exist or have the wrong type.
//
// Aliases are followed; merge keys ("<<"), custom tags and several
// documents in one file are errors.
//
// String values of type Template (function environment values,
// customHeaders values, iamRoleStatements Resources and ARN properties)
// may hold the directives $Secret('name'), read from the secrets file
// (secrets.yaml beside the stack file unless Options.SecretsFile names
// another), $ResourceParam('resource', 'param') and
// $CfResourceParam('logicalId', 'attribute'). A directive anywhere else,
// or another directive, is an error.
// Messages never quote a secret's value.
//
// Stacktape properties that mean nothing on one machine (joinDefaultVpc,
// layers, alarms, ...) are accepted with a warning, returned in
// Plan.Warnings; those Verge does not run yet (url, events of other types,
// ...) are errors, and so are those the service Verge reproduces lacks (an
// edge-lambda-function's environment: Lambda@Edge has none).
//
// Loading goes in two steps: decode (schema.go, decode.go) fills the schema
// structs and records where each value was written; resolve (resolve.go)
// checks the stack as a whole, applies CloudFront's defaults, and builds
// the Plan (plan.go), which holds absolute paths and no names that could
// dangle.
package stack
