package lambdaedge

import (
	"github.com/verge-edge/verge/internal/cfheader"
	"github.com/verge-edge/verge/internal/stack"
)

// ErrValidation is the FuncError type of a result CloudFront rejects: the
// viewer gets a 502 and the access log says LambdaValidationError.
const ErrValidation = "LambdaValidationError"

// The two prefixes of CloudFront's 502 wording (specs §2.6).
const (
	prefixJSON       = "The Lambda function returned invalid JSON: "
	prefixValidation = "The Lambda function result failed validation: "
	// msgBody is CloudFront's exact text for a bad or oversized body.
	msgBody = "The body is not a string, is not an object, or exceeds the maximum size."
)

// Limits (specs §2.3, §2.4).
const (
	// MaxURL bounds uri plus querystring: they must be shorter.
	MaxURL = 8192
	// MinStatus and MaxStatus bound a result's status.
	MinStatus = 200
	MaxStatus = 599
	// ViewerBodyLimit is the body shown to (and replaceable by) a
	// viewer-request function, and the size of a response generated at a
	// viewer event, headers included.
	// The edge reads the viewer's body up to these limits (cfheader).
	ViewerBodyLimit = cfheader.ViewerBodyLimit
	// OriginBodyLimit is the same at origin events.
	OriginBodyLimit = cfheader.OriginBodyLimit
)

// bodyLimit returns the body and generated-response limit at trigger t.
func bodyLimit(t stack.Trigger) int {
	if t == stack.OriginRequest || t == stack.OriginResponse {
		return OriginBodyLimit
	}
	return ViewerBodyLimit
}

// Values of request.body.
const (
	actionReadOnly = "read-only"
	actionReplace  = "replace"
	encodingBase64 = "base64"
	encodingText   = "text"
)

// Values of request.origin.
const (
	authOAI  = "origin-access-identity"
	authNone = "none"
	// defaultKeepalive and defaultReadTimeout are CloudFront's defaults for
	// a custom origin, in seconds.
	defaultKeepalive   = 5
	defaultReadTimeout = 30
	// defaultConnectTimeout is what a new custom origin gets: L@E has no
	// field for it.
	defaultConnectTimeout = 10
	// s3Suffix makes a bucket's global S3 domain name.
	s3Suffix = ".s3.amazonaws.com"
	// s3Region is the region events name for a local bucket.
	s3Region = "us-east-1"
	// maxDomain and maxS3Domain bound domainName; maxOriginPath bounds path.
	maxDomain     = 253
	maxS3Domain   = 128
	maxOriginPath = 255
)

// sslProtocols are the values sslProtocols may hold; defaultSSL is what
// events show, as AWS's sample.
var (
	sslProtocols = map[string]bool{"TLSv1.2": true, "TLSv1.1": true, "TLSv1": true, "SSLv3": true}
	defaultSSL   = []string{"TLSv1", "TLSv1.1", "TLSv1.2"}
)

// Header names, lowercase.
const (
	hdrViewerCountry = "cloudfront-viewer-country"
	hdrXFF           = "x-forwarded-for"
	hdrVia           = "via"
	hdrUserAgent     = "user-agent"
	hdrIsDesktop     = "cloudfront-is-desktop-viewer"
	hdrIsMobile      = "cloudfront-is-mobile-viewer"
	hdrIsTablet      = "cloudfront-is-tablet-viewer"
	hdrIsSmartTV     = "cloudfront-is-smarttv-viewer"
)

// cloudFrontKeys are the keys events (and messages) show for headers
// whose usual casing http.CanonicalHeaderKey gets wrong.
var cloudFrontKeys = map[string]string{
	hdrViewerCountry:             "CloudFront-Viewer-Country",
	hdrIsDesktop:                 "CloudFront-Is-Desktop-Viewer",
	hdrIsMobile:                  "CloudFront-Is-Mobile-Viewer",
	hdrIsTablet:                  "CloudFront-Is-Tablet-Viewer",
	hdrIsSmartTV:                 "CloudFront-Is-SmartTV-Viewer",
	"cloudfront-forwarded-proto": "CloudFront-Forwarded-Proto",
	"cdn-loop":                   "CDN-Loop",
	"x-real-ip":                  "X-Real-IP",
	"x-amzn-requestid":           "X-Amzn-RequestId",
}

// readOnly are the headers a function may not add, change or remove, by
// trigger (specs §2.2, current list, L@E rows).
var readOnly = map[stack.Trigger][]string{
	stack.ViewerRequest: {"cdn-loop", "content-length", "host", "transfer-encoding", "via"},
	stack.OriginRequest: {"accept-encoding", "cdn-loop", "content-length", "if-modified-since",
		"if-none-match", "if-range", "if-unmodified-since", "transfer-encoding", "via"},
	stack.OriginResponse: {"transfer-encoding", "via"},
	stack.ViewerResponse: {"content-encoding", "content-length", "transfer-encoding", "via", "warning"},
}
