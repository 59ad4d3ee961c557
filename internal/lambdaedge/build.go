package lambdaedge

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/verge-edge/verge/internal/cfheader"
	"github.com/verge-edge/verge/internal/edge"
	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/stack"
)

// Build returns the event a function at trigger t receives:
// {"Records":[{"cf":{config, request[, response]}}]}.
//
// cfg is the config block (Build sets EventType to t). The request shows
// req's visible headers, method, raw query string, uri percent-encoded
// again, and the viewer's IP. At origin events it also shows the origin
// (see eventOrigin); with includeBody at request triggers, the body,
// base64-encoded and truncated at 40 KB (viewer-request) or 1 MB
// (origin-request). At response triggers resp is required and shown with
// its status as a string, its standard status text and its headers; its
// body never is.
//
// The CloudFront headers origin-facing functions see are not added here:
// call AddCloudFrontHeaders once before the origin-request trigger.
func Build(t stack.Trigger, cfg Config, req *edge.Request, resp *edge.Response, includeBody bool) ([]byte, error) {
	const op errs.Op = "lambdaedge.Build"
	if _, ok := readOnly[t]; !ok {
		return nil, errs.E(op, errs.Invalid, errs.Errorf("trigger %q is not a Lambda@Edge trigger", t))
	}
	if req == nil {
		return nil, errs.E(op, errs.Invalid, errs.Errorf("%s: no request", t))
	}
	if isResponse(t) && resp == nil {
		return nil, errs.E(op, errs.Invalid, errs.Errorf("%s: no response", t))
	}
	cfg.EventType = string(t)
	cf := CF{Config: cfg, Request: eventRequest(t, req, includeBody)}
	if isResponse(t) {
		cf.Response = eventResponse(resp)
	}
	b, err := marshal(Event{Records: []Record{{CF: cf}}})
	if err != nil {
		return nil, errs.E(op, errs.Internal, err)
	}
	return b, nil
}

func eventRequest(t stack.Trigger, req *edge.Request, includeBody bool) Request {
	r := Request{
		ClientIP:    req.ClientIP,
		Headers:     viewHeader(req.Header).event(),
		Method:      req.Method,
		Querystring: cfheader.ToUTF8(req.Query),
		URI:         escapePath(req.URI),
	}
	if hasOrigin(t) {
		r.Origin = eventOrigin(req)
	}
	if includeBody && !isResponse(t) {
		r.Body = eventBody(req.Body, bodyLimit(t))
	}
	return r
}

// eventBody is the body as a function with includeBody sees it.
func eventBody(body []byte, limit int) *Body {
	b := &Body{Action: actionReadOnly, Encoding: encodingBase64}
	if len(body) > limit {
		body, b.InputTruncated = body[:limit], true
	}
	b.Data = base64.StdEncoding.EncodeToString(body)
	return b
}

func eventResponse(resp *edge.Response) *Response {
	return &Response{
		Headers:           viewHeader(resp.Header).event(),
		Status:            strconv.Itoa(resp.Status),
		StatusDescription: http.StatusText(resp.Status),
	}
}

// escapePath percent-encodes the edge's decoded path as a request line
// carries it.
func escapePath(p string) string { return (&url.URL{Path: p}).EscapedPath() }

// currentOrigin is the HTTP or bucket origin req goes to: the override a
// function set, else the behaviour's origin, whose primary for a group.
func currentOrigin(req *edge.Request) (*stack.HTTPOrigin, *stack.BucketOrigin) {
	if req.OriginOverride != nil {
		return req.OriginOverride, nil
	}
	o := req.Origin
	for o != nil && o.Group != nil {
		o = &o.Group.Primary
	}
	if o == nil {
		return nil, nil
	}
	return o.HTTP, o.Bucket
}

// eventOrigin describes req's origin as request.origin: an HTTP origin as
// custom, a bucket as s3 with domainName NAME.s3.amazonaws.com (lowercase),
// no authentication, region us-east-1. A request without an origin shows an
// empty custom one, so the event keeps its shape.
func eventOrigin(req *edge.Request) *Origin {
	h, b := currentOrigin(req)
	switch {
	case h != nil:
		return &Origin{Custom: customOrigin(h)}
	case b != nil:
		return &Origin{S3: &S3Origin{
			AuthMethod:    authNone,
			CustomHeaders: Headers{},
			DomainName:    strings.ToLower(b.Resource) + s3Suffix,
			Region:        s3Region,
		}}
	}
	return &Origin{Custom: &CustomOrigin{CustomHeaders: Headers{}, SSLProtocols: defaultSSL,
		KeepaliveTimeout: defaultKeepalive, ReadTimeout: defaultReadTimeout, Protocol: "https", Port: 443}}
}

func customOrigin(h *stack.HTTPOrigin) *CustomOrigin {
	c := &CustomOrigin{
		CustomHeaders:    Headers{},
		KeepaliveTimeout: defaultKeepalive,
		ReadTimeout:      h.ReadTimeout,
		SSLProtocols:     defaultSSL,
	}
	if c.ReadTimeout == 0 {
		c.ReadTimeout = defaultReadTimeout
	}
	if u, err := url.Parse(h.URL); err == nil {
		c.Protocol, c.DomainName, c.Path = u.Scheme, u.Hostname(), strings.TrimSuffix(u.EscapedPath(), "/")
		c.Port, _ = strconv.Atoi(u.Port())
	}
	if c.Port == 0 {
		c.Port = defaultPort(c.Protocol)
	}
	for _, ch := range h.CustomHeaders {
		lname := strings.ToLower(ch.Name)
		c.CustomHeaders[lname] = append(c.CustomHeaders[lname], Header{Key: ch.Name, Value: ch.Value})
	}
	return c
}

func defaultPort(protocol string) int {
	if protocol == "http" {
		return 80
	}
	return 443
}

// AddCloudFrontHeaders adds to req the headers CloudFront adds after the
// viewer-request trigger, which origin-facing functions and the origin
// see (specs §1.5): X-Forwarded-For (the client IP appended), Via,
// CloudFront-Is-{Desktop,Mobile,Tablet,SmartTV}-Viewer from the
// User-Agent, and CloudFront-Viewer-Country when cfg.ViewerCountry is set.
// Call it once per request, after viewer-request and before origin-request.
// The X-Forwarded-For entry and the Via added here are for the event: the
// edge's origin proxy adds its own hop instead, so the origin sees each
// once. The device and country headers may already be there: the edge
// computes those a cache key names before the lookup, with the same rules
// (cfheader).
func AddCloudFrontHeaders(req *edge.Request, cfg Config) {
	if req.Header == nil {
		req.Header = http.Header{}
	}
	h := req.Header
	if ip := req.ClientIP; ip != "" {
		if prev := h.Get(hdrXFF); prev != "" {
			ip = prev + ", " + ip
		}
		h.Set(hdrXFF, ip)
	}
	h.Add(hdrVia, "2.0 "+viaHost(cfg)+" (CloudFront)")
	d := cfheader.DeviceOf(h.Get(hdrUserAgent))
	for _, dev := range cfheader.Devices {
		h.Set(dev.Header(), strconv.FormatBool(d == dev))
	}
	if cfg.ViewerCountry != "" {
		h.Set(hdrViewerCountry, cfg.ViewerCountry)
	}
}

// viaHost names the edge in Via: the distribution's domain, as CloudFront
// names one of its servers.
func viaHost(cfg Config) string {
	if cfg.DistributionDomainName != "" {
		return cfg.DistributionDomainName
	}
	return "verge.cloudfront.net"
}
