package s3

// Event types, as PutBucketNotificationConfiguration names them. A
// wildcard ("s3:ObjectCreated:*") covers every type of its family.
//
// Verge's bucket store produces ObjectCreated:Put, :Post, :Copy and
// :CompleteMultipartUpload, ObjectRemoved:Delete and ObjectTagging:Put and
// :Delete; the other types are accepted, as S3 accepts them, and never
// happen locally (no versioning, lifecycle, replication, restores or ACLs).
const (
	ObjectCreatedAll       = "s3:ObjectCreated:*"
	ObjectCreatedPut       = "s3:ObjectCreated:Put"
	ObjectCreatedPost      = "s3:ObjectCreated:Post"
	ObjectCreatedCopy      = "s3:ObjectCreated:Copy"
	ObjectCreatedMultipart = "s3:ObjectCreated:CompleteMultipartUpload"

	ObjectRemovedAll          = "s3:ObjectRemoved:*"
	ObjectRemovedDelete       = "s3:ObjectRemoved:Delete"
	ObjectRemovedDeleteMarker = "s3:ObjectRemoved:DeleteMarkerCreated"

	ObjectTaggingAll    = "s3:ObjectTagging:*"
	ObjectTaggingPut    = "s3:ObjectTagging:Put"
	ObjectTaggingDelete = "s3:ObjectTagging:Delete"
)

// eventTypes are all the types S3 documents for SQS, SNS and Lambda
// destinations (s3:TestEvent is S3's own and cannot be configured).
var eventTypes = [...]string{
	ObjectCreatedAll, ObjectCreatedPut, ObjectCreatedPost, ObjectCreatedCopy, ObjectCreatedMultipart,
	ObjectRemovedAll, ObjectRemovedDelete, ObjectRemovedDeleteMarker,
	"s3:ObjectRestore:*", "s3:ObjectRestore:Post", "s3:ObjectRestore:Completed", "s3:ObjectRestore:Delete",
	"s3:ReducedRedundancyLostObject",
	"s3:Replication:*", "s3:Replication:OperationFailedReplication", "s3:Replication:OperationMissedThreshold",
	"s3:Replication:OperationReplicatedAfterThreshold", "s3:Replication:OperationNotTracked",
	"s3:LifecycleExpiration:*", "s3:LifecycleExpiration:Delete", "s3:LifecycleExpiration:DeleteMarkerCreated",
	"s3:LifecycleTransition",
	"s3:IntelligentTiering",
	ObjectTaggingAll, ObjectTaggingPut, ObjectTaggingDelete,
	"s3:ObjectAcl:Put",
}

const (
	typePrefix = "s3:" // of configured types, not of event names
	wildcard   = "*"
)

// Messages S3 answers an invalid PutBucketNotificationConfiguration with
// (error code InvalidArgument). S3 says MessageOverlap of two
// configurations without filters and MessageAmbiguous when a filter is
// involved, as reports of its answers show.
const (
	MessageOverlap     = "Configurations overlap. Configurations on the same bucket cannot share a common event type."
	MessageAmbiguous   = "Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the prefixes are overlapping for the same event type."
	MessageUnsupported = "The event is not supported for notifications"
)

// Records[] event constants. S3 sends eventVersion 2.1, except 2.3 for
// lifecycle, Intelligent-Tiering, ACL, tagging and restore-delete events.
const (
	eventSource     = "aws:s3"
	eventVersion    = "2.1"
	eventVersionNew = "2.3"
	schemaVersion   = "1.0"
	timeLayout      = "2006-01-02T15:04:05.000Z"
	testEventName   = "s3:TestEvent"
	serviceName     = "Amazon S3"
)

// Owner is the bucket owner's principal id in events (ownerIdentity, and
// userIdentity for a change with no requester, such as a file written on
// disk): a made-up id in the shape of AWS's customer ids, the same for
// every bucket of Verge's one account.
const Owner = "A1VERGE0LOCAL0"

// EventBridge constants.
const (
	// EventBridgeSource is the source of S3's EventBridge events.
	EventBridgeSource = "aws.s3"
	detailVersion     = "0"

	DetailCreated     = "Object Created"
	DetailDeleted     = "Object Deleted"
	DetailTagsAdded   = "Object Tags Added"
	DetailTagsDeleted = "Object Tags Deleted"

	deletedPermanently = "Permanently Deleted"
	deletedMarker      = "Delete Marker Created"
)
