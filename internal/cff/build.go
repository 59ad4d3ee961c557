package cff

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/verge-edge/verge/internal/edge"
	"github.com/verge-edge/verge/internal/errs"
)

// requestView is an edge request as the event shows it, plus what the event
// leaves out and a result needs to put back.
type requestView struct {
	// uri is the path percent-encoded again, as the viewer sent it (the edge
	// holds it decoded).
	uri     string
	query   *fields
	headers *fields
	// hidden are the disallowed headers, which functions never see.
	hidden      http.Header
	cookies     *fields
	cookieLines []string
}

func viewRequest(r *edge.Request) *requestView {
	v := &requestView{uri: escapePath(r.URI), query: parseQuery(r.Query)}
	v.headers, v.hidden, v.cookieLines = splitHeader(r.Header, "cookie")
	v.cookies = parseCookies(v.cookieLines)
	return v
}

// responseView is an edge response as the event shows it.
type responseView struct {
	headers    *fields
	hidden     http.Header
	cookies    *fields
	setCookies []string
}

func viewResponse(resp *edge.Response) *responseView {
	v := new(responseView)
	v.headers, v.hidden, v.setCookies = splitHeader(resp.Header, "set-cookie")
	v.cookies = parseSetCookies(v.setCookies)
	return v
}

// escapePath percent-encodes a decoded path the way net/url does for a
// request line.
func escapePath(p string) string {
	u := url.URL{Path: p}
	return u.EscapedPath()
}

// NewRequestEvent returns the event a viewer-request function receives for
// r: version 1.0, the context (distName is the distribution's domain name,
// r.Distribution its id), the viewer's IP and the request. Header names are
// lowercased; the Cookie header is parsed into cookies and left out of
// headers; the query is parsed into querystring with names and values still
// percent-encoded, as CloudFront passes them; repeated names collapse into
// value plus multiValue; disallowed headers are left out. Properties keep
// the request's order, so a function that rebuilds the query string sees
// its parameters in the viewer's order.
//
// eventType must be ViewerRequest: CloudFront Functions run at no other
// request trigger.
func NewRequestEvent(r *edge.Request, distName, eventType string) ([]byte, error) {
	const op errs.Op = "cff.NewRequestEvent"
	if eventType != ViewerRequest {
		return nil, errs.E(op, errs.Invalid, errs.Errorf("event type %q: CloudFront Functions build request events for %s only", eventType, ViewerRequest))
	}
	var w writer
	o := w.writeHead(r, distName, eventType)
	o.key("request")
	w.writeRequest(r, viewRequest(r))
	o.close()
	return w.b, nil
}

// NewResponseEvent returns the event a viewer-response function receives:
// the request r as NewRequestEvent shows it, and resp with its status,
// the standard status text as statusDescription, lowercase headers, and
// Set-Cookie lines parsed into cookies with attributes. There is no body:
// functions never see the origin's. It does not fail today; the error is
// there to match NewRequestEvent.
func NewResponseEvent(r *edge.Request, resp *edge.Response, distName string) ([]byte, error) {
	return appendResponseEvent(nil, r, resp, viewResponse(resp), distName), nil
}

// appendResponseEvent appends the event of NewResponseEvent to b, with v
// the view of resp, so that the Runner builds the view once for the event
// and the result.
func appendResponseEvent(b []byte, r *edge.Request, resp *edge.Response, v *responseView, distName string) []byte {
	w := writer{b: b}
	o := w.writeHead(r, distName, ViewerResponse)
	o.key("request")
	w.writeRequest(r, viewRequest(r))
	o.key("response")
	w.b = appendResponsePart(w.b, resp, v)
	o.close()
	return w.b
}

// appendResponsePart appends the response object of a viewer-response
// event: what a pure function's result depends on (see memo).
func appendResponsePart(b []byte, resp *edge.Response, v *responseView) []byte {
	w := writer{b: b}
	ro := w.open()
	ro.key("statusCode").raw(strconv.Itoa(resp.Status))
	ro.key("statusDescription").str(http.StatusText(resp.Status))
	ro.key("headers").writeFields(v.headers, false)
	ro.key("cookies").writeFields(v.cookies, true)
	ro.close()
	return w.b
}

// writeHead opens the event and writes version, context and viewer. The
// context omits the fields that are empty.
func (w *writer) writeHead(r *edge.Request, distName, eventType string) obj {
	o := w.open()
	o.key("version").str(Version)
	c := o.key("context").open()
	if distName != "" {
		c.key("distributionDomainName").str(distName)
	}
	if r.Distribution != "" {
		c.key("distributionId").str(r.Distribution)
	}
	c.key("eventType").str(eventType)
	if r.RequestID != "" {
		c.key("requestId").str(r.RequestID)
	}
	c.close()
	vo := o.key("viewer").open()
	vo.key("ip").str(r.ClientIP)
	vo.close()
	return o
}

func (w *writer) writeRequest(r *edge.Request, v *requestView) {
	o := w.open()
	o.key("method").str(r.Method)
	o.key("uri").str(v.uri)
	o.key("querystring").writeFields(v.query, false)
	o.key("headers").writeFields(v.headers, false)
	o.key("cookies").writeFields(v.cookies, false)
	o.close()
}
