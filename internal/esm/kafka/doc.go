// Package kafka is Lambda's self-managed Apache Kafka event source mapping:
// a consumer group per mapping on the user's own brokers, invoking a
// function with batches of a topic's records in AWS's SelfManagedKafka
// event (internal/triggers/kafka), committing offsets to the group only
// after the function succeeds.
//
// It is a poller of its own beside internal/esm, whose types (Result,
// Destination, starting positions), retry pacing and failure-record
// conventions it shares: Kafka's offsets live in the user's group, not in
// Verge's checkpoints, and the group, not Verge, assigns the partitions.
//
// # Rounds
//
// A mapping's consumer (franz-go, group id = the mapping's UUID, no auto
// commit) works in rounds while the group cannot rebalance
// (BlockRebalanceOnPoll): it polls, gathers each partition's records,
// takes the next batch of every partition whose batch is due (BatchSize
// records, 6 MB of event, or MaxBatchWindow since its first record; at
// once with no window), invokes the function with them (one event per
// partition, the partitions at once), commits the offset after each
// partition's settled batch (last offset + 1) in one commit, and only then
// lets the group rebalance. So at most one batch per partition is in
// flight, a partition's records are invoked in order, and a partition
// moves to another consumer only with its batches settled and committed:
// no committed record is delivered again. Records gathered for a
// partition that is then revoked are dropped unseen; its new owner reads
// them from the committed offset. StartingPosition applies to a group
// with no committed offset.
//
// One event holds one partition's batch (AWS may group partitions): order,
// bisection and the failure record's recordsInfo stay per partition, and
// partitions still run concurrently.
//
// # Failures
//
// A function error or an invoke error fails the batch; it is retried after
// 100 ms, doubling to 3 s, until it succeeds (MaximumRetryAttempts -1,
// Lambda's Kafka default; 10 once OnFailure is set, as Lambda caps it) or
// the retries are exhausted. errs.Throttled is
// retried on the same backoff without counting. With
// BisectBatchOnFunctionError a failed batch of more than one record is
// split in two halves run in order, keeping the retries counted so far.
// A batch given up on sends AWS's Kafka failure record (requestContext,
// responseContext, version, timestamp, KafkaBatchInfo with batchSize,
// bootstrapServers, payloadSize and recordsInfo by "topic-partition") to
// OnFailure through Options.Send, and the partition commits past it.
//
// # Connections
//
// Brokers that cannot be reached, refuse the credentials or the client
// certificate, or present a certificate the root CA does not verify give
// the mapping's LastProcessingResult and StateTransitionReason the texts
// of Lambda's Kafka troubleshooting guide ("PROBLEM: SASL authentication
// failed", …), retried with backoff from 200 ms to 10 s, and are logged
// without secrets. A broker closing a SASL client's connection (EOF) is
// taken as refused credentials, as Kafka closes it after a failed
// authentication. An encrypted client key is decrypted with the secret's
// privateKeyPassword (internal/pkcs8); one that cannot be, like any
// unusable certificate or key, gives the certificate problem. The state is Creating until the consumer has joined
// its group (an assignment, even an empty one), then Enabled. A consumer that stopped heartbeating
// (a killed Verge) leaves the group after 10 s.
package kafka
