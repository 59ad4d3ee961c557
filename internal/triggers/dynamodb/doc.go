// Package dynamodb builds the records of Lambda's DynamoDB Streams event
// ({"Records":[…]}). Each is a table's stream record exactly as DynamoDB
// Streams' GetRecords returns it (package dynamodb's StreamRecord: keys,
// images, sequence number, and userIdentity for a removal by TTL) with the
// stream's ARN added last as eventSourceARN, as AWS shapes them. The
// record is taken already encoded, so that the stream event source
// mapping encodes each record once and this package need not know the
// service's types.
package dynamodb
