// Package async is Lambda's asynchronous invocation on NATS JetStream.
//
// Every event is a message in one work-queue stream (Stream, subjects
// "async.<function>", file storage) and is removed only when it is done, so
// nothing accepted is lost across a crash. Each function has its own durable
// pull consumer: one function's backlog or retries never hold up another's,
// a function can be stopped on its own when a stack drops it, and pending
// counts are per subject. Messages are acknowledged explicitly; AckWait is
// the function's timeout plus a margin, extended with InProgress while an
// invocation runs, so a message whose process died is redelivered. A
// function runs at most its concurrency of events at once (its reserved
// concurrency, else Options.Concurrency), so a backlog drains at the pace
// the function runs instead of being throttled.
//
// The attempt count travels in the message: a failed attempt republishes
// the event with the count and a not-before time, then acknowledges the
// original; the copy is held back with NakWithDelay until then. Throttled
// invocations are delayed the same way without touching the count, as
// Lambda does, until the event's maximum age. Each event carries its
// enqueue time in a header, so its age survives restarts.
//
// When an event is done it goes, as AWS's invocation record, to the
// function's OnSuccess or OnFailure destination: another function (itself
// an asynchronous invocation) or an event bus.
package async
