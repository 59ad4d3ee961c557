package cff

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/verge-edge/verge/internal/cfheader"

	"github.com/verge-edge/verge/internal/edge"
	"github.com/verge-edge/verge/internal/jsfn"
	"github.com/verge-edge/verge/internal/stack"
)

// originUpdate is the argument of cf.updateRequestOrigin that Verge acts
// on. Fields that only mean something inside AWS (originShield,
// originAccessControlConfig, sni, ipAddressType, allowedCertificateNames,
// connectionAttempts) are accepted and have no effect on a local origin.
type originUpdate struct {
	DomainName    *string           `json:"domainName"`
	HostHeader    *string           `json:"hostHeader"`
	OriginPath    *string           `json:"originPath"`
	CustomHeaders map[string]string `json:"customHeaders"`
	Timeouts      *struct {
		ReadTimeout       *int `json:"readTimeout"`
		ConnectionTimeout *int `json:"connectionTimeout"`
	} `json:"timeouts"`
	CustomOriginConfig *struct {
		Port     *int    `json:"port"`
		Protocol *string `json:"protocol"`
	} `json:"customOriginConfig"`
}

// applyOrigin turns a function's origin modification into the request's
// origin override, with CloudFront's validation (a failure is a 502).
// Unspecified fields are inherited from the behaviour's origin when that is
// an HTTP origin.
func applyOrigin(u *jsfn.OriginUpdate, req *edge.Request) error {
	if u.Call != jsfn.UpdateRequestOrigin {
		return executionError("cloudfront." + string(u.Call) + " is not supported by this build of Verge yet")
	}
	var p originUpdate
	if err := json.Unmarshal(u.Arg, &p); err != nil {
		return validationError("updateRequestOrigin: the argument is not an origin object: " + err.Error())
	}
	base := baseOrigin(req.Origin)
	o, err := p.resolve(base)
	if err != nil {
		return validationError("updateRequestOrigin: " + err.Error())
	}
	if p.HostHeader != nil {
		return executionError("updateRequestOrigin: hostHeader is not supported by this build of Verge yet")
	}
	req.OriginOverride = o
	return nil
}

// baseOrigin is the HTTP origin an update starts from, or nil.
func baseOrigin(o *stack.Origin) *stack.HTTPOrigin {
	if o == nil {
		return nil
	}
	switch {
	case o.HTTP != nil:
		return o.HTTP
	case o.Group != nil:
		return baseOrigin(&o.Group.Primary) // CloudFront updates only the primary
	}
	return nil
}

func (p *originUpdate) resolve(base *stack.HTTPOrigin) (*stack.HTTPOrigin, error) {
	scheme, host, port, path := "https", "", 443, ""
	o := &stack.HTTPOrigin{ConnectTimeout: 10, ReadTimeout: 30}
	if base != nil {
		if u, err := url.Parse(base.URL); err == nil {
			scheme, host, path = u.Scheme, u.Hostname(), u.Path
			port, _ = strconv.Atoi(u.Port())
		}
		o.ConnectTimeout, o.ReadTimeout = base.ConnectTimeout, base.ReadTimeout
		o.CustomHeaders = base.CustomHeaders
	}
	if p.DomainName != nil {
		d := *p.DomainName
		if d == "" || len(d) > 253 || strings.ContainsAny(d, ":/ ") || net.ParseIP(d) != nil {
			return nil, fmt.Errorf("domainName %q must be a host name of at most 253 characters, not an IP address", d)
		}
		host = d
	}
	if host == "" {
		return nil, fmt.Errorf("the behaviour's origin is not an HTTP origin, so domainName is required")
	}
	if c := p.CustomOriginConfig; c != nil {
		if c.Protocol != nil {
			if *c.Protocol != "http" && *c.Protocol != "https" {
				return nil, fmt.Errorf("customOriginConfig.protocol %q must be http or https", *c.Protocol)
			}
			scheme = *c.Protocol
		}
		if c.Port != nil {
			if *c.Port < 1 || *c.Port > 65535 {
				return nil, fmt.Errorf("customOriginConfig.port %d is out of range", *c.Port)
			}
			port = *c.Port
		}
	}
	if port == 0 {
		port = map[string]int{"http": 80, "https": 443}[scheme]
	}
	if p.OriginPath != nil {
		path = strings.TrimSuffix(*p.OriginPath, "/")
		if path != "" && !strings.HasPrefix(path, "/") {
			return nil, fmt.Errorf("originPath %q must start with /", *p.OriginPath)
		}
	}
	if t := p.Timeouts; t != nil {
		if v := t.ReadTimeout; v != nil {
			if *v < 1 || *v > 120 {
				return nil, fmt.Errorf("timeouts.readTimeout %d must be 1 to 120", *v)
			}
			o.ReadTimeout = *v
		}
		if v := t.ConnectionTimeout; v != nil {
			if *v < 1 || *v > 10 {
				return nil, fmt.Errorf("timeouts.connectionTimeout %d must be 1 to 10", *v)
			}
			o.ConnectTimeout = *v
		}
	}
	if p.CustomHeaders != nil {
		o.CustomHeaders = nil // {} resets them
		names := make([]string, 0, len(p.CustomHeaders))
		for n := range p.CustomHeaders {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if !cfheader.ValidName(n) {
				return nil, fmt.Errorf("customHeaders: %q is not a header name", n)
			}
			o.CustomHeaders = append(o.CustomHeaders, stack.Header{Name: http.CanonicalHeaderKey(n), Value: p.CustomHeaders[n]})
		}
	}
	o.URL = scheme + "://" + net.JoinHostPort(host, strconv.Itoa(port)) + path
	return o, nil
}

// validationError is CloudFront's 502 for a result it rejects.
func validationError(detail string) *edge.FuncError {
	return &edge.FuncError{Status: http.StatusBadGateway, Type: ErrValidation, Detail: detail}
}
