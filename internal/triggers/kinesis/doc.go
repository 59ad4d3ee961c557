// Package kinesis builds the records of Lambda's Kinesis event, one JSON
// object per stream record exactly as AWS shapes them, by appending bytes
// (no reflection): the stream event source mapping builds up to 10,000 of
// them a batch.
package kinesis
