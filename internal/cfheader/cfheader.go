// Package cfheader holds CloudFront's rules for the headers, URIs and query
// strings that functions see and return, shared by cdn-functions
// (internal/cff) and Lambda@Edge (internal/lambdaedge): which headers are
// hidden from them and may not be added, and what a name or value may hold;
// and the viewer headers CloudFront computes (device, country), which the
// edge (internal/edge) also adds for cache keys, and the includeBody limits.
package cfheader

import (
	"strings"
	"unicode/utf8"
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

// Disallowed reports whether the header named lname (lowercase) is one
// functions never see and may not add.
func Disallowed(lname string) bool {
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

// ValidName reports whether s is an HTTP token (RFC 9110 §5.6.2), the
// syntax of a header name.
func ValidName(s string) bool {
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

// HasCTL reports whether s holds a control character other than tab, which
// no header value (nor URI) may (RFC 9110 §5.5).
func HasCTL(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			return true
		}
	}
	return false
}

// ToUTF8 returns s as events show it: UTF-8 as is, anything else read as
// ISO-8859-1 (specs §2.3).
func ToUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	b := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		b = utf8.AppendRune(b, rune(s[i]))
	}
	return string(b)
}
