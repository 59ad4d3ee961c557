package cff

import (
	"encoding/base64"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/verge-edge/verge/internal/cfheader"

	"github.com/verge-edge/verge/internal/edge"
)

// ApplyRequestResult applies what a viewer-request function returned (out,
// the handler's result as JSON) to req, which must be the request the event
// was built from: the result is read against it to tell what the function
// changed.
//
// A result with a statusCode is a generated response, returned for the edge
// to send; req is left alone. Any other object is the request: its uri,
// querystring (an object, or a string as AWS's own examples assign),
// headers and cookies replace req's, header names capitalised word by word
// and cookies joined into one Cookie header. What the function did not
// change keeps its original bytes.
//
// A result that fails validation returns an *edge.FuncError with status 502
// and type FunctionValidationError, and leaves req unchanged.
func ApplyRequestResult(out []byte, req *edge.Request) (generated *edge.Response, err error) {
	o, err := resultObject(out)
	if err != nil {
		return nil, err
	}
	if o.get("statusCode") != nil {
		return generatedResponse(o)
	}
	return nil, applyRequest(o, req)
}

// ApplyResponseResult applies what a viewer-response function returned to
// resp: the status (viewer-response functions may change it), headers,
// cookies as Set-Cookie lines, and the body when the result has one (an
// empty one removes the origin's; none keeps it). It fails as
// ApplyRequestResult does, leaving resp unchanged.
func ApplyResponseResult(out []byte, resp *edge.Response) error {
	o, err := resultObject(out)
	if err != nil {
		return err
	}
	return applyResponse(o, resp, viewResponse(resp))
}

// applyResponse is ApplyResponseResult for the parsed result o, with v the
// view of resp the event was built from.
func applyResponse(o object, resp *edge.Response, v *responseView) error {
	status, err := statusOf(o)
	if err != nil {
		return err
	}
	if err := checkDescription(o); err != nil {
		return err
	}
	header, err := responseHeader(o, v.headers, v.hidden, v.cookies, v.setCookies, false)
	if err != nil {
		return err
	}
	body, hasBody, err := bodyOf(o)
	if err != nil {
		return err
	}
	resp.Status, resp.Header = status, header
	if hasBody {
		resp.Body = body
	}
	return nil
}

// resultObject parses a function's result, which must be a JSON object.
func resultObject(out []byte) (object, error) {
	return objectOf(parse(out))
}

// objectOf is resultObject after the parse.
func objectOf(v *value, ok bool) (object, error) {
	if !ok {
		return nil, invalid("the function result is not valid JSON")
	}
	o, ok := v.object()
	if !ok {
		return nil, invalid("the function result must be an object")
	}
	return o, nil
}

func applyRequest(o object, req *edge.Request) error {
	v := viewRequest(req)
	if m := o.get("method"); !m.absent() {
		if s, ok := m.string(); !ok || s != req.Method {
			return invalid("method is read-only")
		}
	}

	uri, ok := o.get("uri").string()
	if !ok {
		return invalid("uri must be a string")
	}
	newURI := req.URI
	if uri != v.uri {
		if !strings.HasPrefix(uri, "/") {
			return invalid("uri %q must start with /", uri)
		}
		if cfheader.HasCTL(uri) {
			return invalid("uri %q holds a control character", uri)
		}
		newURI = unescapePath(uri)
	}

	newQuery, err := resultQuery(o.get("querystring"), req.Query, v.query)
	if err != nil {
		return err
	}
	if (uri != v.uri || newQuery != req.Query) && len(uri)+len(newQuery) >= MaxURL {
		return invalid("uri and query string are %d characters; the limit is %d", len(uri)+len(newQuery), MaxURL-1)
	}

	hs, err := resolveFields(o.get("headers"), v.headers, false, "headers")
	if err != nil {
		return err
	}
	header, extra, err := buildHeader(hs, v.headers, v.hidden, "cookie", ViewerRequest, false)
	if err != nil {
		return err
	}
	cs, err := resolveFields(o.get("cookies"), v.cookies, false, "cookies")
	if err != nil {
		return err
	}
	lines := v.cookieLines
	if !v.cookies.same(cs) {
		lines, err = cookieLine(cs, v.cookies)
		if err != nil {
			return err
		}
	}
	if lines = append(lines[:len(lines):len(lines)], extra...); len(lines) > 0 {
		header["Cookie"] = lines
	}

	req.URI, req.Query, req.Header = newURI, newQuery, header
	return nil
}

// unescapePath decodes a uri a function set into the edge's decoded form. A
// uri that is not valid percent-encoding is taken literally.
func unescapePath(uri string) string {
	if p, err := url.PathUnescape(uri); err == nil {
		return p
	}
	return uri
}

// resultQuery returns the raw query string for the querystring a function
// returned: unchanged when every parameter is, rebuilt otherwise, with the
// parameters the function did not change keeping their original bytes.
func resultQuery(raw *value, query string, orig *fields) (string, error) {
	if s, ok := raw.string(); ok {
		s = strings.TrimPrefix(s, "?")
		if s == query {
			return query, nil
		}
		return s, checkQuery(s)
	}
	if raw.kind() != kindObject && !raw.absent() {
		return "", invalid("querystring must be an object or a string")
	}
	qs, err := resolveFields(raw, orig, false, "querystring")
	if err != nil {
		return "", err
	}
	if orig.same(qs) {
		return query, nil
	}
	var b strings.Builder
	for _, f := range qs {
		for _, e := range f.vals {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			if e.orig {
				b.WriteString(e.raw)
				continue
			}
			b.WriteString(f.name)
			b.WriteByte('=')
			b.WriteString(e.value)
		}
	}
	s := b.String()
	return s, checkQuery(s)
}

// checkQuery applies the rule for a new query string: no spaces, control
// characters or "#" (specs §2.3).
func checkQuery(s string) error {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f || c == '#' {
			return invalid("query string %q holds a space, a control character or #", s)
		}
	}
	return nil
}

// buildHeader turns the headers a function returned into an http.Header:
// the hidden (disallowed) headers as they were, then each header under its
// canonical name (each hyphen-separated word capitalised). A header named
// cookie (Cookie or Set-Cookie, which the event shows as cookies) is
// returned as extra lines for the caller. It enforces the header rules:
// valid names and values, no disallowed header, no change to a read-only
// one, and in viewer-request no added CloudFront-Viewer-Country.
// generated is set for a response a viewer-request function generated,
// which has no original headers to protect.
func buildHeader(hs []field, orig *fields, hidden http.Header, cookie, eventType string, generated bool) (http.Header, []string, error) {
	merged := make(map[string][]entry, len(hs))
	var order []string
	var extra []string
	for _, f := range hs {
		p := fieldPath("headers", f.name)
		lname := strings.ToLower(f.name)
		if orig.get(f.name) == nil && !cfheader.ValidName(f.name) {
			return nil, nil, invalid("%s: invalid header name", p)
		}
		if cfheader.Disallowed(lname) {
			return nil, nil, invalid("%s: %s is a disallowed header", p, http.CanonicalHeaderKey(lname))
		}
		for _, e := range f.vals {
			if !e.orig && cfheader.HasCTL(e.value) {
				return nil, nil, invalid("%s: the value holds a control character", p)
			}
		}
		if lname == cookie {
			for _, e := range f.vals {
				extra = append(extra, outValue(e))
			}
			continue
		}
		if _, ok := merged[lname]; !ok {
			order = append(order, lname)
		}
		merged[lname] = append(merged[lname], f.vals...)
	}
	if !generated {
		for _, name := range readOnly[eventType] {
			if !sameEntries(orig.get(name), merged[name]) {
				return nil, nil, invalid("headers[%q]: %s is read-only: it cannot be added, changed or removed", name, http.CanonicalHeaderKey(name))
			}
		}
		if eventType == ViewerRequest && merged[viewerCountry] != nil && orig.get(viewerCountry) == nil {
			return nil, nil, invalid("headers[%q]: %s cannot be added in %s", viewerCountry, http.CanonicalHeaderKey(viewerCountry), ViewerRequest)
		}
	}
	h := make(http.Header, len(hidden)+len(order)+1)
	for k, vs := range hidden {
		h[k] = vs
	}
	for _, lname := range order {
		ck := http.CanonicalHeaderKey(lname)
		for _, e := range merged[lname] {
			h[ck] = append(h[ck], outValue(e))
		}
	}
	return h, extra, nil
}

// outValue is what goes out over HTTP for a value: its original bytes when
// it is unchanged.
func outValue(e entry) string {
	if e.orig {
		return e.raw
	}
	return e.value
}

// cookieLine joins request cookies into one Cookie header value.
func cookieLine(cs []field, orig *fields) ([]string, error) {
	var b strings.Builder
	for _, f := range cs {
		p := fieldPath("cookies", f.name)
		if orig.get(f.name) == nil && !validCookieName(f.name) {
			return nil, invalid("%s: invalid cookie name", p)
		}
		for _, e := range f.vals {
			if b.Len() > 0 {
				b.WriteString("; ")
			}
			if e.orig {
				b.WriteString(e.raw)
				continue
			}
			if !validCookieValue(e.value) {
				return nil, invalid("%s: the value holds a control character or ;", p)
			}
			b.WriteString(f.name)
			b.WriteByte('=')
			b.WriteString(e.value)
		}
	}
	if b.Len() == 0 {
		return nil, nil
	}
	return []string{b.String()}, nil
}

// setCookieLines turns response cookies into Set-Cookie lines: name=value,
// then "; " and the attributes when there are any.
func setCookieLines(cs []field, orig *fields) ([]string, error) {
	var lines []string
	for _, f := range cs {
		p := fieldPath("cookies", f.name)
		if orig.get(f.name) == nil && !validCookieName(f.name) {
			return nil, invalid("%s: invalid cookie name", p)
		}
		for _, e := range f.vals {
			if e.orig {
				lines = append(lines, e.raw)
				continue
			}
			if !validCookieValue(e.value) || cfheader.HasCTL(e.attrs) {
				return nil, invalid("%s: the value or attributes hold a control character or ;", p)
			}
			line := f.name + "=" + e.value
			if e.attrs != "" {
				line += "; " + e.attrs
			}
			lines = append(lines, line)
		}
	}
	return lines, nil
}

// validCookieName reports whether a cookie name a function added can go
// out in a header: not empty, no control character, no ";" or "=".
func validCookieName(s string) bool {
	return s != "" && !cfheader.HasCTL(s) && !strings.ContainsAny(s, ";=")
}

func validCookieValue(s string) bool { return !cfheader.HasCTL(s) && !strings.Contains(s, ";") }

// responseHeader builds a result response's header: its headers, then its
// cookies as Set-Cookie lines (the original lines when the cookies are
// unchanged).
func responseHeader(o object, orig *fields, hidden http.Header, origCookies *fields, origLines []string, generated bool) (http.Header, error) {
	hs, err := resolveFields(o.get("headers"), orig, false, "headers")
	if err != nil {
		return nil, err
	}
	header, extra, err := buildHeader(hs, orig, hidden, "set-cookie", ViewerResponse, generated)
	if err != nil {
		return nil, err
	}
	cs, err := resolveFields(o.get("cookies"), origCookies, true, "cookies")
	if err != nil {
		return nil, err
	}
	lines := origLines
	if !origCookies.same(cs) {
		if lines, err = setCookieLines(cs, origCookies); err != nil {
			return nil, err
		}
	}
	if lines = append(lines[:len(lines):len(lines)], extra...); len(lines) > 0 {
		header["Set-Cookie"] = lines
	}
	return header, nil
}

// generatedResponse builds the response a viewer-request function
// generated. The edge has no use for statusDescription; it is checked and
// dropped.
func generatedResponse(o object) (*edge.Response, error) {
	status, err := statusOf(o)
	if err != nil {
		return nil, err
	}
	if err := checkDescription(o); err != nil {
		return nil, err
	}
	header, err := responseHeader(o, nil, nil, nil, nil, true)
	if err != nil {
		return nil, err
	}
	body, _, err := bodyOf(o)
	if err != nil {
		return nil, err
	}
	if status == http.StatusNoContent && len(body) > 0 {
		return nil, invalid("a 204 response cannot have a body")
	}
	if n := headerSize(header) + len(body); n > MaxResponse {
		return nil, invalid("the generated response is %d bytes with its headers; the limit is %d", n, MaxResponse)
	}
	return &edge.Response{Status: status, Header: header, Body: body}, nil
}

// headerSize is the size of h on the wire: "Name: value\r\n" per line.
func headerSize(h http.Header) int {
	n := 0
	for k, vs := range h {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	return n
}

// statusOf reads statusCode: an integer (not a string; specs §3.2) between
// 200 and 599 (§2.4).
func statusOf(o object) (int, error) {
	raw := o.get("statusCode")
	if raw == nil {
		return 0, invalid("statusCode is missing")
	}
	if raw.kind() != kindNumber {
		return 0, invalid("statusCode must be an integer")
	}
	f, err := strconv.ParseFloat(raw.str, 64)
	if err != nil || f != math.Trunc(f) {
		return 0, invalid("statusCode must be an integer")
	}
	if f < MinStatus || f > MaxStatus {
		return 0, invalid("statusCode %s is not between %d and %d", raw.str, MinStatus, MaxStatus)
	}
	return int(f), nil
}

// checkDescription checks that statusDescription, which is optional, is a
// string.
func checkDescription(o object) error {
	if d := o.get("statusDescription"); !d.absent() {
		if _, ok := d.string(); !ok {
			return invalid("statusDescription must be a string")
		}
	}
	return nil
}

// bodyOf reads a response's body: a string (text) or {encoding, data} with
// encoding "text" (the default) or "base64". present is false when there is
// none (absent or null). The decoded body may not exceed MaxResponse.
func bodyOf(o object) (body []byte, present bool, err error) {
	raw := o.get("body")
	if raw.absent() {
		return nil, false, nil
	}
	if s, ok := raw.string(); ok {
		body = []byte(s)
	} else {
		bo, ok := raw.object()
		if !ok {
			return nil, false, invalid("body must be a string or an object")
		}
		enc := "text"
		if e := bo.get("encoding"); !e.absent() {
			if enc, ok = e.string(); !ok {
				return nil, false, invalid("body.encoding must be a string")
			}
		}
		data, ok := bo.get("data").string()
		if !ok {
			return nil, false, invalid("body.data must be a string")
		}
		switch enc {
		case "text":
			body = []byte(data)
		case "base64":
			if base64.StdEncoding.DecodedLen(len(data)) > MaxResponse+3 {
				return nil, false, invalid("the body is larger than %d bytes", MaxResponse)
			}
			if body, err = base64.StdEncoding.DecodeString(data); err != nil {
				return nil, false, invalid("body.data is not valid base64")
			}
		default:
			return nil, false, invalid("body.encoding %q must be text or base64", enc)
		}
	}
	if len(body) > MaxResponse {
		return nil, false, invalid("the body is %d bytes; the limit is %d", len(body), MaxResponse)
	}
	if body == nil {
		body = []byte{} // present and empty: it removes the origin's body
	}
	return body, true, nil
}
