package kinesis

import (
	"context"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Options configure a Service.
type Options struct {
	// JetStream stores everything.
	JetStream jetstream.JetStream
	// Logger gets failures of background work; nil for none.
	Logger *slog.Logger
	// Now is the clock; nil for time.Now.
	Now func() time.Time
	// Unthrottled lifts the per-shard limits of provisioned streams (1 MB/s
	// or 1,000 records/s in, 2 MB/s and 5 GetRecords/s out), which are
	// enforced otherwise: a setting for load tests.
	Unthrottled bool
}

// Stream modes.
const (
	Provisioned = "PROVISIONED"
	OnDemand    = "ON_DEMAND"
)

// A StreamConfig is a stream the stack declares.
type StreamConfig struct {
	Name string
	// ShardCount is the provisioned shard count (1 when 0); an on-demand
	// stream starts with 4 shards, as AWS's do.
	ShardCount     int
	Mode           string // Provisioned (default) or OnDemand
	RetentionHours int    // 24 when 0; 24 to 8760
	Tags           map[string]string
}

// A Shard is one shard of a stream, as DescribeStream and ListShards show
// it. Hash keys and sequence numbers are decimal strings.
type Shard struct {
	ID                    string
	ParentShardID         string
	AdjacentParentShardID string
	StartingHashKey       string
	EndingHashKey         string
	StartingSequence      string
	EndingSequence        string // "" while the shard is open
}

// A Description is a stream as DescribeStream(Summary) shows it.
type Description struct {
	Name           string
	ARN            string
	Status         string // CREATING, DELETING, ACTIVE, UPDATING
	Mode           string
	Created        time.Time
	RetentionHours int
	OpenShards     int
	Consumers      int
	Shards         []Shard
	HasMoreShards  bool
}

// A PutEntry is one record to put.
type PutEntry struct {
	Data            []byte
	PartitionKey    string
	ExplicitHashKey string // "" hashes PartitionKey with MD5
}

// A PutResult is one record's outcome: its shard and sequence number, or
// AWS's per-record error (ProvisionedThroughputExceededException,
// InternalFailure).
type PutResult struct {
	ShardID      string
	Sequence     string
	ErrorCode    string
	ErrorMessage string
}

// An IteratorInput is GetShardIterator's request.
type IteratorInput struct {
	Stream   string
	ShardID  string
	Type     string // TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, AT_TIMESTAMP
	Sequence string
	At       time.Time
}

// A Record is a stored record.
type Record struct {
	Sequence     string
	Arrival      time.Time
	Data         []byte
	PartitionKey string
}

// A ChildShard is a closed shard's successor, as GetRecords and
// SubscribeToShard report it at the shard's end.
type ChildShard struct {
	ShardID         string
	ParentShards    []string
	StartingHashKey string
	EndingHashKey   string
}

// Records are what GetRecords returns.
type Records struct {
	Records      []Record
	Next         string // "" once a closed shard has been read to its end
	MillisBehind int64
	ChildShards  []ChildShard
}

// A Consumer is an enhanced fan-out consumer.
type Consumer struct {
	Name    string
	ARN     string // STREAM_ARN/consumer/NAME:CREATION_EPOCH_SECONDS
	Status  string // CREATING, DELETING, ACTIVE
	Created time.Time
	Stream  string // the stream's ARN
}

// A SubscribeEvent is one SubscribeToShardEvent.
type SubscribeEvent struct {
	Records                    []Record
	ContinuationSequenceNumber string
	MillisBehindLatest         int64
	ChildShards                []ChildShard
}

// A Subscription is SubscribeToShard's stream of events; it ends after 5
// minutes, as AWS's does.
type Subscription interface {
	// Next blocks until the next event (at least every 5 s, empty when
	// nothing arrived) and returns io.EOF when the subscription is over.
	Next(ctx context.Context) (SubscribeEvent, error)
	Close()
}

// The operations the AWS endpoint serves. Streams are named by name; the
// endpoint resolves StreamARN. Errors are *Error with AWS's codes.
type API interface {
	CreateStream(ctx context.Context, c StreamConfig) error
	DeleteStream(ctx context.Context, name string, enforceConsumerDeletion bool) error
	Describe(ctx context.Context, name string, shardLimit int, exclusiveStartShardID string) (Description, error)
	ListStreams(ctx context.Context, limit int, exclusiveStart string) (names []string, more bool, err error)
	ListShards(ctx context.Context, name string, in ListShardsInput) (shards []Shard, nextToken string, err error)
	PutRecords(ctx context.Context, name string, entries []PutEntry) ([]PutResult, error)
	GetShardIterator(ctx context.Context, in IteratorInput) (string, error)
	GetRecords(ctx context.Context, iterator string, limit int) (Records, error)
	UpdateShardCount(ctx context.Context, name string, target int) (current int, err error)
	SplitShard(ctx context.Context, name, shardID, newStartingHashKey string) error
	MergeShards(ctx context.Context, name, shardID, adjacentShardID string) error
	UpdateStreamMode(ctx context.Context, name, mode string) error
	SetRetention(ctx context.Context, name string, hours int, increase bool) error
	Tags(ctx context.Context, name string) (map[string]string, error)
	Tag(ctx context.Context, name string, tags map[string]string) error
	Untag(ctx context.Context, name string, keys []string) error
	RegisterConsumer(ctx context.Context, stream, name string) (Consumer, error)
	Consumer(ctx context.Context, stream, name, consumerARN string) (Consumer, error)
	Consumers(ctx context.Context, stream string) ([]Consumer, error)
	DeregisterConsumer(ctx context.Context, stream, name, consumerARN string) error
	SubscribeToShard(ctx context.Context, consumerARN, shardID string, start IteratorInput) (Subscription, error)
}

// ListShardsInput are ListShards' paging and filter.
type ListShardsInput struct {
	NextToken             string
	ExclusiveStartShardID string
	MaxResults            int
	FilterType            string // AT_LATEST, AT_TRIM_HORIZON, FROM_TRIM_HORIZON, AFTER_SHARD_ID, AT_TIMESTAMP, FROM_TIMESTAMP
	FilterShardID         string
	FilterTimestamp       time.Time
}
