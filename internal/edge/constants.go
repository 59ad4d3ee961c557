package edge

// Header names Verge reads or writes, in canonical form.
const (
	hdrAcceptEncoding  = "Accept-Encoding"
	hdrAge             = "Age"
	hdrCacheStatus     = "Cache-Status"
	hdrContentEncoding = "Content-Encoding"
	hdrContentLength   = "Content-Length"
	hdrContentType     = "Content-Type"
	hdrCookie          = "Cookie"
	hdrETag            = "Etag"
	hdrIfModifiedSince = "If-Modified-Since"
	hdrIfNoneMatch     = "If-None-Match"
	hdrIfMatch         = "If-Match"
	hdrIfRange         = "If-Range"
	hdrIfUnmodSince    = "If-Unmodified-Since"
	hdrLastModified    = "Last-Modified"
	hdrRange           = "Range"
	hdrRequestID       = "X-Request-Id"
	hdrVary            = "Vary"
	hdrVia             = "Via"
	hdrXForwardedFor   = "X-Forwarded-For"
	hdrUserAgent       = "User-Agent"
	hdrXCache          = "X-Cache"
)

// Result types, as CloudFront's x-edge-result-type and the first word of
// X-Cache.
const (
	resultHit        = "Hit"
	resultMiss       = "Miss"
	resultRefreshHit = "RefreshHit"
	resultError      = "Error"
	resultGenerated  = "FunctionGeneratedResponse"
	// resultLambdaGenerated is X-Cache's word for a response an
	// edge-lambda-function generated; the access log's result type is
	// resultGenerated for both kinds.
	resultLambdaGenerated = "LambdaGeneratedResponse"
)

// FuncError types the edge itself reports for a function's invalid origin
// choice.
const (
	errFunctionValidation = "FunctionValidationError"
	errLambdaValidation   = "LambdaValidationError"
)

// Limits on what a viewer may send, CloudFront's where it has one.
const (
	// maxURLBytes is CloudFront's limit on the request URL (414 beyond).
	maxURLBytes = 8192
	// MaxHeaderBytes is the http.Server setting that bounds the request line
	// and headers to 20 KiB (431 beyond): net/http allows 4,096 bytes more
	// than the setting.
	MaxHeaderBytes = 20<<10 - 4096
	// minCompressBytes and maxCompressBytes bound what CloudFront compresses.
	minCompressBytes = 1000
	maxCompressBytes = 10 << 20
	// maxEntryBytes is the largest body the cache stores; larger responses
	// are streamed to their viewers and not kept.
	maxEntryBytes = 64 << 20
)
