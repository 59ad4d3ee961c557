package logs

import "time"

// Defaults of Options.
const (
	defaultFlushInterval   = 150 * time.Millisecond
	defaultSweepInterval   = time.Hour
	defaultMaxPendingBytes = 8 << 20
	defaultMaxFollowBytes  = 4 << 20
)

// MaxMessageBytes is the longest message kept; longer ones are truncated.
// CloudWatch's limit on an event is 1 MiB (PutLogEvents); a function's
// lines are split at 256 KiB before they get here, as Lambda splits them.
const MaxMessageBytes = 1 << 20

// eventOverhead approximates the memory an Event costs beyond its strings,
// for the queue bounds.
const eventOverhead = 64

// On-disk names.
const (
	metaFile = "group.json"
	// streamsFile holds the streams made by CreateStream (streams.go).
	streamsFile = "streams.json"
	dayExt      = ".jsonl"
	dayFmt      = "2006-01-02"
	// maxDirName bounds a group's folder name; longer escaped names are
	// shortened with a hash (file systems allow 255 bytes).
	maxDirName = 200
)

// markerStream is the stream of the events the store writes itself.
const markerStream = "verge"

// Query parameters of Handler.
const (
	paramGroup  = "group"
	paramSince  = "since"
	paramUntil  = "until"
	paramFilter = "filter"
	paramFollow = "follow"
	paramLimit  = "limit"
)

// HTTP protocol values.
const (
	contentTypeNDJSON = "application/x-ndjson"
	contentTypeJSON   = "application/json"
	hdrAuthorization  = "Authorization"
	hdrContentType    = "Content-Type"
	hdrCacheControl   = "Cache-Control"
	hdrNoSniff        = "X-Content-Type-Options"
	// maxErrorBody bounds how much of an error response Fetch reads.
	maxErrorBody = 64 << 10
)

// Path is where the admin API mounts Handler, by convention.
const Path = "/logs"
