package lambdaedge

import (
	"encoding/base64"
	"encoding/json"
	"github.com/verge-edge/verge/internal/cfheader"
	"net/http"
	"net/url"
	"strings"

	"github.com/verge-edge/verge/internal/edge"
	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/stack"
)

// Result is what applying a function's result produced besides the changes
// made in place.
type Result struct {
	// Generated is the response a request trigger generated: the edge sends
	// it (and, at origin-request, caches it) instead of going on.
	Generated *edge.Response
	// Origin is set when an origin-request function switched origins.
	Origin *OriginChange
}

// Apply validates what a function at trigger t returned (result, the
// handler's return value as JSON) and applies it. req (and at response
// triggers resp) must be what the event was built from: the result is read
// against them to tell what the function changed.
//
// At request triggers a result with a status is a generated response,
// returned in Result.Generated with req left alone; any other object is
// the request: uri, querystring, headers, a body with action "replace",
// and at origin-request the origin replace req's (see OriginChange). At
// response triggers the result is the response: status (origin-response
// only), headers, and a body that replaces the origin's ("" removes it).
// A replaced body, request or response, drops Content-Length, which the
// edge sets again when it sends the body.
// Header lines without key get one; statusDescription is optional.
//
// A result CloudFront would reject returns an *edge.FuncError with status
// 502, type LambdaValidationError and CloudFront's wording, and leaves req
// and resp unchanged. Other errors are the caller's (a bad trigger, a
// missing request or response).
func Apply(t stack.Trigger, result []byte, req *edge.Request, resp *edge.Response) (Result, error) {
	const op errs.Op = "lambdaedge.Apply"
	if _, ok := readOnly[t]; !ok {
		return Result{}, errs.E(op, errs.Invalid, errs.Errorf("trigger %q is not a Lambda@Edge trigger", t))
	}
	if req == nil || (isResponse(t) && resp == nil) {
		return Result{}, errs.E(op, errs.Invalid, errs.Errorf("%s: the request or response the event was built from is missing", t))
	}
	obj, err := resultObject(result)
	if err != nil {
		return Result{}, err
	}
	if isResponse(t) {
		return Result{}, applyResponse(t, obj, resp)
	}
	if _, ok := obj["status"]; ok {
		gen, err := generated(t, obj)
		return Result{Generated: gen}, err
	}
	oc, err := applyRequest(t, obj, req)
	return Result{Origin: oc}, err
}

// resultObject parses a result, which must be a JSON object.
func resultObject(result []byte) (map[string]json.RawMessage, error) {
	if !json.Valid(result) {
		return nil, invalidJSON("The JSON output is not parsable.")
	}
	obj, ok := asObject(result)
	if !ok {
		return nil, invalidJSON("The json output must be an object type.")
	}
	return obj, nil
}

// requestChange is a validated request result, applied only once all of
// it is valid.
type requestChange struct {
	uri, query string
	header     http.Header
	body       []byte
	replace    bool
	origin     *OriginChange
}

func applyRequest(t stack.Trigger, obj map[string]json.RawMessage, req *edge.Request) (*OriginChange, error) {
	c, err := readRequest(t, obj, req)
	if err != nil {
		return nil, err
	}
	req.URI, req.Query, req.Header = c.uri, c.query, c.header
	if c.replace {
		req.Body, req.BodyReplaced = c.body, true
		req.Header.Del("Content-Length") // stale: the edge sends the new length
	}
	if c.origin != nil && c.origin.HTTP != nil {
		req.OriginOverride = c.origin.HTTP
	}
	return c.origin, nil
}

// checkSame fails when a read-only property is present and changed.
func checkSame(obj map[string]json.RawMessage, name, orig string) error {
	raw, ok := obj[name]
	if !ok {
		return nil
	}
	if s, ok := asString(raw); !ok || s != orig {
		return invalid("%s is read-only", name)
	}
	return nil
}

func readRequest(t stack.Trigger, obj map[string]json.RawMessage, req *edge.Request) (*requestChange, error) {
	c := &requestChange{uri: req.URI, query: req.Query}
	var err error
	// The body first: CloudFront answers an API Gateway-style result
	// ({statusCode, body: "…"}) with its body error.
	if c.body, c.replace, err = requestBody(obj["body"], bodyLimit(t)); err != nil {
		return nil, err
	}
	fields := []string{"body", "clientIp", "headers", "method", "querystring", "uri"}
	if t == stack.OriginRequest {
		fields = append(fields, "origin")
	}
	if err := onlyFields(obj, "the request", fields...); err != nil {
		return nil, err
	}
	if err := checkSame(obj, "method", req.Method); err != nil {
		return nil, err
	}
	if err := checkSame(obj, "clientIp", req.ClientIP); err != nil {
		return nil, err
	}
	if err := c.readURL(obj, req); err != nil {
		return nil, err
	}
	hs, err := resultHeaders(obj["headers"], "headers")
	if err != nil {
		return nil, err
	}
	if c.header, err = viewHeader(req.Header).apply(hs, t, false); err != nil {
		return nil, err
	}
	if raw, ok := obj["origin"]; ok {
		if c.origin, err = applyOrigin(raw, req, hs); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// readURL reads uri (required) and querystring (absent is none), which keep
// their original bytes when unchanged.
func (c *requestChange) readURL(obj map[string]json.RawMessage, req *edge.Request) error {
	uri, ok := asString(obj["uri"])
	if !ok {
		return invalid("uri must be a string")
	}
	shownURI := escapePath(req.URI)
	if uri != shownURI {
		if !strings.HasPrefix(uri, "/") {
			return invalid("uri %q must start with /", uri)
		}
		if cfheader.HasCTL(uri) || strings.ContainsAny(uri, " #?") {
			return invalid("uri %q holds a space, a control character, ? or #", uri)
		}
		c.uri = uri
		if p, err := url.PathUnescape(uri); err == nil {
			c.uri = p
		}
	}
	query, _, err := optString(obj, "querystring", "the request")
	if err != nil {
		return err
	}
	if query != cfheader.ToUTF8(req.Query) {
		if cfheader.HasCTL(query) || strings.ContainsAny(query, " #") {
			return invalid("querystring %q holds a space, a control character or #", query)
		}
		c.query = query
	}
	if (c.uri != req.URI || c.query != req.Query) && len(uri)+len(query) >= MaxURL {
		return invalid("uri and querystring are %d characters; they must be fewer than %d", len(uri)+len(query), MaxURL)
	}
	return nil
}

// requestBody reads request.body: absent or action "read-only" leaves the
// body alone; "replace" sets it from data, text or base64, at most limit
// bytes decoded.
func requestBody(raw json.RawMessage, limit int) (body []byte, replace bool, err error) {
	if isAbsent(raw) {
		return nil, false, nil
	}
	obj, ok := asObject(raw)
	if !ok {
		return nil, false, invalid(msgBody)
	}
	if err := onlyFields(obj, "body", "action", "data", "encoding", "inputTruncated"); err != nil {
		return nil, false, err
	}
	action, _, err := optString(obj, "action", "body")
	if err != nil {
		return nil, false, err
	}
	switch action {
	case "", actionReadOnly:
		return nil, false, nil
	case actionReplace:
	default:
		return nil, false, invalid("body.action %q must be read-only or replace", action)
	}
	enc, _, err := optString(obj, "encoding", "body")
	if err != nil {
		return nil, false, err
	}
	data, ok := asString(obj["data"])
	if !ok {
		return nil, false, invalid(msgBody)
	}
	body, err = decodeBody(data, enc, limit, "body.encoding")
	return body, err == nil, err
}

// decodeBody decodes data in encoding enc ("" is text); the result may not
// exceed limit bytes. what names the encoding's property in errors.
func decodeBody(data, enc string, limit int, what string) ([]byte, error) {
	switch enc {
	case "", encodingText:
		if len(data) > limit {
			return nil, invalid(msgBody)
		}
		return []byte(data), nil
	case encodingBase64:
		if base64.StdEncoding.DecodedLen(len(data)) > limit+3 {
			return nil, invalid(msgBody)
		}
		b, err := base64.StdEncoding.DecodeString(data)
		if err != nil {
			return nil, invalid("the body is not valid base64")
		}
		if len(b) > limit {
			return nil, invalid(msgBody)
		}
		return b, nil
	}
	return nil, invalid("%s %q must be text or base64", what, enc)
}

// generated reads the response a request function generated.
func generated(t stack.Trigger, obj map[string]json.RawMessage) (*edge.Response, error) {
	if err := onlyFields(obj, "the response", "body", "bodyEncoding", "headers", "status", "statusDescription"); err != nil {
		return nil, err
	}
	status, err := statusOf(obj["status"])
	if err != nil {
		return nil, err
	}
	if _, _, err := optString(obj, "statusDescription", "the response"); err != nil {
		return nil, err
	}
	hs, err := resultHeaders(obj["headers"], "headers")
	if err != nil {
		return nil, err
	}
	header, err := viewHeader(nil).apply(hs, t, true)
	if err != nil {
		return nil, err
	}
	body, _, err := responseBody(obj, bodyLimit(t))
	if err != nil {
		return nil, err
	}
	if t == stack.ViewerRequest && status == http.StatusNoContent && len(body) > 0 {
		return nil, invalid("a 204 response cannot have a body")
	}
	if headerSize(header)+len(body) > bodyLimit(t) {
		return nil, invalid(msgBody)
	}
	return &edge.Response{Status: status, Header: header, Body: body}, nil
}

// responseBody reads a response's body (a string) and bodyEncoding (text,
// the default, or base64). present is false when there is no body.
func responseBody(obj map[string]json.RawMessage, limit int) (body []byte, present bool, err error) {
	enc, _, err := optString(obj, "bodyEncoding", "the response")
	if err != nil {
		return nil, false, err
	}
	raw := obj["body"]
	if isAbsent(raw) {
		return nil, false, nil
	}
	data, ok := asString(raw)
	if !ok {
		return nil, false, invalid(msgBody)
	}
	body, err = decodeBody(data, enc, limit, "bodyEncoding")
	if body == nil && err == nil {
		body = []byte{} // present and empty: it removes the origin's body
	}
	return body, err == nil, err
}

// headerSize is h's size on the wire: "Name: value\r\n" per line.
func headerSize(h http.Header) int {
	n := 0
	for k, vs := range h {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	return n
}

// applyResponse applies a response trigger's result to resp.
func applyResponse(t stack.Trigger, obj map[string]json.RawMessage, resp *edge.Response) error {
	if err := onlyFields(obj, "the response", "body", "bodyEncoding", "headers", "status", "statusDescription"); err != nil {
		return err
	}
	status := resp.Status
	if raw, ok := obj["status"]; ok {
		var err error
		if status, err = statusOf(raw); err != nil {
			return err
		}
		if t == stack.ViewerResponse && status != resp.Status {
			return invalid("a %s function cannot change the status (%d to %d)", t, resp.Status, status)
		}
	}
	if _, _, err := optString(obj, "statusDescription", "the response"); err != nil {
		return err
	}
	hs, err := resultHeaders(obj["headers"], "headers")
	if err != nil {
		return err
	}
	header, err := viewHeader(resp.Header).apply(hs, t, false)
	if err != nil {
		return err
	}
	body, present, err := responseBody(obj, bodyLimit(t))
	if err != nil {
		return err
	}
	resp.Status, resp.Header = status, header
	if present {
		resp.Body = body
		resp.Header.Del("Content-Length") // stale: the edge sends the new length
	}
	return nil
}
