package stack

// The schema of DynamoDB tables: the dynamo-db-table resource, the
// dynamo-db-stream function event and the cloudformationResources entries
// of type AWS::DynamoDB::Table. Same rules as schema.go: every field
// documented, keys are the yaml tags.

// DynamoDBTableProps are the properties of a dynamo-db-table. The table's
// DynamoDB name is the resource name (Stacktape prefixes the stack's
// name; Verge runs one stack), so it must be a valid table name: 3 to 255
// letters, digits, '_', '.' and '-'.
type DynamoDBTableProps struct {
	// PrimaryKey is the table's key: a partition key and an optional sort
	// key.
	PrimaryKey DynamoDBPrimaryKey `yaml:"primaryKey" verge:"required"`
	// StreamType turns on the table's stream and says what its records
	// hold: KEYS_ONLY, NEW_IMAGE, OLD_IMAGE or NEW_AND_OLD_IMAGES. Default
	// none: the table has no stream.
	StreamType *string `yaml:"streamType"`
	// SecondaryIndexes are the table's global secondary indexes, at most
	// 20.
	SecondaryIndexes []DynamoDBIndex `yaml:"secondaryIndexes"`
	// ProvisionedThroughput would provision read and write capacity:
	// accepted with a warning, as nothing is throttled locally.
	ProvisionedThroughput Ignored `yaml:"provisionedThroughput"`
	// EnablePointInTimeRecovery would keep continuous backups: true is
	// accepted with a warning. Default false.
	EnablePointInTimeRecovery bool `yaml:"enablePointInTimeRecovery"`
}

// DynamoDBPrimaryKey is a table's primary key.
type DynamoDBPrimaryKey struct {
	// PartitionKey is the attribute items are hashed by.
	PartitionKey DynamoDBAttribute `yaml:"partitionKey" verge:"required"`
	// SortKey is the attribute items of one partition key are sorted by;
	// without it no two items share a partition key.
	SortKey *DynamoDBAttribute `yaml:"sortKey"`
}

// DynamoDBAttribute is a key attribute.
type DynamoDBAttribute struct {
	// Name is the attribute's name, 1 to 255 bytes.
	Name string `yaml:"name" verge:"required"`
	// Type is string, number or binary.
	Type string `yaml:"type" verge:"required"`
}

// DynamoDBIndex is a global secondary index of a dynamo-db-table.
type DynamoDBIndex struct {
	// Name is the index's name, 3 to 255 letters, digits, '_', '.' and
	// '-', unique in the table.
	Name string `yaml:"name" verge:"required"`
	// PartitionKey is the index's partition key.
	PartitionKey DynamoDBAttribute `yaml:"partitionKey" verge:"required"`
	// SortKey is the index's sort key.
	SortKey *DynamoDBAttribute `yaml:"sortKey"`
	// Projections are the non-key attributes copied into the index
	// (projection INCLUDE). Without them the index holds the keys only
	// (KEYS_ONLY), as Stacktape creates it.
	Projections []string `yaml:"projections"`
}

// DynamoDBEventProps invoke the function with batches of a table's
// stream records, as a Lambda event source mapping of the stream. The
// stream must be the stream of one of the stack's tables. Records of a
// shard are processed in order: a failed batch is retried until it
// succeeds, its records expire (24 hours), or the retry and age limits
// give up on it.
type DynamoDBEventProps struct {
	// StreamArn is the ARN of the stream of a table of the stack
	// (arn:aws:dynamodb:us-east-1:000000000000:table/NAME/stream/LABEL);
	// it may hold directives ($ResourceParam('users', 'streamArn'),
	// $CfResourceParam('Users', 'StreamArn')).
	StreamArn Template `yaml:"streamArn" verge:"required"`
	// BatchSize is the most records in one invocation, 1 to 10000.
	// Default 100.
	BatchSize *int `yaml:"batchSize"`
	// MaxBatchWindowSeconds is how long records are gathered before the
	// function is invoked, 0 to 300. Default 0.
	MaxBatchWindowSeconds *int `yaml:"maxBatchWindowSeconds"`
	// StartingPosition is where a shard is first read: TRIM_HORIZON (its
	// oldest record) or LATEST (records added after the mapping starts).
	// Lambda reads DynamoDB streams from no timestamp. Default
	// TRIM_HORIZON.
	StartingPosition *string `yaml:"startingPosition"`
	// MaximumRetryAttempts is how many times a failed batch is retried,
	// 0 to 10000, or -1 to retry until its records expire. Default -1.
	MaximumRetryAttempts *int `yaml:"maximumRetryAttempts"`
	// MaximumRecordAgeInSeconds gives up on a batch holding a record older
	// than this, 60 to 604800, or -1 for no limit. Default -1.
	MaximumRecordAgeInSeconds *int `yaml:"maximumRecordAgeInSeconds"`
	// OnFailure receives a failure record (the batch's shard and sequence
	// numbers, not its records) for each batch given up on.
	OnFailure *StreamOnFailure `yaml:"onFailure"`
	// ParallelizationFactor is how many batches of one shard are processed
	// at once, 1 to 10; the records of one item stay in order. Default 1.
	ParallelizationFactor *int `yaml:"parallelizationFactor"`
	// BisectBatchOnFunctionError splits a failed batch in two and retries
	// the halves separately. Default false.
	BisectBatchOnFunctionError bool `yaml:"bisectBatchOnFunctionError"`
	// TumblingWindowInSeconds groups records in windows of this many
	// seconds, 0 (none) to 900. Default 0.
	TumblingWindowInSeconds *int `yaml:"tumblingWindowInSeconds"`
	// ReportBatchItemFailures lets the function return
	// {batchItemFailures: [{itemIdentifier: SEQUENCE_NUMBER}]} (a Verge
	// property: Lambda's FunctionResponseTypes). Default false.
	ReportBatchItemFailures bool `yaml:"reportBatchItemFailures"`
	// FunctionResponseTypes is Lambda's spelling of
	// reportBatchItemFailures: [ReportBatchItemFailures] or [].
	FunctionResponseTypes []string `yaml:"functionResponseTypes"`
	// Enabled reads the stream; false keeps the mapping without reading.
	// Default true.
	Enabled *bool `yaml:"enabled"`
}

// CfTable is the CloudFormation type of a DynamoDB table.
const CfTable = "AWS::DynamoDB::Table"

// CfTableProps are AWS::DynamoDB::Table's properties that apply locally.
// Without TableName the table is named by its logical id.
type CfTableProps struct {
	// TableName is the table's DynamoDB name: 3 to 255 letters, digits,
	// '_', '.' and '-'.
	TableName string `yaml:"TableName"`
	// KeySchema is the table's key: a HASH element, then an optional
	// RANGE element.
	KeySchema []CfKeyElement `yaml:"KeySchema" verge:"required"`
	// AttributeDefinitions give the type of each key attribute of the
	// table and its indexes, and of no other attribute.
	AttributeDefinitions []CfAttributeDefinition `yaml:"AttributeDefinitions" verge:"required"`
	// StreamSpecification turns on the table's stream.
	StreamSpecification *CfStreamSpecification `yaml:"StreamSpecification"`
	// GlobalSecondaryIndexes are the table's global indexes, at most 20.
	GlobalSecondaryIndexes []CfGlobalIndex `yaml:"GlobalSecondaryIndexes"`
	// LocalSecondaryIndexes are the table's local indexes, at most 5: the
	// table's partition key and another sort key.
	LocalSecondaryIndexes []CfLocalIndex `yaml:"LocalSecondaryIndexes"`
	// TimeToLiveSpecification names the attribute holding an item's
	// expiry time.
	TimeToLiveSpecification *CfTimeToLive `yaml:"TimeToLiveSpecification"`
	// BillingMode is PROVISIONED (the default, which needs
	// ProvisionedThroughput) or PAY_PER_REQUEST; nothing is billed nor
	// throttled locally.
	BillingMode *string `yaml:"BillingMode"`
	// ProvisionedThroughput is a PROVISIONED table's capacity: checked,
	// then ignored with a warning.
	ProvisionedThroughput *CfThroughput `yaml:"ProvisionedThroughput"`
	// Tags are the table's tags, at most 50.
	Tags []CfTag `yaml:"Tags"`

	// Properties that mean nothing locally, accepted with a warning.
	SSESpecification                 Ignored `yaml:"SSESpecification"`
	PointInTimeRecoverySpecification Ignored `yaml:"PointInTimeRecoverySpecification"`
	DeletionProtectionEnabled        Ignored `yaml:"DeletionProtectionEnabled"`
	TableClass                       Ignored `yaml:"TableClass"`
	ContributorInsightsSpecification Ignored `yaml:"ContributorInsightsSpecification"`
	KinesisStreamSpecification       Ignored `yaml:"KinesisStreamSpecification"`
	OnDemandThroughput               Ignored `yaml:"OnDemandThroughput"`
	WarmThroughput                   Ignored `yaml:"WarmThroughput"`
	ResourcePolicy                   Ignored `yaml:"ResourcePolicy"`
	ImportSourceSpecification        Ignored `yaml:"ImportSourceSpecification"`
}

// CfKeyElement is one element of a KeySchema.
type CfKeyElement struct {
	// AttributeName is the key attribute.
	AttributeName string `yaml:"AttributeName" verge:"required"`
	// KeyType is HASH (the partition key) or RANGE (the sort key).
	KeyType string `yaml:"KeyType" verge:"required"`
}

// CfAttributeDefinition is one of AttributeDefinitions.
type CfAttributeDefinition struct {
	// AttributeName is the attribute.
	AttributeName string `yaml:"AttributeName" verge:"required"`
	// AttributeType is S (string), N (number) or B (binary).
	AttributeType string `yaml:"AttributeType" verge:"required"`
}

// CfStreamSpecification is AWS::DynamoDB::Table's StreamSpecification.
type CfStreamSpecification struct {
	// StreamViewType is KEYS_ONLY, NEW_IMAGE, OLD_IMAGE or
	// NEW_AND_OLD_IMAGES.
	StreamViewType string `yaml:"StreamViewType" verge:"required"`
	// ResourcePolicy is the stream's resource policy: ignored.
	ResourcePolicy Ignored `yaml:"ResourcePolicy"`
}

// CfGlobalIndex is one of GlobalSecondaryIndexes.
type CfGlobalIndex struct {
	// IndexName is the index's name, unique among the table's indexes.
	IndexName string `yaml:"IndexName" verge:"required"`
	// KeySchema is the index's key.
	KeySchema []CfKeyElement `yaml:"KeySchema" verge:"required"`
	// Projection is what the index holds besides the keys.
	Projection CfProjection `yaml:"Projection" verge:"required"`

	// Capacity settings, accepted with a warning.
	ProvisionedThroughput            Ignored `yaml:"ProvisionedThroughput"`
	OnDemandThroughput               Ignored `yaml:"OnDemandThroughput"`
	WarmThroughput                   Ignored `yaml:"WarmThroughput"`
	ContributorInsightsSpecification Ignored `yaml:"ContributorInsightsSpecification"`
}

// CfLocalIndex is one of LocalSecondaryIndexes.
type CfLocalIndex struct {
	// IndexName is the index's name, unique among the table's indexes.
	IndexName string `yaml:"IndexName" verge:"required"`
	// KeySchema is the index's key: the table's partition key, then a
	// sort key.
	KeySchema []CfKeyElement `yaml:"KeySchema" verge:"required"`
	// Projection is what the index holds besides the keys.
	Projection CfProjection `yaml:"Projection" verge:"required"`
}

// CfProjection is an index's Projection.
type CfProjection struct {
	// ProjectionType is ALL, KEYS_ONLY or INCLUDE. CloudFormation
	// documents no default, so Verge asks for it.
	ProjectionType string `yaml:"ProjectionType" verge:"required"`
	// NonKeyAttributes are the attributes INCLUDE copies into the index.
	NonKeyAttributes []string `yaml:"NonKeyAttributes"`
}

// CfTimeToLive is AWS::DynamoDB::Table's TimeToLiveSpecification.
type CfTimeToLive struct {
	// AttributeName holds an item's expiry time, in Unix seconds.
	AttributeName string `yaml:"AttributeName"`
	// Enabled turns expiry on.
	Enabled bool `yaml:"Enabled" verge:"required"`
}

// CfThroughput is a table's ProvisionedThroughput.
type CfThroughput struct {
	// ReadCapacityUnits are the reads per second, at least 1.
	ReadCapacityUnits int `yaml:"ReadCapacityUnits" verge:"required"`
	// WriteCapacityUnits are the writes per second, at least 1.
	WriteCapacityUnits int `yaml:"WriteCapacityUnits" verge:"required"`
}
