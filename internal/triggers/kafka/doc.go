// Package kafka builds Lambda's self-managed Apache Kafka event
// (eventSource "SelfManagedKafka") by appending bytes, as AWS shapes it:
// records grouped under "topic-partition" keys, keys and values in
// base64 (left out when the record has none, as AWS does), timestamps in
// milliseconds, headers as arrays of signed bytes (Java's byte).
package kafka
