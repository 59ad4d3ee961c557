// Package kinesis is Verge's Kinesis Data Streams: streams of shards whose
// records are durable in NATS JetStream (a JetStream stream per Kinesis
// stream, a subject per shard), with AWS's hash-key routing, sequence
// numbers, iterators, resharding, enhanced fan-out consumers and per-shard
// limits. The AWS endpoint (internal/awsapi) serves it in JSON 1.1 and
// CBOR; Source adapts a stream for the stream event source mapping
// (internal/esm).
//
// Storage. Each stream is a JetStream stream KINESIS_<id> (file storage,
// MaxAge the retention period, direct gets allowed) whose subjects are
// kinesis.<id>.<shard index>; <id> is random, so a stream deleted and
// created again under its name shares nothing with the old one. A record
// is one message whose body is a 10-byte header, the arrival time (ms) and
// the partition key's length, both big-endian, then the key, then the
// data: no NATS headers to build or parse. The KINESIS bucket holds the
// node's key (iterators and ListShards tokens carry an HMAC under it) and
// one JSON value per stream: name, mode, retention, tags, its shards (hash
// key ranges, parents, the JetStream sequence each starts at and, once
// closed, ends at) and its consumers. New rebuilds everything from the
// bucket and, for each shard, the last message of its subject; PutRecords
// answers only once JetStream has acknowledged every record (published
// asynchronously, then awaited), so a kill -9 loses nothing acknowledged.
//
// Sequence numbers are 56 digits, as AWS's: "49", a tag of the stream id
// (10 digits), the shard index (8), the record's JetStream sequence (20)
// and its arrival in ms (16). Fixed width, they compare the same as
// strings and as integers and increase within a shard; AT_ and
// AFTER_SEQUENCE_NUMBER decode the JetStream sequence to read from, and
// the tag and index refuse a number of another stream or shard with AWS's
// messages. CompareSequence compares any two valid ones as AWS does.
//
// Reads are one batched JetStream direct get (next by the shard's
// subject, up to the record and byte limits): no consumer is created. A
// shard's newest sequence is kept in memory, so reading at the tip costs
// no round trip, and every put closes a per-shard channel that waiting
// readers (Source.Read, SubscribeToShard) select on: a record reaches
// them as soon as it is acknowledged, without polling. AT_TIMESTAMP seeks
// with JetStream's own store time (never earlier than a record's arrival)
// and then skips the records that arrived before the timestamp.
//
// Limits. Provisioned shards take 1 MiB/s and 1,000 records/s of writes
// (a PutRecords record over either fails alone with
// ProvisionedThroughputExceededException) and 5 GetRecords/s and 2 MiB/s
// of reads, as token buckets a second deep; Options.Unthrottled lifts
// them. On-demand streams start with 4 shards and are not limited per
// shard: AWS scales them with the load, which Verge does not do.
//
// Resharding. UpdateShardCount (UNIFORM_SCALING, AWS's factor-of-two
// bounds) closes every open shard at the stream's current JetStream
// sequence and opens the new uniform shards; each names as parents every
// closed shard whose range overlaps its own (ParentShardId and
// AdjacentParentShardId show the first two; Source's esm.Shard.Parents
// lists all), so a reader that finishes parents before children keeps
// every key's order. SplitShard closes one open shard and opens two
// children on either side of NewStartingHashKey, both naming it as parent;
// MergeShards closes two open shards with adjacent ranges and opens one
// child covering both (ParentShardId the shard to merge,
// AdjacentParentShardId the adjacent one). Both are refused on on-demand
// streams, as AWS does, and new shards continue the stream's numbering.
// UpdateStreamMode switches a stream's mode and keeps its open shards.
// Puts hold the stream's lock for reading until their
// acknowledgements arrive, so no record lands in a shard after it closed.
// Closed shards stay listed for the retention period.
//
// Enhanced fan-out consumers are kept with their stream and are ACTIVE at
// once. A subscription pushes what GetRecords would return, wakes on puts,
// sends an empty event after 5 s without records, and ends after 5
// minutes or at a closed shard's end (with ChildShards).
package kinesis
