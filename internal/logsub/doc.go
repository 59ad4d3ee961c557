// Package logsub runs CloudWatch Logs subscription filters whose
// destination is a function: the registry (the stack file's filters and
// those PutSubscriptionFilter created, the latter durable in a JetStream KV
// bucket), AWS's limit of two filters per log group, the refusal of cycles
// (a function whose log group feeds, through filters, back into itself),
// and the delivery.
//
// # Delivery
//
// The log store hands every event a group accepts to Sink as Append takes
// it (logs.Store.SetSink, Take), before it reaches the disk. Each filter of the
// group matches the message; a matching event gets its 56-digit id and
// joins the filter's queue. A goroutine per filter takes whatever its queue
// holds (the events that arrived together), makes one DATA_MESSAGE per log
// stream, split to stay under the asynchronous invocation's 256 KB, and
// enqueues each as an asynchronous invocation of the destination function:
// from there it is durable and retried as Lambda retries async events. A
// filter's queue is bounded; when a subscriber falls that far behind new
// events are dropped and counted (Dropped), as the log store drops.
//
// A filter may also deliver to a Kinesis stream (Options.PutRecord): each
// message is a record of gzipped JSON keyed by its log stream (ByLogStream)
// or at random (Random), as CloudWatch Logs puts them. A failed put is
// logged, not retried.
//
// Creating a filter sends the destination AWS's CONTROL_MESSAGE once.
package logsub
