// Package store is the storage engine of Verge's DynamoDB tables: the
// write log is the stream. Items are opaque JSON of AWS's wire map
// ({"id":{"S":"a"},…}); the store reads only their key attributes (and
// the TTL attribute).
//
// Log. Every table's writes go to one JetStream stream, DYNAMODB (file
// storage, direct gets, atomic batches allowed), one subject per item:
// dyn.<table id>.<first 16 bytes of SHA-256 of the encoded key, hex>. The
// table id is random, so a table deleted and created again under its name
// shares nothing with the old one. A log entry holds the encoded key, the
// item's old and new images, the time and the event (INSERT, MODIFY,
// REMOVE, or none for a write that changed nothing). One stream for all
// tables makes a transaction across tables one atomic batch. Table
// definitions are JSON values of the DYNAMODB_TABLES bucket.
//
// Writes. An item's version is the log sequence of its last entry. A
// write reads the item and its version from the local state, evaluates
// the caller's condition or update, and publishes its entry with
// Nats-Expected-Last-Subject-Sequence set to that version (0: the item
// was never written). If another node wrote in between, JetStream refuses
// it; the store then reads the subject's last entry (a direct get), and
// evaluates again. A refused condition is also checked against the
// subject's last entry before it is reported. This node's writers of one
// item are serialised by a striped lock, so they do not race each other.
// A write that changes nothing (same attributes, whatever their order) is
// not published: it makes no stream record.
//
// Transactions (up to 100 items, one operation per item) evaluate every
// operation, cancelling with a reason per operation if any fails, then
// publish one atomic batch (Nats-Batch-Id, Nats-Batch-Sequence,
// Nats-Batch-Commit on the last message: nats.go has no helper) whose
// every message carries its item's expected sequence; JetStream commits
// all or none, also across a kill -9. nats-server stages each batch of a
// one-replica file stream in a synced file store of its own, so a batch
// costs about 20 ms here; a one-item transaction is a plain publish. A condition check is logged as an
// entry that changes nothing, so that the batch pins its item's version.
//
// Local state. Each table is materialised in memory in a B-tree
// (github.com/tidwall/btree) ordered by encoded key; removed items stay as
// rows holding only their version. Open rebuilds each table from the last
// entry of each of its subjects (an ordered consumer delivering the last
// message per subject). With Options.Follow, an ordered consumer of the
// whole log applies every node's writes as they are logged (several nodes
// on one JetStream); without it, another node's write to an item is seen
// when this node writes the item or restarts. testdata/choice measures this choice against
// google/btree, pebble and bbolt: see docs/engineering.md.
//
// Indexes. Each secondary index is a B-tree of its own, ordered by the
// encoded index key followed by the encoded table key, so that items with
// equal index keys are distinct rows in table key order; a row holds the
// item's projection (the item itself for ALL, else a JSON object of the
// index and table keys and, for INCLUDE, NonKey). Every applied write
// (this node's, a transaction's, a TTL removal, a followed entry, the
// rebuild in Open) moves its item between the table's tree and each
// index's under the table's lock; an item lacking an index key attribute,
// or holding one of another type, is in no row (a sparse index). An index
// is not logged: Open rebuilds it with the table. Query and Scan of an
// index walk its tree as they walk the table's, and their
// LastEvaluatedKey holds the index key and the table key, as AWS's does.
// AddIndex fills the new index from the table's items, holding the
// table's writes meanwhile, before it persists the definition; a node
// with Options.Follow watches the definitions and fills or drops the
// indexes other nodes change. IndexWrites tells, from a write's Result,
// which index entries it put or deleted, with the rows' own rules, for
// the index units of ConsumedCapacity.
//
// Keys. Key values are encoded so that byte order is DynamoDB's order: S
// and B as their bytes with 0x00 escaped as 0x00 0xff and ended by 0x00
// 0x01 (self-delimiting; a prefix sorts first), N as a sign tag, a biased
// two-byte exponent and the significant digits, complemented for
// negative numbers, so that 1, 1.0 and 10E-1 are one key. A table's key is
// the partition key's encoding followed by the sort key's; a partition is
// a key prefix, so Query is a range walk and Scan a walk of the tree
// (segments by a hash of the partition key).
//
// Streams. ReadStream cuts records from the log (one batched direct get)
// in the table's stream view, skipping entries that changed nothing;
// readers at the tip wait on a channel closed by each applied write.
// Sequence numbers are the log's, so each change appears once, in order.
// A stream enabled later starts at the log's tip then. Records older than
// 24 hours are not shown, as on AWS.
//
// Compaction. The log would otherwise keep every write: the sweeper
// purges, per item subject, the entries older than 24 hours but the
// item's last (the one the table is rebuilt from).
//
// TTL. A sweeper removes items whose TTL attribute is a number of epoch
// seconds in the past (not more than five years past, as on AWS); the
// REMOVE record is marked Service (userIdentity dynamodb.amazonaws.com).
package store
