package edge

import (
	"net/http"
	"strings"
)

// appendKey appends the cache key of r under behaviour b of distribution d:
// the distribution, the path, and the query strings, headers and cookies the
// cache policy names, in a form where no two different requests collide
// (NUL separates parts; NUL cannot appear in a parsed URL or header value).
// It allocates nothing beyond growing dst.
func (b *behavior) appendKey(dst []byte, d *dist, r *http.Request) []byte {
	path := r.URL.Path
	if r.URL.RawPath != "" {
		path = r.URL.RawPath
	}
	return b.appendKeyOf(dst, d, path, r.URL.RawQuery, r.Header)
}

// appendKeyOf is appendKey from the request's parts: the path as keyed
// (RawPath when it differs from the decoded path), the raw query, the header.
func (b *behavior) appendKeyOf(dst []byte, d *dist, path, rawQuery string, h http.Header) []byte {
	dst = append(dst, d.name...)
	dst = append(dst, 0)
	dst = append(dst, path...)
	dst = append(dst, 0)
	dst = b.appendQuery(dst, rawQuery)
	for _, name := range b.policy.Headers {
		dst = append(dst, 0)
		dst = append(dst, name...)
		for _, v := range h[name] {
			dst = append(dst, ':')
			dst = append(dst, v...)
		}
	}
	if b.cookieSet != nil {
		dst = append(dst, 0)
		for _, line := range h[hdrCookie] {
			dst = b.appendCookies(dst, line)
		}
	}
	return dst
}

// appendQuery appends the query the policy keeps, which is also the query
// forwarded to the origin (CloudFront forwards the cache key's query strings).
func (b *behavior) appendQuery(dst []byte, raw string) []byte {
	switch {
	case b.policy.QueryStrings.Mode == "all":
		return append(dst, raw...)
	case b.queryAllow == nil:
		return dst
	}
	first := true
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		name, _, _ := strings.Cut(pair, "=")
		if _, ok := b.queryAllow[name]; !ok {
			continue
		}
		if !first {
			dst = append(dst, '&')
		}
		first = false
		dst = append(dst, pair...)
	}
	return dst
}

// forwardedQuery is the query string sent to the origin.
func (b *behavior) forwardedQuery(raw string) string {
	if b.policy.QueryStrings.Mode == "all" {
		return raw
	}
	if b.queryAllow == nil || raw == "" {
		return ""
	}
	return string(b.appendQuery(nil, raw))
}

// appendCookies appends the allow-listed cookies of one Cookie header line.
func (b *behavior) appendCookies(dst []byte, line string) []byte {
	for line != "" {
		var part string
		part, line, _ = strings.Cut(line, ";")
		part = strings.TrimSpace(part)
		name, _, _ := strings.Cut(part, "=")
		if _, ok := b.cookieSet[name]; ok {
			dst = append(dst, part...)
			dst = append(dst, ';')
		}
	}
	return dst
}

// appendVaryKey appends the secondary key for a response that varies on
// the named request headers (RFC 9111 §4.1).
func appendVaryKey(dst []byte, vary []string, h http.Header) []byte {
	dst = append(dst, 1)
	for _, name := range vary {
		dst = append(dst, name...)
		for _, v := range h[name] {
			dst = append(dst, ':')
			dst = append(dst, v...)
		}
		dst = append(dst, 0)
	}
	return dst
}
