// Package esm is Lambda's stream event source mapping: it reads a sharded,
// ordered log (a Kinesis stream, a DynamoDB table's stream) and invokes a
// function with batches of its records, as Lambda's pollers do.
//
// A Source is the log; this package knows nothing of Kinesis or DynamoDB.
// Per shard, one batch is in flight (or up to ParallelizationFactor, with
// the records of one partition key kept in order); a batch is cut at
// BatchSize records, MaxBatchWindow, or 6 MB of event. A function error
// retries the batch (split in two with BisectBatchOnFunctionError) until it
// succeeds, MaximumRetryAttempts or MaximumRecordAge is reached; then the
// batch's failure record (KinesisBatchInfo/DDBStreamBatchInfo: shard,
// sequence range, counts and times, not the records) goes to OnFailure and
// the shard moves on. batchItemFailures restart from the first failed
// record. TumblingWindow invokes with window state as AWS documents.
//
// Checkpoints (the last sequence number processed per mapping and shard)
// are in a JetStream key-value bucket, written before a shard moves past a
// batch, so a restart resumes where it left off and never skips a record.
package esm
