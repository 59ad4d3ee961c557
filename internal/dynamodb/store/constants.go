package store

import "time"

// Key attribute types.
const (
	TypeS = "S"
	TypeN = "N"
	TypeB = "B"
)

// Stream views (TableConfig.StreamView).
const (
	ViewKeysOnly        = "KEYS_ONLY"
	ViewNewImage        = "NEW_IMAGE"
	ViewOldImage        = "OLD_IMAGE"
	ViewNewAndOldImages = "NEW_AND_OLD_IMAGES"
)

// Stream record event names.
const (
	EventInsert = "INSERT"
	EventModify = "MODIFY"
	EventRemove = "REMOVE"
)

// Number encoding (number.go): DynamoDB allows 38 significant digits and
// magnitudes from 1E-130 to 9.99…E+125.
const (
	maxDigits = 38
	maxExp    = 126
	minExp    = -129
	expBias   = 0x8000
	numNeg    = 0x01
	numZero   = 0x02
	numPos    = 0x03
	numPosEnd = 0x00
	numNegEnd = 0xff
)

// Byte string encoding (key.go): 0x00 is escaped as 0x00 0xff and the
// value ends with 0x00 0x01, so that a prefix sorts before its extensions.
const (
	escByte = 0x00
	escNext = 0xff
	endNext = 0x01
)

// JetStream layout: one stream holds every table's log, so that a
// transaction across tables is one atomic batch.
const (
	streamName    = "DYNAMODB"
	subjectPrefix = "dyn."
	bucketMeta    = "DYNAMODB_TABLES"
	directGetAPI  = "$JS.API.DIRECT.GET."
)

// JetStream headers and error codes used for compare-and-set and atomic
// batches.
const (
	hdrExpectedSubjSeq = "Nats-Expected-Last-Subject-Sequence"
	hdrBatchID         = "Nats-Batch-Id"
	hdrBatchSeq        = "Nats-Batch-Sequence"
	hdrBatchCommit     = "Nats-Batch-Commit"
	errWrongLastSeq    = 10071 // JSStreamWrongLastSequenceErrF
)

// Log entry encoding (entry.go).
const (
	entryFormat  = 1
	entryService = 0x80
)

// Limits and defaults.
const (
	// MaxTransactItems is DynamoDB's limit of items in one transaction.
	MaxTransactItems = 100
	// DefaultCollectionLimit is DynamoDB's limit of an item collection of
	// a table with local secondary indexes: 10 GB.
	DefaultCollectionLimit = 10 << 30
	// PageBytes is where Query and Scan cut a page.
	PageBytes = 1 << 20
	// ttlHorizon: items whose TTL is more than five years in the past are
	// not expired, as on AWS.
	ttlHorizon = 5 * 365 * 24 * time.Hour
	// defaultTTLInterval is how often the sweeper looks for expired items.
	defaultTTLInterval = time.Second
	// streamRetention is how long stream records are kept, as AWS does.
	streamRetention = 24 * time.Hour
	// defaultCompactInterval is how often the log is compacted.
	defaultCompactInterval = time.Minute
	// casRetries bounds the read-evaluate-publish loop of one write.
	casRetries = 10000
	// publishTimeout bounds one publish or batch acknowledgement.
	publishTimeout = 10 * time.Second
	// rebuildTimeout bounds the JetStream calls of a table's rebuild.
	rebuildTimeout = 10 * time.Minute
)

// Index projections (IndexConfig.Projection).
const (
	ProjectionAll      = "ALL"
	ProjectionKeysOnly = "KEYS_ONLY"
	ProjectionInclude  = "INCLUDE"
)
