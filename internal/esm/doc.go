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
//
// # Shards
//
// A mapping lists its source's shards when it starts, every few seconds,
// and whenever one of its shards ends. Its first listing resolves
// StartingPosition for every shard listed (LATEST through Source.Tip) and
// checkpoints it at once, so a restart does not move it; Apply waits for
// that (PositionWait at most), so a record put once a deploy is done is
// read by a LATEST mapping, as its user expects. A shard listed
// later is a reshard's child and is read from its trim horizon, once each
// of its parents is finished (read to its end, every batch settled, and a
// finished mark checkpointed) or no longer listed.
//
// # Parallelization
//
// ParallelizationFactor N splits a shard into N lanes by a hash of the
// partition key, as Lambda's virtual shards do: each lane runs one batch
// at a time, in sequence order, so a key's records are processed in order
// and at most N batches of the shard are in flight. The checkpoint only
// passes a record once every record before it is settled; records after it
// that other lanes settled are read again after a restart.
//
// # Failures
//
// A function error, an invoke error, a response that is not valid for the
// mapping (a bad batchItemFailures list, a window without state) fail the
// batch; it is retried after 100 ms, doubling to 3 s. An error of kind
// errs.Throttled is retried on the same backoff without counting as an
// attempt, until the records pass MaximumRecordAge. With
// BisectBatchOnFunctionError a failed batch of more than one record is
// split in two halves, run in order; the halves keep the retries counted
// so far, and the split itself does not count. With ReportBatchItemFailures
// the records before the lowest failed sequence number are settled and the
// rest retried; this counts as an attempt.
//
// Choices where AWS is silent: records past MaximumRecordAge at the front
// of a batch are given up with condition RecordAgeExceeded before each
// attempt, and the rest of the batch goes on; a failure record's
// approximateInvokeCount counts the invocations of the batch it came from,
// before any split; responseContext is left out when no invocation reached
// the function, and its functionError is null when the function answered
// without an error but its answer failed the batch; DynamoDB's arrival
// times are given to the second, as in AWS's examples, other sources' to
// the millisecond. A failure record that cannot be sent is logged and the
// shard moves on.
//
// # Tumbling windows
//
// A window's state belongs to its shard, so a mapping with a
// TumblingWindow runs one batch per shard at a time. Windows are aligned
// on the Unix epoch by record arrival time. A batch holds records of one
// window; when the window ends by the clock, or a record of a later window
// is read, the window's last records (none if need be) are invoked with
// isFinalInvokeForWindow, then the state is dropped. A state over 1 MB
// ends the window early: the next invocation carries it with
// isFinalInvokeForWindow and isWindowTerminatedEarly set and no records,
// and the window then goes on with a fresh state. The window and its state
// are kept in the shard's checkpoint, so they survive a restart. A final
// invocation's response need not hold a state.
package esm
