// Package dynamodb is Verge's DynamoDB: the operations of the DynamoDB API
// (AWS JSON 1.0, DynamoDB_20120810.*) and of the DynamoDB Streams API
// (DynamoDBStreams_20120810.*), request document in, response document
// out, with AWS's validation and messages. Items are kept by package store
// (the write log is the stream), values are package attr's, and
// expressions package expr's; this package is what joins them into AWS's
// semantics: key schemas, indexes, return values, consumed capacity,
// batches, transactions, PartiQL's simple statements and stream shards.
//
// The wire (signatures, X-Amz-Target, the CRC32 header, error documents)
// is package awsapi's: it calls Service.Do with the operation's name and
// the request's body, and writes what it returns.
package dynamodb
