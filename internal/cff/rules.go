package cff

import (
	"fmt"
	"net/http"

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
