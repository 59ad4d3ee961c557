// Package sqs is Verge's queue service: SQS's standard and FIFO queues with
// their visibility timeouts, delays, redrive and deduplication, every byte
// durable in NATS JetStream.
package sqs
