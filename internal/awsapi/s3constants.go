package awsapi

// S3's headers, query parameters and values.
const (
	s3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

	hdrHostID              = "X-Amz-Id-2"
	hdrBucketRegion        = "X-Amz-Bucket-Region"
	hdrExpectedOwner       = "X-Amz-Expected-Bucket-Owner"
	hdrSourceExpectedOwner = "X-Amz-Source-Expected-Bucket-Owner"
	hdrContentMD5          = "Content-Md5"
	hdrMetaPrefix          = "X-Amz-Meta-"
	hdrTagging             = "X-Amz-Tagging"
	hdrTaggingCount        = "X-Amz-Tagging-Count"
	hdrTaggingDirective    = "X-Amz-Tagging-Directive"
	hdrMetadataDirective   = "X-Amz-Metadata-Directive"
	hdrCopySource          = "X-Amz-Copy-Source"
	hdrCopySourceRange     = "X-Amz-Copy-Source-Range"
	hdrCopyIfMatch         = "X-Amz-Copy-Source-If-Match"
	hdrCopyIfNoneMatch     = "X-Amz-Copy-Source-If-None-Match"
	hdrCopyIfModified      = "X-Amz-Copy-Source-If-Modified-Since"
	hdrCopyIfUnmodified    = "X-Amz-Copy-Source-If-Unmodified-Since"
	hdrChecksumPrefix      = "X-Amz-Checksum-"
	hdrChecksumMode        = "X-Amz-Checksum-Mode"
	hdrChecksumType        = "X-Amz-Checksum-Type"
	hdrChecksumAlgorithm   = "X-Amz-Checksum-Algorithm"
	hdrSDKChecksum         = "X-Amz-Sdk-Checksum-Algorithm"
	hdrTrailer             = "X-Amz-Trailer"
	hdrPartsCount          = "X-Amz-Mp-Parts-Count"
	hdrContentRange        = "Content-Range"
	hdrAcceptRanges        = "Accept-Ranges"
	hdrLastModified        = "Last-Modified"
	hdrIfNoneMatch         = "If-None-Match"
	hdrIfModifiedSince     = "If-Modified-Since"
	hdrIfUnmodifiedSince   = "If-Unmodified-Since"
	hdrRange               = "Range"

	qList            = "list-type"
	qPrefix          = "prefix"
	qDelimiter       = "delimiter"
	qMaxKeys         = "max-keys"
	qMarker          = "marker"
	qMaxBuckets      = "max-buckets"
	qStartAfter      = "start-after"
	qContinuation    = "continuation-token"
	qFetchOwner      = "fetch-owner"
	qEncodingType    = "encoding-type"
	qUploads         = "uploads"
	qUploadID        = "uploadId"
	qPartNumber      = "partNumber"
	qMaxParts        = "max-parts"
	qPartMarker      = "part-number-marker"
	qMaxUploads      = "max-uploads"
	qKeyMarker       = "key-marker"
	qUploadIDMarker  = "upload-id-marker"
	qTagging         = "tagging"
	qNotification    = "notification"
	qLocation        = "location"
	qDelete          = "delete"
	qVersionID       = "versionId"
	qResponsePrefix  = "response-"
	encodingURL      = "url"
	directiveCopy    = "COPY"
	directiveReplace = "REPLACE"
	checksumEnabled  = "ENABLED"

	// s3MaxKeys is a listing's largest page, and its default.
	s3MaxKeys = 1000
	// s3MaxBuckets is ListBuckets' largest page.
	s3MaxBuckets = 10000
	// s3MaxKeyLen is S3's longest key, in bytes.
	s3MaxKeyLen = 1024
	// s3MaxXML caps the XML documents S3 reads (DeleteObjects' 1,000 keys
	// of 1,024 bytes, Complete's 10,000 parts).
	s3MaxXML = 2 << 20
	// s3MaxDeleteKeys is DeleteObjects' limit.
	s3MaxDeleteKeys = 1000
	// s3MaxPartNumber is the highest part number.
	s3MaxPartNumber = 10000
	// s3OwnerID and s3OwnerName are the one account's canonical owner.
	s3OwnerID   = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a"
	s3OwnerName = "verge"
	// s3PostMaxFields caps a POST form's fields before the file.
	s3PostMaxFields = 64 << 10
	// s3TimeFormat is the XML documents' timestamp layout.
	s3TimeFormat = "2006-01-02T15:04:05.000Z"
)

// s3Subresources are the query parameters that name an S3 operation Verge
// does not serve, on a bucket or an object, with the operation's name for
// the NotImplemented message.
var s3Subresources = map[string]string{
	"acl":                 "Acl",
	"policy":              "BucketPolicy",
	"policyStatus":        "BucketPolicyStatus",
	"cors":                "BucketCors",
	"lifecycle":           "BucketLifecycleConfiguration",
	"website":             "BucketWebsite",
	"encryption":          "BucketEncryption",
	"versioning":          "BucketVersioning",
	"versions":            "ObjectVersions",
	"logging":             "BucketLogging",
	"replication":         "BucketReplication",
	"requestPayment":      "BucketRequestPayment",
	"accelerate":          "BucketAccelerateConfiguration",
	"analytics":           "BucketAnalyticsConfiguration",
	"inventory":           "BucketInventoryConfiguration",
	"metrics":             "BucketMetricsConfiguration",
	"intelligent-tiering": "BucketIntelligentTieringConfiguration",
	"object-lock":         "ObjectLockConfiguration",
	"ownershipControls":   "BucketOwnershipControls",
	"publicAccessBlock":   "PublicAccessBlock",
	"retention":           "ObjectRetention",
	"legal-hold":          "ObjectLegalHold",
	"restore":             "RestoreObject",
	"select":              "SelectObjectContent",
	"torrent":             "ObjectTorrent",
	"attributes":          "ObjectAttributes",
	"session":             "CreateSession",
}
