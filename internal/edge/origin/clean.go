package origin

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

// Clean maps a request path, percent-encoded as on the wire
// (URL.EscapedPath), to a slash-separated path inside a bucket, or reports
// ok=false when it must not be served.
//
// The path must start with "/" (an empty one means "/"). Each segment is
// percent-decoded exactly once, so "/a%20b" is "a b" and "/%252e" is the
// literal name "%2e". Empty segments collapse ("//a" is "a"): the bucket
// answers such a request path as a missing key before it opens anything,
// and Clean serves names from the configuration too. A path is
// refused when a segment is malformed ("%zz"), decodes to "." or "..", or
// contains "/" ("%2f"), a backslash, a NUL or bytes that are not UTF-8:
// every one of those is either an escape attempt or a name no bucket key can
// have (S3 keys are UTF-8).
//
// The result never starts with "/", and ends with "/" when the request names
// a folder; the bucket root is "".
func Clean(rawPath string) (p string, ok bool) {
	if rawPath == "" {
		return "", true
	}
	if rawPath[0] != '/' {
		return "", false
	}
	var b strings.Builder
	for seg := range strings.SplitSeq(rawPath[1:], "/") {
		if seg == "" {
			continue
		}
		name, err := url.PathUnescape(seg)
		if err != nil || name == "." || name == ".." || strings.ContainsAny(name, "/\\\x00") || !utf8.ValidString(name) {
			return "", false
		}
		if b.Len() > 0 {
			b.WriteByte('/')
		}
		b.WriteString(name)
	}
	if b.Len() > 0 && strings.HasSuffix(rawPath, "/") {
		b.WriteByte('/')
	}
	return b.String(), true
}
