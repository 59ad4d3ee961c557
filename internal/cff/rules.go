package cff

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/verge-edge/verge/internal/edge"
)

// Version is the event structure version, the event's "version".
const Version = "1.0"

// The event types of CloudFront Functions, the event's context.eventType.
const (
	ViewerRequest  = "viewer-request"
	ViewerResponse = "viewer-response"
)

// ErrValidation is the FuncError type of a result that fails validation:
// CloudFront's FunctionValidationError, which the viewer sees as a 502.
const ErrValidation = "FunctionValidationError"

// Limits on what a function returns.
const (
	// MaxURL bounds the URI plus the query string a function sets: they must
	// be shorter than 8,192 characters (specs §2.3).
	MaxURL = 8192
	// MaxResponse bounds a generated response, headers and body, and a body
	// that replaces the origin's: 40 KB for viewer events (specs §2.4; §3.5
	// gives CFF no limit of its own, so the viewer-event one applies).
	MaxResponse = 40 << 10
	// MinStatus and MaxStatus bound the status a function returns (§2.4).
	MinStatus = 200
	MaxStatus = 599
)

// disallowed are the headers functions never see and may not add (specs
// §2.1), lowercase; disallowedPrefixes are the wildcard entries X-Amz-Cf-*
// and X-Edge-*.
var (
	disallowed = map[string]bool{
		"connection": true, "expect": true, "keep-alive": true,
		"proxy-authenticate": true, "proxy-authorization": true, "proxy-connection": true,
		"trailer": true, "upgrade": true,
		"x-accel-buffering": true, "x-accel-charset": true, "x-accel-limit-rate": true, "x-accel-redirect": true,
		"x-amzn-auth": true, "x-amzn-cf-billing": true, "x-amzn-cf-id": true, "x-amzn-cf-xff": true,
		"x-amzn-errortype": true, "x-amzn-fle-profile": true, "x-amzn-header-count": true,
		"x-amzn-header-order": true, "x-amzn-lambda-integration-tag": true, "x-amzn-requestid": true,
		"x-cache": true, "x-forwarded-proto": true, "x-real-ip": true,
	}
	disallowedPrefixes = []string{"x-amz-cf-", "x-edge-"}
)

func isDisallowed(lname string) bool {
	if disallowed[lname] {
		return true
	}
	for _, p := range disallowedPrefixes {
		if strings.HasPrefix(lname, p) {
			return true
		}
	}
	return false
}

// readOnly are the headers a function may not add, change or remove, by
// event type (specs §2.2, the CFF rows; the L@E-only viewer-response
// entries are left out).
var readOnly = map[string][]string{
	ViewerRequest:  {"cdn-loop", "content-length", "host", "transfer-encoding", "via"},
	ViewerResponse: {"via", "warning"},
}

// viewerCountry may be read and changed in viewer-request but not added
// (specs §2.2 and §1.5).
const viewerCountry = "cloudfront-viewer-country"

// invalid is a validation failure: the viewer gets a 502.
func invalid(format string, args ...any) error {
	return &edge.FuncError{Status: http.StatusBadGateway, Type: ErrValidation, Detail: fmt.Sprintf(format, args...)}
}

// validToken reports whether s is an HTTP token (RFC 9110 §5.6.2), the
// syntax of a header name.
func validToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// hasCTL reports whether s holds a control character other than tab, which
// no header value may (RFC 9110 §5.5).
func hasCTL(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			return true
		}
	}
	return false
}
