// Package sqs is Lambda's event source mapping for SQS queues (the `sqs`
// trigger): a Manager polls each mapped queue, hands the messages to the
// function as AWS's Records[] event in batches, and deletes what the
// function processed.
//
// Batching follows Lambda: a batch is invoked when it holds BatchSize
// messages, when MaxBatchWindow has passed since its first message, or when
// one more message would take the event past 6 MB (that message starts the
// next batch). Without a window, a batch is invoked as soon as a receive
// returns messages, so a message sent to an idle queue reaches the function
// as fast as the long poll wakes.
//
// Outcomes follow AWS's tables. A function error, a timeout or any invoke
// error deletes nothing: the messages come back when their visibility
// timeout ends, and the queue's redrive policy moves them on after
// maxReceiveCount. A throttled invoke is retried with backoff while the
// batch's visibility lasts. With ReportBatchItemFailures the function's
// {"batchItemFailures":[{"itemIdentifier":…}]} response keeps those
// messages and deletes the rest; see [Failures] for every case. On a FIFO
// queue a failed message also keeps the messages after it in its group, so
// the group's order holds.
//
// Scaling. Lambda starts five pollers on a busy queue and adds more while
// messages remain, scaling back to two when traffic is low. Verge runs
// pollers that each gather one batch and invoke it, so the number of
// pollers is the number of batches in flight: two to start, one more
// whenever a receive comes back full (a backlog), one fewer whenever a
// receive comes back empty (down to two), and never more than the
// function's concurrency (Options.Concurrency) or the mapping's
// MaximumConcurrency. An idle queue costs two goroutines blocked in a long
// poll.
//
// The Manager needs Receive, Delete and Attributes of the queue service
// ([Queue], which sqs.Backend satisfies): it deletes processed messages one
// by one, and reads the visibility timeout only when throttled. Receives
// are long polls of 20 s, cut short when a mapping is removed or closed.
//
// Choices where AWS is silent: keys of the batch response are matched
// case-sensitively ("itemidentifier" is a bad key name); a response that is
// valid JSON but not an object or null (a string, a number, an array) is a
// complete failure, as AWS cannot read it as an EventResponse; an object
// without batchItemFailures is a complete success (a null list); a removed
// or disabled mapping invokes the messages it has already received, rather
// than leave them to wait out their visibility timeout, but does not retry
// them when throttled; a function that does not exist (errs.NotFound) makes
// the mapping back off (0.5 s doubling to 30 s) rather than raise the
// messages' receive counts towards the redrive.
package sqs
