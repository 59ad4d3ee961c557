package stack

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// The pure checks of HTTP API routes, authorizers, CORS and load balancer
// conditions.

// routeMethod normalises a route's method: upper case, or MethodAny for
// "*" and ANY.
func routeMethod(m string) (string, error) {
	u := strings.ToUpper(m)
	switch {
	case u == "*" || u == MethodAny:
		return MethodAny, nil
	case slices.Contains(httpMethods, u):
		return u, nil
	}
	return "", fmt.Errorf("method %q is not supported (%smethods: %s, or * for any)", m, didYouMean(u, httpMethods), strings.Join(httpMethods, ", "))
}

// paramName is what a path parameter may be called.
var paramName = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// routeLiteralPunct are the characters besides letters and digits a
// literal path segment may hold: RFC 3986's pchar.
const routeLiteralPunct = "-._~!$&'()*+,;=:@%"

// checkRoutePath returns what is wrong with an HTTP API route path, or "".
func checkRoutePath(p string) string {
	switch {
	case p == RouteDefault || p == "/":
		return ""
	case p == "":
		return "must not be empty"
	case p[0] != '/':
		return `must start with "/" or be $default`
	case strings.HasSuffix(p, "/"):
		return `must not end with "/"`
	}
	segs := strings.Split(p[1:], "/")
	var params []string
	for i, seg := range segs {
		name, isParam, msg := routeSegment(seg, i == len(segs)-1)
		if msg != "" {
			return msg
		}
		if !isParam {
			continue
		}
		if slices.Contains(params, name) {
			return fmt.Sprintf("names the parameter {%s} twice", name)
		}
		params = append(params, name)
	}
	return ""
}

// routeSegment checks one segment of a route path; last says whether it
// ends the path, where alone a greedy parameter may be.
func routeSegment(seg string, last bool) (name string, isParam bool, msg string) {
	if seg == "" {
		return "", false, "has an empty segment (//)"
	}
	if !strings.HasPrefix(seg, "{") {
		if strings.ContainsAny(seg, "{}") {
			return "", false, fmt.Sprintf("segment %q: a {parameter} must be a whole segment", seg)
		}
		for _, c := range seg {
			if !isAlnum(c) && !strings.ContainsRune(routeLiteralPunct, c) {
				return "", false, fmt.Sprintf("has the character %q, which is not allowed (allowed: letters, digits and %s)", c, routeLiteralPunct)
			}
		}
		return "", false, ""
	}
	name, ok := strings.CutSuffix(seg[1:], "}")
	if !ok {
		return "", false, fmt.Sprintf("segment %q: a parameter is written {name}", seg)
	}
	if greedy, isGreedy := strings.CutSuffix(name, "+"); isGreedy {
		if !last {
			return "", false, fmt.Sprintf("segment %q: a greedy parameter must be the last segment", seg)
		}
		name = greedy
	}
	if !paramName.MatchString(name) {
		return "", false, fmt.Sprintf("segment %q: a parameter name is letters, digits, _, - and .", seg)
	}
	return name, true, ""
}

// blankParams drops the parameter names of a valid route path, so that
// routes differing only in them compare equal.
func blankParams(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") {
			segs[i] = "{}"
			if strings.HasSuffix(s, "+}") {
				segs[i] = "{+}"
			}
		}
	}
	return strings.Join(segs, "/")
}

// identitySource is API Gateway's syntax for an identity source.
var identitySource = regexp.MustCompile(`^\$(request\.(header|querystring)|context|stageVariables)\.(.+)$`)

// contextVar is what $context. and $stageVariables. may name.
var contextVar = regexp.MustCompile(`^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$`)

// checkIdentitySource returns what is wrong with an identity source, or "".
func checkIdentitySource(s string) string {
	m := identitySource.FindStringSubmatch(s)
	if m == nil {
		return "must be $request.header.NAME, $request.querystring.NAME, $context.NAME or $stageVariables.NAME"
	}
	switch name := m[3]; m[2] {
	case "header":
		if !isToken(name) {
			return fmt.Sprintf("names %q, which is not a valid header name", name)
		}
	case "querystring":
		if strings.ContainsFunc(name, func(c rune) bool { return c == ' ' || c == '&' || c == '=' || isControl(c) }) {
			return fmt.Sprintf("names %q, which is not a valid query parameter name", name)
		}
	default:
		if !contextVar.MatchString(name) {
			return fmt.Sprintf("names %q, which is not a variable name", name)
		}
	}
	return ""
}

// checkHTTPURL returns what is wrong with an http(s) URL, or "".
func checkHTTPURL(s string) string {
	u, err := url.Parse(s)
	switch {
	case err != nil || u.Scheme != "http" && u.Scheme != "https":
		return "must be an http:// or https:// URL"
	case u.Host == "":
		return "has no host"
	case u.Fragment != "" || u.User != nil:
		return "must not hold a fragment or user information"
	}
	return ""
}

// checkOrigin returns what is wrong with a CORS origin, or "": "*" or
// scheme://host[:port], the host possibly starting with "*.".
func checkOrigin(o string) string {
	if o == "*" {
		return ""
	}
	scheme, host, ok := strings.Cut(o, "://")
	if !ok || scheme == "" {
		return `must be "*" or scheme://host[:port]`
	}
	u, err := url.Parse(scheme + "://" + strings.Replace(host, "*.", "wildcard.", 1))
	if err != nil || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "must be scheme://host[:port], with no path, query or fragment"
	}
	return ""
}

// checkALBPath checks a rule's path pattern.
func checkALBPath(p string) (string, error) {
	switch {
	case p == "":
		return "", errors.New("a path pattern must not be empty")
	case len(p) > maxConditionValue:
		return "", fmt.Errorf("path pattern %q is longer than %d characters", p, maxConditionValue)
	case p[0] != '/' && p[0] != '*':
		return "", fmt.Errorf(`path pattern %q must start with "/" or "*"`, p)
	}
	for _, c := range p {
		if !isAlnum(c) && !strings.ContainsRune(albPathPunct, c) {
			return "", fmt.Errorf("path pattern %q has the character %q, which is not allowed (allowed: letters, digits and %s)", p, c, albPathPunct)
		}
	}
	return p, nil
}

// albMethod is what a rule's method may be: ALB compares it as written.
var albMethod = regexp.MustCompile(`^[A-Z_-]+$`)

// checkALBMethod checks a rule's method.
func checkALBMethod(m string) (string, error) {
	if !albMethod.MatchString(m) || len(m) > maxConditionName {
		hint := ""
		if u := strings.ToUpper(m); u != m && albMethod.MatchString(u) {
			hint = fmt.Sprintf(" (did you mean %q? methods are case-sensitive)", u)
		}
		return "", fmt.Errorf("method %q must be upper-case letters, - and _, at most %d characters%s", m, maxConditionName, hint)
	}
	return m, nil
}

// checkALBHost checks a rule's host pattern and lowers its case.
func checkALBHost(h string) (string, error) {
	if h == "" || len(h) > maxConditionValue {
		return "", fmt.Errorf("host pattern %q must be 1 to %d characters", h, maxConditionValue)
	}
	for _, c := range h {
		if !isAlnum(c) && !strings.ContainsRune("-.*?", c) {
			return "", fmt.Errorf("host pattern %q has the character %q, which is not allowed (allowed: letters, digits, -, ., * and ?)", h, c)
		}
	}
	return strings.ToLower(h), nil
}

// checkSourceIP checks and normalises a CIDR block.
func checkSourceIP(s string) (string, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		if a, aerr := netip.ParseAddr(s); aerr == nil {
			return "", fmt.Errorf("%q is an address, not a CIDR block; write %s/%d", s, a, a.BitLen())
		}
		return "", fmt.Errorf("%q is not a CIDR block (such as 10.0.0.0/8 or 2001:db8::/32)", s)
	}
	return p.Masked().String(), nil
}

// checkMatchValue checks a header or query value pattern.
func checkMatchValue(v string) (string, error) {
	if v == "" || len(v) > maxConditionValue || strings.ContainsFunc(v, isControl) {
		return "", fmt.Errorf("%q must be 1 to %d characters without control characters", v, maxConditionValue)
	}
	return v, nil
}
