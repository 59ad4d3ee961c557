package stack

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/textproto"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// The pure checks of single values, kept apart from the resolver so that
// table tests can pin them down.

// maxPatternLen is CloudFront's limit on a path pattern.
const maxPatternLen = 255

// patternPunct are the characters other than letters and digits that
// CloudFront allows in a path pattern ("?" and "*" are wildcards).
const patternPunct = `_-.*?$/~"'@:+&`

// checkPathPattern returns what is wrong with a route path pattern, or "".
func checkPathPattern(p string) string {
	switch {
	case p == "":
		return "must not be empty"
	case len(p) > maxPatternLen:
		return fmt.Sprintf("is %d characters long; the limit is %d", len(p), maxPatternLen)
	case p == "*":
		return `is the default behaviour's pattern; write "/*" to route every path`
	case p[0] != '/' && p[0] != '*':
		return `must start with "/" or "*"`
	}
	for i, c := range p {
		if !isAlnum(c) && !strings.ContainsRune(patternPunct, c) {
			return fmt.Sprintf("has the character %q at position %d, which is not allowed (allowed: letters, digits and %s)", c, i+1, patternPunct)
		}
	}
	return ""
}

func isAlnum(c rune) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// originURL normalises a custom-origin url to scheme://host:port[/path].
func originURL(raw string) (string, error) {
	if !strings.Contains(raw, "://") {
		return "", errors.New("needs a scheme: http:// or https://")
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "", fmt.Errorf("is not a valid URL: %v", err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("has scheme %q; use http or https", u.Scheme)
	case u.Hostname() == "":
		return "", errors.New("has no host")
	case u.User != nil:
		return "", errors.New("must not hold a user or password; send credentials with customHeaders")
	case u.RawQuery != "" || u.ForceQuery:
		return "", errors.New("must not have a query")
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return "", errors.New("must not have a fragment")
	}
	port := defaultPort(u.Scheme)
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return "", fmt.Errorf("has port %q; ports are 1 to 65535", p)
		}
		port = n
	}
	return joinURL(u.Scheme, u.Hostname(), port, strings.TrimRight(u.EscapedPath(), "/")), nil
}

// hostLabel is one label of a DNS name.
var hostLabel = regexp.MustCompile(`^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$`)

// domainURL builds a custom-origin URL from its domainName form.
func domainURL(domain, protocol string, port int, prefix string) (string, error) {
	if err := checkDomainName(domain); err != nil {
		return "", err
	}
	if protocol != "http" && protocol != "https" {
		return "", fmt.Errorf("protocol must be http or https, found %q", protocol)
	}
	if port == 0 {
		port = defaultPort(protocol)
	}
	if port < 1 || port > 65535 {
		return "", fmt.Errorf("port must be between 1 and 65535, found %d", port)
	}
	if prefix != "" {
		if msg := checkOriginPath(prefix); msg != "" {
			return "", fmt.Errorf("path %q %s", prefix, msg)
		}
	}
	return joinURL(protocol, domain, port, prefix), nil
}

// checkDomainName returns an error unless d is a host name or an IP address.
func checkDomainName(d string) error {
	switch {
	case strings.Contains(d, "://"):
		return fmt.Errorf("domainName %q must be a host name only; use url for a full URL", d)
	case strings.ContainsAny(d, "/?#"):
		return fmt.Errorf("domainName %q must be a host name only; put a path prefix in path", d)
	}
	if _, err := netip.ParseAddr(d); err == nil {
		return nil
	}
	if strings.Contains(d, ":") {
		return fmt.Errorf("domainName %q must be a host name only; put the port in port", d)
	}
	labels := strings.Split(strings.TrimSuffix(d, "."), ".")
	for _, l := range labels {
		if !hostLabel.MatchString(l) {
			return fmt.Errorf("domainName %q is not a valid host name", d)
		}
	}
	if len(d) > 253 {
		return fmt.Errorf("domainName %q is longer than 253 characters", d)
	}
	return nil
}

// checkOriginPath returns what is wrong with a custom origin's path prefix,
// or "". CloudFront's rules: it starts with "/" and does not end with one.
func checkOriginPath(p string) string {
	switch {
	case !strings.HasPrefix(p, "/"):
		return `must start with "/"`
	case strings.HasSuffix(p, "/"):
		return `must not end with "/"`
	case strings.ContainsAny(p, "?#"):
		return "must not hold a query or fragment"
	case path.Clean(p) != p:
		return "must be a clean path (no //, . or ..)"
	}
	return ""
}

func defaultPort(scheme string) int {
	if scheme == "http" {
		return 80
	}
	return 443
}

// joinURL writes scheme://host:port/path with the port always explicit.
func joinURL(scheme, host string, port int, prefix string) string {
	return scheme + "://" + net.JoinHostPort(strings.ToLower(host), strconv.Itoa(port)) + prefix
}

// isToken reports whether s is an RFC 9110 token, as header and cookie
// names must be.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !isAlnum(c) && !strings.ContainsRune("!#$%&'*+-.^_`|~", c) {
			return false
		}
	}
	return true
}

// headerName canonicalises a header name for a cache key.
func headerName(s string) (string, error) {
	if !isToken(s) {
		return "", fmt.Errorf("%q is not a valid header name", s)
	}
	c := textproto.CanonicalMIMEHeaderKey(s)
	if c == "Accept-Encoding" {
		return "", errors.New("Accept-Encoding cannot be in the cache key: compression already varies the cache on it (see cdn.compress)")
	}
	return c, nil
}

// cookieName checks a cookie name for a cache key.
func cookieName(s string) (string, error) {
	if !isToken(s) {
		return "", fmt.Errorf("%q is not a valid cookie name", s)
	}
	return s, nil
}

// queryName checks a query parameter name for a cache key.
func queryName(s string) (string, error) {
	if s == "" || strings.ContainsFunc(s, isControl) {
		return "", fmt.Errorf("%q is not a valid query parameter name", s)
	}
	return s, nil
}

func isControl(c rune) bool { return c < 0x20 || c == 0x7f }

// forbiddenOriginHeaders may not be set by customHeaders: the proxy owns
// them.
var forbiddenOriginHeaders = map[string]bool{
	"Host":                true,
	"Connection":          true,
	"Keep-Alive":          true,
	"Proxy-Connection":    true,
	"Proxy-Authenticate":  true,
	"Proxy-Authorization": true,
	"Te":                  true,
	"Trailer":             true,
	"Transfer-Encoding":   true,
	"Upgrade":             true,
}

// customHeader checks a custom origin header and canonicalises its name.
func customHeader(name, value string) (Header, error) {
	if !isToken(name) {
		return Header{}, fmt.Errorf("%q is not a valid header name", name)
	}
	c := textproto.CanonicalMIMEHeaderKey(name)
	if forbiddenOriginHeaders[c] {
		return Header{}, fmt.Errorf("header %s cannot be set on origin requests: Host and hop-by-hop headers belong to the proxy", c)
	}
	if strings.ContainsFunc(value, func(r rune) bool { return r != '\t' && isControl(r) }) {
		return Header{}, fmt.Errorf("the value of header %s holds a control character", c)
	}
	return Header{Name: c, Value: value}, nil
}
