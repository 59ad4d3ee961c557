package lambdaedge

import (
	"bytes"
	"encoding/json"
	"github.com/verge-edge/verge/internal/cfheader"
	"maps"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/verge-edge/verge/internal/edge"
	"github.com/verge-edge/verge/internal/stack"
)

// OriginChange is the origin an origin-request function switched to:
// exactly one of HTTP and Bucket is set.
type OriginChange struct {
	// HTTP is a custom origin. Apply also sets it as req.OriginOverride,
	// so the edge routes it as it does a CloudFront Function's.
	HTTP *stack.HTTPOrigin `json:"http,omitempty"`
	// Bucket is the bucket an s3 origin names: its domainName without the
	// S3 suffix (".s3.amazonaws.com", ".s3.REGION.amazonaws.com",
	// ".s3-REGION.amazonaws.com"), to be matched against the stack's bucket
	// resources by the caller.
	Bucket string `json:"bucket,omitempty"`
	// Path is the s3 origin's path, a prefix of every object key ("" for
	// none).
	Path string `json:"path,omitempty"`
	// CustomHeaders are the s3 origin's custom headers.
	CustomHeaders []stack.Header `json:"customHeaders,omitempty"`
}

// applyOrigin reads request.origin. A result equal to the event's origin is
// no change (nil). reqHeaders are the result's request headers, which
// custom headers may not repeat.
func applyOrigin(raw json.RawMessage, req *edge.Request, reqHeaders map[string][]string) (*OriginChange, error) {
	obj, ok := asObject(raw)
	if !ok {
		return nil, invalid("origin must be an object")
	}
	if err := onlyFields(obj, "origin", "custom", "s3"); err != nil {
		return nil, err
	}
	custom, s3 := obj["custom"], obj["s3"]
	if isAbsent(custom) == isAbsent(s3) {
		return nil, invalid("origin must hold exactly one of custom and s3")
	}
	if sameOrigin(raw, eventOrigin(req)) {
		return nil, nil
	}
	if !isAbsent(custom) {
		return customChange(custom, req, reqHeaders)
	}
	return s3Change(s3, req, reqHeaders)
}

// sameOrigin reports whether raw decodes to the event's origin.
func sameOrigin(raw json.RawMessage, orig *Origin) bool {
	var o Origin
	if json.Unmarshal(raw, &o) != nil {
		return false
	}
	a, errA := marshal(o)
	b, errB := marshal(orig)
	return errA == nil && errB == nil && bytes.Equal(a, b)
}

// decodeOrigin decodes an origin object strictly into v: no unknown
// fields, the right types.
func decodeOrigin(raw json.RawMessage, what string, v any) error {
	if kindOf(raw) != '{' {
		return invalid("%s must be an object", what)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return invalid("%s: %v", what, err)
	}
	return nil
}

func customChange(raw json.RawMessage, req *edge.Request, reqHeaders map[string][]string) (*OriginChange, error) {
	const what = "origin.custom"
	var c CustomOrigin
	if err := decodeOrigin(raw, what, &c); err != nil {
		return nil, err
	}
	if err := checkDomain(c.DomainName, what); err != nil {
		return nil, err
	}
	if c.Protocol != "http" && c.Protocol != "https" {
		return nil, invalid("%s.protocol %q must be http or https", what, c.Protocol)
	}
	if p := c.Port; p != 80 && p != 443 && (p < 1024 || p > 65535) {
		return nil, invalid("%s.port %d must be 80, 443 or 1024 to 65535", what, p)
	}
	if err := checkTimeouts(&c, what); err != nil {
		return nil, err
	}
	for _, p := range c.SSLProtocols {
		if !sslProtocols[p] {
			return nil, invalid("%s.sslProtocols: %q is not TLSv1.2, TLSv1.1, TLSv1 or SSLv3", what, p)
		}
	}
	if err := checkOriginPath(c.Path, what); err != nil {
		return nil, err
	}
	headers, err := customHeaders(raw, what, reqHeaders)
	if err != nil {
		return nil, err
	}
	o := &stack.HTTPOrigin{
		URL:            c.Protocol + "://" + net.JoinHostPort(c.DomainName, strconv.Itoa(c.Port)) + c.Path,
		CustomHeaders:  headers,
		ConnectTimeout: defaultConnectTimeout,
		ReadTimeout:    c.ReadTimeout,
	}
	if h, _ := currentOrigin(req); h != nil && h.ConnectTimeout > 0 {
		o.ConnectTimeout = h.ConnectTimeout
	}
	return &OriginChange{HTTP: o}, nil
}

// checkTimeouts defaults and bounds keepaliveTimeout (1–60 s) and
// readTimeout (4–60 s).
func checkTimeouts(c *CustomOrigin, what string) error {
	if c.KeepaliveTimeout == 0 {
		c.KeepaliveTimeout = defaultKeepalive
	}
	if c.ReadTimeout == 0 {
		c.ReadTimeout = defaultReadTimeout
	}
	if c.KeepaliveTimeout < 1 || c.KeepaliveTimeout > 60 {
		return invalid("%s.keepaliveTimeout %d must be 1 to 60", what, c.KeepaliveTimeout)
	}
	if c.ReadTimeout < 4 || c.ReadTimeout > 60 {
		return invalid("%s.readTimeout %d must be 4 to 60", what, c.ReadTimeout)
	}
	return nil
}

// checkDomain applies the custom origin's domainName rules: not empty, no
// ":", not an IP address, at most 253 characters.
func checkDomain(d, what string) error {
	switch {
	case d == "" || len(d) > maxDomain:
		return invalid("%s.domainName must be 1 to %d characters", what, maxDomain)
	case strings.ContainsAny(d, ":/ ") || cfheader.HasCTL(d):
		return invalid("%s.domainName %q must be a host name without port or path", what, d)
	case net.ParseIP(d) != nil:
		return invalid("%s.domainName %q must not be an IP address", what, d)
	}
	return nil
}

// checkOriginPath: "" or starting with "/", not ending with one, at most
// 255 characters, URL-encoded.
func checkOriginPath(p, what string) error {
	if p == "" {
		return nil
	}
	if !strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") || len(p) > maxOriginPath || cfheader.HasCTL(p) || strings.ContainsAny(p, " ?#") {
		return invalid("%s.path %q must start with /, not end with /, be URL-encoded and at most %d characters", what, p, maxOriginPath)
	}
	return nil
}

// customHeaders reads an origin's customHeaders: header names that are not
// disallowed and not among the request's headers.
func customHeaders(raw json.RawMessage, what string, reqHeaders map[string][]string) ([]stack.Header, error) {
	obj, _ := asObject(raw)
	hs, err := resultHeaders(obj["customHeaders"], what+".customHeaders")
	if err != nil {
		return nil, err
	}
	var out []stack.Header
	for _, lname := range slices.Sorted(maps.Keys(hs)) {
		if cfheader.Disallowed(lname) {
			return nil, invalid("%s.customHeaders[%q]: %s is a disallowed header", what, lname, defaultKey(lname))
		}
		if _, ok := reqHeaders[lname]; ok {
			return nil, invalid("%s.customHeaders[%q]: the request already has this header", what, lname)
		}
		if err := checkValues(hs[lname], what+".customHeaders", lname); err != nil {
			return nil, err
		}
		for _, v := range hs[lname] {
			out = append(out, stack.Header{Name: defaultKey(lname), Value: v})
		}
	}
	return out, nil
}

func s3Change(raw json.RawMessage, req *edge.Request, reqHeaders map[string][]string) (*OriginChange, error) {
	const what = "origin.s3"
	var s S3Origin
	if err := decodeOrigin(raw, what, &s); err != nil {
		return nil, err
	}
	switch s.AuthMethod {
	case "", authNone:
	case authOAI:
		if s.Region == "" {
			return nil, invalid("%s.region is required with authMethod %s", what, authOAI)
		}
		if h, _ := currentOrigin(req); h != nil {
			return nil, invalid("%s: an origin access identity cannot be used when switching from a custom origin", what)
		}
	default:
		return nil, invalid("%s.authMethod %q must be origin-access-identity or none", what, s.AuthMethod)
	}
	d := s.DomainName
	if d == "" || len(d) > maxS3Domain || strings.ToLower(d) != d || strings.ContainsAny(d, ":/ ") || cfheader.HasCTL(d) {
		return nil, invalid("%s.domainName %q must be a lowercase host name of 1 to %d characters", what, d, maxS3Domain)
	}
	if err := checkOriginPath(s.Path, what); err != nil {
		return nil, err
	}
	headers, err := customHeaders(raw, what, reqHeaders)
	if err != nil {
		return nil, err
	}
	return &OriginChange{Bucket: bucketName(d), Path: s.Path, CustomHeaders: headers}, nil
}

// bucketName strips an S3 endpoint suffix from a bucket's domain name.
func bucketName(domain string) string {
	if i := strings.Index(domain, ".s3."); i > 0 && strings.HasSuffix(domain, ".amazonaws.com") {
		return domain[:i]
	}
	if i := strings.Index(domain, ".s3-"); i > 0 && strings.HasSuffix(domain, ".amazonaws.com") {
		return domain[:i]
	}
	return domain
}
