// Package sqs is Verge's queue service: SQS's standard and FIFO queues with
// their visibility timeouts, delays, redrive and deduplication, every byte
// durable in NATS JetStream.
//
// Storage. Each queue is a stream (SQS_<id>, subject sqs.<id>.m, MaxAge the
// retention period) holding one record per message, published with an
// acknowledgement before Send returns. DeleteMessage deletes the record by
// sequence. Receive state (receive count, first receive, invisible-until)
// is in the SQS_STATE bucket under "<id>.<seq>", written for a whole
// ReceiveMessage at once before it answers and removed with the message.
// FIFO deduplication ids are claimed in SQS_DEDUP (a 5-minute TTL, keyed by
// a hash of the id, and of the group with the messageGroup scope), so a
// duplicate is refused across restarts and after its original was deleted.
// Queues (attributes, tags, creation times), move tasks and the node's
// receipt handle key are in SQS_QUEUES.
//
// Index. New rebuilds each queue's index from its stream and the state
// bucket, so a kill -9 loses nothing acknowledged: standard queues may
// deliver again (as SQS may), FIFO deduplication holds. The index holds a
// ready list (standard) or the message groups (FIFO), and one heap of
// delayed and in-flight messages by the time they become visible, served
// by one timer per queue; long-polling receivers wait on a channel closed
// as soon as messages become visible. Message records stay in memory up to
// Options.MemoryBudget bytes (64 MiB) for the whole service; past it a
// message keeps only its index entry and its record is read back from the
// stream by sequence when received. Once a minute a sweep drops messages
// past their retention period from the index (the stream's MaxAge has
// removed them already) so the counts stay true.
//
// Redrive happens at receive time: a message that would exceed
// maxReceiveCount is stored in the dead-letter queue (same MessageId, with
// DeadLetterQueueSourceArn) and then deleted from its source; a crash
// between the two duplicates it, never loses it.
//
// Receipt handles are base64 of the message's sequence, its receive count
// and an HMAC under a key derived from the node key, the queue's name and
// its creation time: another queue's handle, or a recreated queue's, is
// invalid.
//
// Ownership. One node owns every queue here. In cluster mode a node would
// own each queue it wins in a KV election (a key per queue with a TTL it
// renews), others forwarding to it; the stores are already shared.
package sqs
