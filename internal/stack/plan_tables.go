package stack

// A Table is a DynamoDB table the stack declares: a dynamo-db-table
// resource or a cloudformationResources AWS::DynamoDB::Table. Its ARN is
// arn.Table(Name); when StreamView is set its stream's is
// arn.TableStream(Name).
type Table struct {
	// Resource is the resource's name, or the logical id.
	Resource string `json:"resource"`
	// Name is the DynamoDB table name: the resource name, or a
	// CloudFormation TableName.
	Name string `json:"name"`
	// PartitionKey is the table's partition (HASH) key.
	PartitionKey KeyAttribute `json:"partitionKey"`
	// SortKey is the table's sort (RANGE) key; nil for none.
	SortKey *KeyAttribute `json:"sortKey,omitempty"`
	// StreamView is what the table's stream records hold:
	// StreamKeysOnly, StreamNewImage, StreamOldImage or
	// StreamNewAndOldImages; "" when the table has no stream.
	StreamView string `json:"streamView,omitempty"`
	// GlobalIndexes are the global secondary indexes, as declared.
	GlobalIndexes []TableIndex `json:"globalIndexes,omitempty"`
	// LocalIndexes are the local secondary indexes, as declared; their
	// partition key is the table's.
	LocalIndexes []TableIndex `json:"localIndexes,omitempty"`
	// TTLAttribute is the attribute holding an item's expiry time (Unix
	// seconds), "" when items do not expire.
	TTLAttribute string `json:"ttlAttribute,omitempty"`
	// Tags are the table's tags.
	Tags map[string]string `json:"tags,omitempty"`
}

// A KeyAttribute is a key attribute of a table or index.
type KeyAttribute struct {
	// Name is the attribute's name.
	Name string `json:"name"`
	// Type is AttrString, AttrNumber or AttrBinary.
	Type string `json:"type"`
}

// A TableIndex is a secondary index of a Table.
type TableIndex struct {
	// Name is the index's name, unique among the table's indexes.
	Name string `json:"name"`
	// PartitionKey is the index's partition key.
	PartitionKey KeyAttribute `json:"partitionKey"`
	// SortKey is the index's sort key; nil for none (a local index always
	// has one).
	SortKey *KeyAttribute `json:"sortKey,omitempty"`
	// Projection is ProjectionAll, ProjectionKeysOnly or
	// ProjectionInclude.
	Projection string `json:"projection"`
	// NonKeyAttributes are the attributes ProjectionInclude copies, as
	// declared.
	NonKeyAttributes []string `json:"nonKeyAttributes,omitempty"`
}

// DynamoDB's values and limits for tables and their streams (the DynamoDB
// API reference: CreateTable; the Developer Guide's "Service, account,
// and table quotas").
const (
	// The attribute types of a KeyAttribute.
	AttrString = "S"
	AttrNumber = "N"
	AttrBinary = "B"
	// The stream views of a Table.
	StreamKeysOnly        = "KEYS_ONLY"
	StreamNewImage        = "NEW_IMAGE"
	StreamOldImage        = "OLD_IMAGE"
	StreamNewAndOldImages = "NEW_AND_OLD_IMAGES"
	// The projections of a TableIndex.
	ProjectionAll      = "ALL"
	ProjectionKeysOnly = "KEYS_ONLY"
	ProjectionInclude  = "INCLUDE"
	// TriggerDynamoDB is the Kind of a dynamo-db-stream event's trigger;
	// its Stream is the table's name.
	TriggerDynamoDB = "dynamodb"

	minTableName = 3
	maxTableName = 255
	// maxKeyAttributeName is the longest name of a key attribute.
	maxKeyAttributeName = 255
	maxGlobalIndexes    = 20
	maxLocalIndexes     = 5
	// maxNonKeyAttributes is the most NonKeyAttributes over all of a
	// table's indexes.
	maxNonKeyAttributes = 100
	maxTableTags        = 50
)
