package alb

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"

	"github.com/verge-edge/verge/internal/glob"
)

// Rule is one listener rule forwarding to a function, in the shape of a
// function's application-load-balancer event properties. All its conditions
// must match; within a condition, any value may match.
type Rule struct {
	// Priority orders the rules: the lowest matching priority wins (1-50000,
	// unique per listener).
	Priority int `json:"priority" yaml:"priority"`
	// Paths are path patterns with '*' and '?' (case-sensitive), matched
	// against the decoded path without the query string.
	Paths []string `json:"paths,omitempty" yaml:"paths,omitempty"`
	// Methods are HTTP methods, matched exactly (case-sensitive).
	Methods []string `json:"methods,omitempty" yaml:"methods,omitempty"`
	// Hosts are host-name patterns with wildcards (case-insensitive), matched
	// against the Host header without its port.
	Hosts []string `json:"hosts,omitempty" yaml:"hosts,omitempty"`
	// Headers are header conditions; all must match.
	Headers []HeaderCondition `json:"headers,omitempty" yaml:"headers,omitempty"`
	// QueryParams are query-parameter conditions; all must match.
	QueryParams []QueryParamCondition `json:"queryParams,omitempty" yaml:"queryParams,omitempty"`
	// SourceIPs are CIDR blocks matched against the client's address (not
	// X-Forwarded-For).
	SourceIPs []string `json:"sourceIps,omitempty" yaml:"sourceIps,omitempty"`
	// Target names what the rule forwards to (the function); opaque here.
	Target string `json:"target,omitempty" yaml:"target,omitempty"`
}

// HeaderCondition matches when any value of header HeaderName matches any of
// Values (patterns with wildcards, case-insensitive).
type HeaderCondition struct {
	HeaderName string   `json:"headerName" yaml:"headerName"`
	Values     []string `json:"values" yaml:"values"`
}

// QueryParamCondition matches when any value of query parameter ParamName
// matches any of Values (case-insensitive patterns; "\*" and "\?" are
// literal). Names and values are compared URL-encoded, as sent.
type QueryParamCondition struct {
	ParamName string   `json:"paramName" yaml:"paramName"`
	Values    []string `json:"values" yaml:"values"`
}

// Router evaluates listener rules in ascending priority.
type Router struct {
	rules []compiledRule
}

type compiledRule struct {
	rule    *Rule
	paths   []glob.Pattern
	hosts   []glob.Pattern
	headers []headerMatcher
	query   []queryMatcher
	prefix  []netip.Prefix
}

type headerMatcher struct {
	name   string
	values []glob.Pattern
}

type queryMatcher struct {
	name   glob.Pattern // "" matches any parameter
	values []glob.Pattern
}

// NewRouter validates and compiles rules. It fails on a priority out of
// range or used twice, a rule without conditions, an empty condition and an
// invalid CIDR.
func NewRouter(rules []Rule) (*Router, error) {
	rt := &Router{}
	seen := map[int]bool{}
	for i := range rules {
		r := &rules[i]
		if r.Priority < minPriority || r.Priority > maxPriority {
			return nil, fmt.Errorf("alb rule %d: priority %d outside %d-%d", i, r.Priority, minPriority, maxPriority)
		}
		if seen[r.Priority] {
			return nil, fmt.Errorf("alb rule %d: priority %d used twice", i, r.Priority)
		}
		seen[r.Priority] = true
		c, err := compileRule(r)
		if err != nil {
			return nil, fmt.Errorf("alb rule priority %d: %w", r.Priority, err)
		}
		rt.rules = append(rt.rules, c)
	}
	slices.SortFunc(rt.rules, func(a, b compiledRule) int { return a.rule.Priority - b.rule.Priority })
	return rt, nil
}

// compileRule turns r's condition values into matchers.
func compileRule(r *Rule) (compiledRule, error) {
	c := compiledRule{rule: r}
	if len(r.Paths)+len(r.Methods)+len(r.Hosts)+len(r.Headers)+len(r.QueryParams)+len(r.SourceIPs) == 0 {
		return c, fmt.Errorf("no condition")
	}
	for _, s := range r.Paths {
		c.paths = append(c.paths, compilePattern(s, false, false))
	}
	for _, s := range r.Hosts {
		c.hosts = append(c.hosts, compilePattern(s, true, false))
	}
	for _, h := range r.Headers {
		if h.HeaderName == "" || len(h.Values) == 0 {
			return c, fmt.Errorf("header condition %q: a name and values are required", h.HeaderName)
		}
		c.headers = append(c.headers, headerMatcher{name: h.HeaderName, values: compileAll(h.Values, false)})
	}
	for _, q := range r.QueryParams {
		if len(q.Values) == 0 {
			return c, fmt.Errorf("query condition %q: values are required", q.ParamName)
		}
		c.query = append(c.query, queryMatcher{name: compilePattern(q.ParamName, true, true), values: compileAll(q.Values, true)})
	}
	for _, s := range r.SourceIPs {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return c, fmt.Errorf("source IP %q: %w", s, err)
		}
		c.prefix = append(c.prefix, p.Masked())
	}
	return c, nil
}

// compileAll compiles case-insensitive patterns.
func compileAll(ss []string, escapes bool) []glob.Pattern {
	ps := make([]glob.Pattern, len(ss))
	for i, s := range ss {
		ps[i] = compilePattern(s, true, escapes)
	}
	return ps
}

// Match returns the first rule, by priority, whose conditions all match r;
// false means the listener's default action (DefaultStatus).
func (rt *Router) Match(r *http.Request) (*Rule, bool) {
	for i := range rt.rules {
		if rt.rules[i].match(r) {
			return rt.rules[i].rule, true
		}
	}
	return nil, false
}

// match reports whether every condition of c matches r.
func (c *compiledRule) match(r *http.Request) bool {
	if len(c.paths) > 0 && !matchAny(c.paths, r.URL.Path) {
		return false
	}
	if len(c.rule.Methods) > 0 && !slices.Contains(c.rule.Methods, r.Method) {
		return false
	}
	if len(c.hosts) > 0 && !matchAny(c.hosts, hostName(r.Host)) {
		return false
	}
	for _, h := range c.headers {
		if !h.match(r) {
			return false
		}
	}
	if len(c.query) > 0 {
		pairs := rawQuery(r.URL.RawQuery)
		for _, q := range c.query {
			if !q.match(pairs) {
				return false
			}
		}
	}
	return len(c.prefix) == 0 || matchPrefix(c.prefix, r.RemoteAddr)
}

// match reports whether any value of the header matches.
func (h headerMatcher) match(r *http.Request) bool {
	values := r.Header.Values(h.name)
	if strings.EqualFold(h.name, headerHost) {
		values = []string{r.Host}
	}
	for _, v := range values {
		if matchAny(h.values, v) {
			return true
		}
	}
	return false
}

// match reports whether a parameter named as q has a matching value; an
// empty name matches any parameter.
func (q queryMatcher) match(pairs []queryPair) bool {
	for _, p := range pairs {
		if (q.name.String() == "" || q.name.Match(p.key)) && matchAny(q.values, p.value) {
			return true
		}
	}
	return false
}

// matchPrefix reports whether the address in remoteAddr ("ip:port") is in
// one of ps.
func matchPrefix(ps []netip.Prefix, remoteAddr string) bool {
	ip, err := netip.ParseAddr(hostName(remoteAddr))
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	for _, p := range ps {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// hostName strips the port (and IPv6 brackets) from host.
func hostName(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		return h
	}
	return strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
}

// queryPair is one key=value of a query string, still URL-encoded.
type queryPair struct {
	key, value string
}

// rawQuery splits a query string without decoding it, as ALB does; a key
// without '=' has an empty value.
func rawQuery(q string) []queryPair {
	var pairs []queryPair
	for part := range strings.SplitSeq(q, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		pairs = append(pairs, queryPair{k, v})
	}
	return pairs
}
