package s3

import "time"

// Names on disk.
const (
	// escapePrefix starts a file name that encodes a key segment a file
	// system cannot hold (keys.go). No key segment maps to a name with this
	// prefix unencoded, so these names are the store's.
	escapePrefix = ".verge~"
	// hashPrefix starts the name of a segment whose encoding is too long
	// for a file name: escapePrefix, "h", then hashLen hex digits of its
	// SHA-256; the segment itself is in the bucket's long-names index.
	hashPrefix = escapePrefix + "h"
	hashLen    = 40
	// tmpFolder holds temporary files inside a bucket folder that is not
	// on the data folder's file system; listing ignores it.
	tmpFolder = escapePrefix + "tmp"

	metaFolder    = "meta"          // DATA/s3/meta/BUCKET/XX/SHA256.json: sidecars
	tmpDirName    = "tmp"           // DATA/s3/tmp: temporary files
	uploadsFolder = "uploads"       // DATA/s3/uploads/ID: multipart uploads
	bucketsFolder = "buckets"       // DATA/s3/buckets/NAME: buckets without a folder of their own
	notifyFolder  = "notifications" // DATA/s3/notifications/BUCKET.json
	bucketFile    = "bucket.json"   // DATA/s3/meta/BUCKET/bucket.json: creation time, origin
	longFile      = "long.txt"      // DATA/s3/meta/BUCKET/long.txt: hashed segments
	uploadFile    = "upload.json"   // DATA/s3/uploads/ID/upload.json
	tmpSuffix     = ".tmp"
)

// S3's limits.
const (
	maxKeyLen     = 1024
	maxNameLen    = 255 // bytes of one file name (NAME_MAX)
	maxPutSize    = 5 << 30
	minPartSize   = 5 << 20
	maxPartNumber = 10000
	maxTags       = 10
	maxTagKey     = 128 // Unicode characters
	maxTagValue   = 256
)

// Store tuning.
const (
	copyBufSize = 256 << 10
	// recentFor is how long the store remembers its own writes, so the
	// folder watcher does not announce them a second time.
	recentFor = 5 * time.Second
	// maxCached bounds the ETag and sidecar caches; past it an arbitrary
	// entry is dropped.
	maxCached   = 4096
	lockStripes = 256
)

// Event names (without "s3:").
const (
	EventPut          = "ObjectCreated:Put"
	EventPost         = "ObjectCreated:Post"
	EventCopy         = "ObjectCreated:Copy"
	EventComplete     = "ObjectCreated:CompleteMultipartUpload"
	EventDelete       = "ObjectRemoved:Delete"
	EventTagPut       = "ObjectTagging:Put"
	EventTagDelete    = "ObjectTagging:Delete"
	checksumFull      = "FULL_OBJECT"
	checksumComposite = "COMPOSITE"
)
