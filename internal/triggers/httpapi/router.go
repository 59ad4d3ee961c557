package httpapi

import (
	"fmt"
	"strings"
)

// Route is one route of an HTTP API: its key ("GET /pets/{id}",
// "ANY /{proxy+}", "$default") and what it leads to, opaque to the Router.
type Route struct {
	Key    string
	Target any
}

// Match is the outcome of routing one request.
type Match struct {
	Target any
	// RouteKey is the matched route's key as configured (the event's
	// routeKey).
	RouteKey string
	// PathParameters holds {param} and {proxy+} values; nil when none.
	PathParameters map[string]string
}

// segKind ranks a path segment: lower is more specific.
type segKind uint8

const (
	segLiteral segKind = iota
	segParam
	segGreedy
)

type segment struct {
	kind segKind
	text string // the literal, or the parameter's name
}

type route struct {
	key    string
	method string // upper case; AnyMethod for ANY and *
	segs   []segment
	target any
}

// Router picks the route of a request with HTTP API's rules: the most
// specific path wins (segment by segment from the left: literal, then
// {param}, then {proxy+}), then a specific method beats ANY, and $default
// catches the rest.
type Router struct {
	routes []route
	def    *route
}

// NewRouter validates the route keys and builds a Router; keys must be
// unique ("*" and ANY count as the same method).
func NewRouter(routes []Route) (*Router, error) {
	r := &Router{}
	seen := map[string]bool{}
	for _, rt := range routes {
		if rt.Key == DefaultRoute {
			if r.def != nil {
				return nil, fmt.Errorf("httpapi: duplicate route %q", rt.Key)
			}
			r.def = &route{key: rt.Key, target: rt.Target}
			continue
		}
		p, err := parseRouteKey(rt.Key)
		if err != nil {
			return nil, err
		}
		p.target = rt.Target
		canon := p.method + " " + canonicalPath(p.segs)
		if seen[canon] {
			return nil, fmt.Errorf("httpapi: duplicate route %q", rt.Key)
		}
		seen[canon] = true
		r.routes = append(r.routes, p)
	}
	return r, nil
}

// ParseRouteKey checks a route key ("METHOD /path" or "$default").
func ParseRouteKey(key string) error {
	if key == DefaultRoute {
		return nil
	}
	_, err := parseRouteKey(key)
	return err
}

func parseRouteKey(key string) (route, error) {
	method, path, ok := strings.Cut(key, " ")
	if !ok || method == "" {
		return route{}, fmt.Errorf("httpapi: route key %q: want \"METHOD /path\" or %q", key, DefaultRoute)
	}
	method = strings.ToUpper(method)
	if method == "*" {
		method = AnyMethod
	}
	if !validMethod(method) {
		return route{}, fmt.Errorf("httpapi: route key %q: unknown method %q", key, method)
	}
	segs, err := parsePath(path)
	if err != nil {
		return route{}, fmt.Errorf("httpapi: route key %q: %w", key, err)
	}
	return route{key: key, method: method, segs: segs}, nil
}

func validMethod(m string) bool {
	switch m {
	case AnyMethod, "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS":
		return true
	}
	return false
}

// parsePath splits a route path into segments; "/" has none.
func parsePath(path string) ([]segment, error) {
	if !strings.HasPrefix(path, "/") {
		return nil, fmt.Errorf("path %q does not start with /", path)
	}
	if path == "/" {
		return nil, nil
	}
	parts := strings.Split(path[1:], "/")
	segs := make([]segment, 0, len(parts))
	names := map[string]bool{}
	for i, p := range parts {
		s, err := parseSegment(p, i == len(parts)-1)
		if err != nil {
			return nil, fmt.Errorf("path %q: %w", path, err)
		}
		if s.kind != segLiteral {
			if names[s.text] {
				return nil, fmt.Errorf("path %q: parameter %q twice", path, s.text)
			}
			names[s.text] = true
		}
		segs = append(segs, s)
	}
	return segs, nil
}

func parseSegment(p string, last bool) (segment, error) {
	if p == "" {
		return segment{}, fmt.Errorf("empty segment")
	}
	if !strings.HasPrefix(p, "{") && !strings.HasSuffix(p, "}") {
		if strings.ContainsAny(p, "{}") {
			return segment{}, fmt.Errorf("segment %q: a parameter must be a whole segment", p)
		}
		return segment{kind: segLiteral, text: p}, nil
	}
	if !strings.HasPrefix(p, "{") || !strings.HasSuffix(p, "}") || len(p) < 3 {
		return segment{}, fmt.Errorf("segment %q: want {name}", p)
	}
	name, kind := p[1:len(p)-1], segParam
	if strings.HasSuffix(name, "+") {
		if !last {
			return segment{}, fmt.Errorf("greedy %q is allowed in the last segment only", p)
		}
		name, kind = strings.TrimSuffix(name, "+"), segGreedy
	}
	if name == "" || strings.ContainsAny(name, "{}+/") {
		return segment{}, fmt.Errorf("segment %q: bad parameter name", p)
	}
	return segment{kind: kind, text: name}, nil
}

// canonicalPath is a path with parameter names erased, so that
// "/a/{x}" and "/a/{y}" count as the same route.
func canonicalPath(segs []segment) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteByte('/')
		switch s.kind {
		case segLiteral:
			b.WriteString(s.text)
		case segParam:
			b.WriteString("{}")
		case segGreedy:
			b.WriteString("{+}")
		}
	}
	return b.String()
}

// Match routes a request by method and (decoded) path.
func (r *Router) Match(method, path string) (Match, bool) {
	method = strings.ToUpper(method)
	parts := splitRequestPath(path)
	var best *route
	var bestParams map[string]string
	for i := range r.routes {
		rt := &r.routes[i]
		if rt.method != method && rt.method != AnyMethod {
			continue
		}
		params, ok := rt.match(parts)
		if !ok {
			continue
		}
		if best == nil || rt.beats(best) {
			best, bestParams = rt, params
		}
	}
	if best == nil {
		best = r.def
	}
	if best == nil {
		return Match{}, false
	}
	return Match{Target: best.target, RouteKey: best.key, PathParameters: bestParams}, true
}

// splitRequestPath splits "/a/b" into [a b]; "/" and "" give none.
func splitRequestPath(path string) []string {
	path = strings.TrimPrefix(path, "/")
	if path == "" {
		return nil
	}
	return strings.Split(path, "/")
}

// match reports whether the route's path matches the request's segments,
// with the parameters it binds. A {param} or {proxy+} never binds nothing.
func (rt *route) match(parts []string) (map[string]string, bool) {
	var params map[string]string
	bind := func(k, v string) {
		if params == nil {
			params = map[string]string{}
		}
		params[k] = v
	}
	for i, s := range rt.segs {
		if s.kind == segGreedy {
			rest := strings.Join(parts[min(i, len(parts)):], "/")
			if i >= len(parts) || rest == "" {
				return nil, false
			}
			bind(s.text, rest)
			return params, true
		}
		if i >= len(parts) {
			return nil, false
		}
		switch s.kind {
		case segLiteral:
			if parts[i] != s.text {
				return nil, false
			}
		case segParam:
			if parts[i] == "" {
				return nil, false
			}
			bind(s.text, parts[i])
		}
	}
	return params, len(parts) == len(rt.segs)
}

// beats reports whether rt is more specific than o; both match the same
// request, so segment kinds compare position by position.
func (rt *route) beats(o *route) bool {
	for i := 0; i < len(rt.segs) && i < len(o.segs); i++ {
		if a, b := rt.segs[i].kind, o.segs[i].kind; a != b {
			return a < b
		}
	}
	if len(rt.segs) != len(o.segs) {
		// Only a greedy tail can make lengths differ: the longer path
		// has more literal or parameter segments before it.
		return len(rt.segs) > len(o.segs)
	}
	return rt.method != AnyMethod && o.method == AnyMethod
}
