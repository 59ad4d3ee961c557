// Package kinesis is Verge's Kinesis Data Streams: streams of shards whose
// records are durable in NATS JetStream (a JetStream stream per Kinesis
// stream, a subject per shard), with AWS's hash-key routing, sequence
// numbers, iterators, resharding, enhanced fan-out consumers and per-shard
// limits. The AWS endpoint (internal/awsapi) serves it in JSON 1.1 and
// CBOR; Source adapts a stream for the stream event source mapping
// (internal/esm).
package kinesis
