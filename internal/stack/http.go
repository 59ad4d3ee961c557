package stack

import (
	"encoding/json"
	"fmt"
	"net"
	"net/textproto"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/verge-edge/verge/internal/triggers/auth"
)

// gatewayState is an http-api-gateway while the functions' events add
// routes to it.
type gatewayState struct {
	gw   *HTTPAPIGateway
	cors *CORS
	// seen maps a route with its parameter names blanked ("GET /a/{}") to
	// where it was first declared and by which function.
	seen map[string]declared
}

// balancerState is an application-load-balancer while the functions'
// events add rules to it.
type balancerState struct {
	lb   *LoadBalancer
	seen map[int]declared // by priority
}

// declared is where a route or rule was first written, for messages.
type declared struct {
	at       pos
	function string
}

// frontDoors records the gateways and balancers of the stack, so that
// the functions' events can add to them.
func (r *resolver) frontDoors(s *Stack) {
	r.gateways = map[string]*gatewayState{}
	r.balancers = map[string]*balancerState{}
	for _, res := range s.Resources {
		switch p := res.Properties.(type) {
		case *HTTPAPIGatewayProps:
			gw := &HTTPAPIGateway{Name: res.Name, Routes: []Route{}, CDN: p.CDN != nil && p.CDN.Enabled, Listen: r.listen(&p.Listen)}
			r.gateways[res.Name] = &gatewayState{gw: gw, cors: p.CORS, seen: map[string]declared{}}
		case *LoadBalancerProps:
			lb := &LoadBalancer{Name: res.Name, Rules: []LoadBalancerRule{}, CDN: p.CDN != nil && p.CDN.Enabled, Listen: r.listen(&p.Listen)}
			r.balancers[res.Name] = &balancerState{lb: lb, seen: map[int]declared{}}
		}
	}
}

// listen checks a front door's listen address: host:port with a numeric
// port (0 picks a free one).
func (r *resolver) listen(addr *string) string {
	at, ok := r.d.pos(addr)
	if !ok || *addr == "" {
		return ""
	}
	host, port, err := net.SplitHostPort(*addr)
	n, perr := strconv.Atoi(port)
	switch {
	case err != nil:
		r.d.errorf(at, "listen %q must be HOST:PORT, such as 127.0.0.1:8081", *addr)
	case perr != nil || n < 0 || n > 65535:
		r.d.errorf(at, "listen %q: the port must be a number from 0 to 65535", *addr)
	case strings.ContainsAny(host, "/ "):
		r.d.errorf(at, "listen %q: %q is not a host name or IP address", *addr, host)
	default:
		return *addr
	}
	return ""
}

// finishFrontDoors sorts the routes and rules the events added, applies
// the CORS defaults that depend on them, and returns the gateways and
// balancers sorted by name.
func (r *resolver) finishFrontDoors() ([]HTTPAPIGateway, []LoadBalancer) {
	var gws []HTTPAPIGateway
	for _, st := range r.gateways {
		slices.SortFunc(st.gw.Routes, func(a, b Route) int {
			return cmpPair(a.Path, b.Path, a.Method, b.Method)
		})
		st.gw.CORS = r.cors(st.cors, st.gw.Routes)
		gws = append(gws, *st.gw)
	}
	slices.SortFunc(gws, func(a, b HTTPAPIGateway) int { return strings.Compare(a.Name, b.Name) })
	var lbs []LoadBalancer
	for _, st := range r.balancers {
		slices.SortFunc(st.lb.Rules, func(a, b LoadBalancerRule) int { return a.Priority - b.Priority })
		lbs = append(lbs, *st.lb)
	}
	slices.SortFunc(lbs, func(a, b LoadBalancer) int { return strings.Compare(a.Name, b.Name) })
	return gws, lbs
}

func cmpPair(a1, b1, a2, b2 string) int {
	if c := strings.Compare(a1, b1); c != 0 {
		return c
	}
	return strings.Compare(a2, b2)
}

// events adds the routes, rules, schedules, queue triggers, topic
// subscriptions, bucket notifications and stream triggers of function
// fn's events; timeout is the function's.
func (r *resolver) events(fn string, timeout int, evs []FunctionEvent) {
	for i := range evs {
		switch p := evs[i].Properties.(type) {
		case *HTTPAPIEventProps:
			r.httpRoute(fn, p)
		case *LoadBalancerEventProps:
			r.loadBalancerRule(fn, p)
		case *ScheduleEventProps:
			r.schedule(fn, i, p)
		case *EventBusEventProps:
			r.busRule(fn, i, p)
		case *SQSEventProps:
			r.sqsTrigger(fn, i, timeout, p)
		case *SNSEventProps:
			r.snsSubscription(fn, i, p)
		case *S3EventProps:
			r.s3Notification(fn, i, p)
		case *KinesisEventProps:
			r.kinesisTrigger(fn, i, p)
		case *DynamoDBEventProps:
			r.dynamoTrigger(fn, i, p)
		case *CloudwatchLogEventProps:
			r.logSubscription(fn, i, p)
		case *KafkaEventProps:
			r.kafkaTrigger(fn, i, p)
		}
	}
}

// httpRoute checks an http-api-gateway event and adds its route.
func (r *resolver) httpRoute(fn string, p *HTTPAPIEventProps) {
	route := Route{Function: fn, PayloadFormat: defaultPayloadFormat}
	valid := true
	var st *gatewayState
	if at, ok := r.d.pos(&p.HTTPAPIGatewayName); ok && r.ref(at, "httpApiGatewayName", p.HTTPAPIGatewayName, TypeHTTPAPIGateway) != nil {
		st = r.gateways[p.HTTPAPIGatewayName]
	}
	methodAt, methodOK := r.d.pos(&p.Method)
	if methodOK {
		m, err := routeMethod(p.Method)
		if err != nil {
			r.d.errorf(methodAt, "%v", err)
		}
		route.Method, methodOK = m, err == nil
	}
	pathAt, pathOK := r.d.pos(&p.Path)
	if pathOK {
		if msg := checkRoutePath(p.Path); msg != "" {
			r.d.errorf(pathAt, "path %q %s", p.Path, msg)
			pathOK = false
		}
		route.Path = p.Path
	}
	if methodOK && pathOK && route.Path == RouteDefault && route.Method != MethodAny {
		r.d.errorf(methodAt, `method must be "*" for the $default route, found %q: it catches requests of every method`, p.Method)
		methodOK = false
	}
	if at, ok := r.d.pos(p.PayloadFormat); ok {
		if f := *p.PayloadFormat; f != PayloadFormat1 && f != PayloadFormat2 {
			r.d.errorf(at, "payloadFormat must be %q or %q, found %q", PayloadFormat1, PayloadFormat2, f)
			valid = false
		} else {
			route.PayloadFormat = f
		}
	}
	auth, authOK := r.authorizer(p.Authorizer)
	route.Authorizer, valid = auth, valid && authOK
	if st == nil || !methodOK || !pathOK || !valid {
		return
	}
	route.Key = routeKey(route.Method, route.Path)
	norm := route.Method + " " + blankParams(route.Path)
	if prev, dup := st.seen[norm]; dup {
		r.d.errorf(pathAt, "route %q is declared twice on http-api-gateway %q: function %q declares it at line %d (parameter names do not make routes differ)", route.Key, st.gw.Name, prev.function, prev.at.line)
		return
	}
	st.seen[norm] = declared{pathAt, fn}
	st.gw.Routes = append(st.gw.Routes, route)
}

// routeKey is API Gateway's route key: "METHOD /path" or "$default".
func routeKey(method, path string) string {
	if path == RouteDefault {
		return RouteDefault
	}
	return method + " " + path
}

// authorizer resolves a route's authorizer, reporting whether it is
// valid; nil and true when the route has none.
func (r *resolver) authorizer(a *Authorizer) (*RouteAuthorizer, bool) {
	if a == nil {
		return nil, true
	}
	switch p := a.Properties.(type) {
	case *JWTAuthorizerProps:
		return r.jwtAuthorizer(p)
	case *LambdaAuthorizerProps:
		return r.lambdaAuthorizer(p)
	case *CognitoAuthorizerProps:
		return r.cognitoAuthorizer(p)
	}
	return nil, false // the type was reported when decoded
}

// jwtAuthorizer checks a JWT authorizer's issuer, audience, keys and
// identity source.
func (r *resolver) jwtAuthorizer(p *JWTAuthorizerProps) (*RouteAuthorizer, bool) {
	ra := &RouteAuthorizer{Type: AuthorizerJWT, Issuer: p.Issuer}
	ok := r.httpURL(&p.Issuer, "issuer")
	return ra, r.jwtCommon(ra, &p.Audience, &p.JwksURL, &p.JwksFile, &p.IdentitySources) && ok
}

// cognitoAuthorizer checks a Cognito authorizer: a JWT authorizer whose
// issuer is the user pool's, https://cognito-idp.REGION.amazonaws.com/POOL.
func (r *resolver) cognitoAuthorizer(p *CognitoAuthorizerProps) (*RouteAuthorizer, bool) {
	ra := &RouteAuthorizer{Type: AuthorizerJWT}
	ok := false
	if at, set := r.d.pos(&p.UserPoolID); set {
		region, _, found := strings.Cut(p.UserPoolID, "_")
		if !found || !userPoolID.MatchString(p.UserPoolID) {
			r.d.errorf(at, "userPoolId %q must be a Cognito user pool id: REGION_ID, such as us-east-1_AbC123xyZ", p.UserPoolID)
		} else {
			ra.Issuer, ok = "https://cognito-idp."+region+".amazonaws.com/"+p.UserPoolID, true
		}
	}
	return ra, r.jwtCommon(ra, &p.Audience, &p.JwksURL, &p.JwksFile, &p.IdentitySources) && ok
}

// userPoolID is the shape of a Cognito user pool id.
var userPoolID = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d_[0-9A-Za-z]+$`)

// jwtCommon checks what JWT and Cognito authorizers share: the audience,
// where the keys are, and the identity source.
func (r *resolver) jwtCommon(ra *RouteAuthorizer, audience *[]string, jwksURL, jwksFile *string, ids *[]string) bool {
	ra.JWKSURL, ra.IdentitySources = *jwksURL, []string{defaultJWTIdentitySource}
	ra.Audience = r.nonEmptyList(audience, "audience")
	ok := len(*audience) > 0
	urlAt, hasURL := r.d.pos(jwksURL)
	if hasURL {
		ok = r.httpURL(jwksURL, "jwksUrl") && ok
	}
	if fileAt, hasFile := r.d.pos(jwksFile); hasFile {
		if hasURL {
			r.d.errorf(fileAt, "jwksFile and jwksUrl (line %d) cannot be used together: the keys come from one place", urlAt.line)
			ok = false
		}
		file, found := r.path(jwksFile, "jwksFile", false)
		ok = found && r.jwksFile(fileAt, *jwksFile, file) && ok
		ra.JWKSFile = file
	}
	if _, set := r.d.pos(ids); set {
		srcs, srcOK := r.identitySources(ids)
		if at, _ := r.d.pos(ids); srcOK && len(srcs) != 1 {
			r.d.errorf(at, "a jwt authorizer takes exactly one identity source (the token's place), found %d", len(srcs))
			srcOK = false
		}
		ra.IdentitySources, ok = srcs, ok && srcOK
	}
	return ok
}

// jwksFile checks that a key set file holds a JSON object with keys, each
// of which the JWT authorizer can load (auth.CheckJWKS: the parser it loads
// keys with), so that a bad key is reported here rather than as a 500 on
// the first request. Only a key set given as a file can be checked when the
// stack is validated: one fetched from jwksUrl or by OpenID discovery is
// first parsed on the first request.
func (r *resolver) jwksFile(at pos, name, file string) bool {
	data, err := os.ReadFile(file)
	if err != nil {
		r.d.errorf(at, "jwksFile %q: %v", name, pathErr(err))
		return false
	}
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if json.Unmarshal(data, &set) != nil || len(set.Keys) == 0 {
		r.d.errorf(at, `jwksFile %q is not a JSON Web Key Set: a JSON object {"keys": [...]} with at least one key`, name)
		return false
	}
	if err := auth.CheckJWKS(data); err != nil {
		r.d.errorf(at, "jwksFile %q: %v", name, err)
		return false
	}
	return true
}

// lambdaAuthorizer checks a Lambda authorizer's function, identity
// sources and cache.
func (r *resolver) lambdaAuthorizer(p *LambdaAuthorizerProps) (*RouteAuthorizer, bool) {
	ra := &RouteAuthorizer{Type: AuthorizerLambda, Function: p.FunctionName, IAMResponse: p.IamResponse}
	at, ok := r.d.pos(&p.FunctionName)
	ok = ok && r.ref(at, "functionName", p.FunctionName, TypeFunction) != nil
	srcs, srcOK := r.identitySources(&p.IdentitySources)
	ra.IdentitySources, ok = srcs, ok && srcOK
	if cat, set := r.d.pos(p.CacheResultSeconds); set {
		n := *p.CacheResultSeconds
		switch {
		case n < 0 || n > maxAuthorizerCacheSeconds:
			r.d.errorf(cat, "cacheResultSeconds must be between 0 and %d seconds, found %d", maxAuthorizerCacheSeconds, n)
			ok = false
		case n > 0 && len(p.IdentitySources) == 0:
			r.d.errorf(cat, "cacheResultSeconds needs identitySources: they are the cache key")
			ok = false
		default:
			ra.CacheSeconds = n
		}
	}
	return ra, ok
}

// identitySources checks a list of identity sources, each once.
func (r *resolver) identitySources(list *[]string) ([]string, bool) {
	var out []string
	ok := true
	for i := range *list {
		at, decoded := r.d.pos(&(*list)[i])
		if !decoded {
			ok = false
			continue
		}
		s := (*list)[i]
		switch msg := checkIdentitySource(s); {
		case msg != "":
			r.d.errorf(at, "identity source %q %s", s, msg)
			ok = false
		case slices.Contains(out, s):
			r.d.errorf(at, "identity source %q is listed twice", s)
			ok = false
		default:
			out = append(out, s)
		}
	}
	return out, ok
}

// httpURL checks that the property *p is an http(s) URL.
func (r *resolver) httpURL(p *string, prop string) bool {
	at, ok := r.d.pos(p)
	if !ok {
		return false
	}
	if msg := checkHTTPURL(*p); msg != "" {
		r.d.errorf(at, "%s %q %s", prop, *p, msg)
		return false
	}
	return true
}

// nonEmptyList returns the decoded, non-empty strings of *list, reporting
// an empty list or value.
func (r *resolver) nonEmptyList(list *[]string, prop string) []string {
	at, ok := r.d.pos(list)
	if !ok {
		return nil
	}
	if len(*list) == 0 {
		r.d.errorf(at, "%s needs at least one value", prop)
		return nil
	}
	var out []string
	for i := range *list {
		vat, ok := r.d.pos(&(*list)[i])
		switch {
		case !ok:
		case (*list)[i] == "":
			r.d.errorf(vat, "%s: a value must not be empty", prop)
		default:
			out = append(out, (*list)[i])
		}
	}
	return out
}

// cors resolves a gateway's CORS configuration; nil when not enabled.
// The default methods are those of the gateway's routes.
func (r *resolver) cors(c *CORS, routes []Route) *CORSConfig {
	if c == nil {
		return nil
	}
	cc := &CORSConfig{AllowCredentials: c.AllowCredentials, AllowOrigins: []string{"*"}, AllowHeaders: defaultCORSHeaders}
	if _, set := r.d.pos(&c.AllowedOrigins); set {
		cc.AllowOrigins = r.corsList(&c.AllowedOrigins, "allowedOrigins", corsOrigin)
	}
	if _, set := r.d.pos(&c.AllowedHeaders); set {
		cc.AllowHeaders = r.corsList(&c.AllowedHeaders, "allowedHeaders", corsHeader)
	}
	if _, set := r.d.pos(&c.AllowedMethods); set {
		cc.AllowMethods = r.corsList(&c.AllowedMethods, "allowedMethods", corsMethod)
	} else {
		cc.AllowMethods = routeMethods(routes)
	}
	cc.ExposeHeaders = r.corsList(&c.ExposedResponseHeaders, "exposedResponseHeaders", corsExposed)
	if at, ok := r.d.pos(&c.AllowCredentials); ok && c.AllowCredentials && slices.Contains(cc.AllowOrigins, "*") {
		r.d.errorf(at, `allowCredentials cannot be used with the origin "*" (allowedOrigins defaults to it): list the origins allowed`)
	}
	if at, ok := r.d.pos(c.MaxAge); ok {
		if n := *c.MaxAge; n < 0 || n > maxCORSMaxAge {
			r.d.errorf(at, "maxAge must be between 0 and %d seconds, found %d", maxCORSMaxAge, n)
		} else {
			cc.MaxAge = &n
		}
	}
	if !c.Enabled {
		return nil
	}
	return cc
}

// routeMethods are the methods of routes, sorted, or ["*"] when one takes
// any method or there are none.
func routeMethods(routes []Route) []string {
	var ms []string
	for _, rt := range routes {
		if rt.Method == MethodAny {
			return []string{"*"}
		}
		if !slices.Contains(ms, rt.Method) {
			ms = append(ms, rt.Method)
		}
	}
	if len(ms) == 0 {
		return []string{"*"}
	}
	slices.Sort(ms)
	return ms
}

// corsList normalises the values of a CORS list, each once.
func (r *resolver) corsList(list *[]string, prop string, norm func(string) (string, error)) []string {
	var out []string
	for i := range *list {
		at, ok := r.d.pos(&(*list)[i])
		if !ok {
			continue
		}
		v, err := norm((*list)[i])
		if err != nil {
			r.d.errorf(at, "%s: %v", prop, err)
			continue
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func corsMethod(m string) (string, error) {
	if m == "*" {
		return m, nil
	}
	if u := strings.ToUpper(m); slices.Contains(httpMethods, u) {
		return u, nil
	}
	return "", fmt.Errorf("%q is not a method (methods: %s, or *)", m, strings.Join(httpMethods, ", "))
}

func corsHeader(h string) (string, error) {
	if h == "*" {
		return h, nil
	}
	return corsExposed(h)
}

func corsExposed(h string) (string, error) {
	if !isToken(h) {
		return "", fmt.Errorf("%q is not a valid header name", h)
	}
	return textproto.CanonicalMIMEHeaderKey(h), nil
}

func corsOrigin(o string) (string, error) {
	if msg := checkOrigin(o); msg != "" {
		return "", fmt.Errorf("origin %q %s", o, msg)
	}
	return strings.ToLower(o), nil
}

// loadBalancerRule checks an application-load-balancer event and adds its
// rule.
func (r *resolver) loadBalancerRule(fn string, p *LoadBalancerEventProps) {
	rule := LoadBalancerRule{Function: fn, MultiValueHeaders: p.MultiValueHeaders}
	var st *balancerState
	if at, ok := r.d.pos(&p.LoadBalancerName); ok && r.ref(at, "loadBalancerName", p.LoadBalancerName, TypeLoadBalancer) != nil {
		st = r.balancers[p.LoadBalancerName]
	}
	prioAt, valid := r.d.pos(&p.Priority)
	if valid && (p.Priority < minRulePriority || p.Priority > maxRulePriority) {
		r.d.errorf(prioAt, "priority must be between %d and %d, found %d", minRulePriority, maxRulePriority, p.Priority)
		valid = false
	}
	rule.Priority = p.Priority
	var ok [6]bool
	rule.Paths, ok[0] = conditionList(r, &p.Paths, "paths", checkALBPath)
	rule.Methods, ok[1] = conditionList(r, &p.Methods, "methods", checkALBMethod)
	rule.Hosts, ok[2] = conditionList(r, &p.Hosts, "hosts", checkALBHost)
	rule.Headers, ok[3] = r.headerConditions(p.Headers)
	rule.QueryParams, ok[4] = r.queryConditions(p.QueryParams)
	rule.SourceIPs, ok[5] = conditionList(r, &p.SourceIps, "sourceIps", checkSourceIP)
	for _, o := range ok {
		valid = valid && o
	}
	if len(p.Paths)+len(p.Methods)+len(p.Hosts)+len(p.Headers)+len(p.QueryParams)+len(p.SourceIps) == 0 {
		at, _ := r.d.pos(p)
		r.d.errorf(at, "an application-load-balancer event needs at least one condition: paths, methods, hosts, headers, queryParams or sourceIps")
		valid = false
	}
	if st == nil || !valid {
		return
	}
	if prev, dup := st.seen[rule.Priority]; dup {
		r.d.errorf(prioAt, "priority %d is already taken on application-load-balancer %q by function %q (line %d): priorities must be unique per balancer", rule.Priority, st.lb.Name, prev.function, prev.at.line)
		return
	}
	st.seen[rule.Priority] = declared{prioAt, fn}
	st.lb.Rules = append(st.lb.Rules, rule)
}

// conditionList normalises the values of a rule condition, each once,
// reporting whether all were valid.
func conditionList(r *resolver, list *[]string, prop string, norm func(string) (string, error)) ([]string, bool) {
	var out []string
	ok := true
	for i := range *list {
		at, decoded := r.d.pos(&(*list)[i])
		if !decoded {
			ok = false
			continue
		}
		v, err := norm((*list)[i])
		if err != nil {
			r.d.errorf(at, "%s: %v", prop, err)
			ok = false
			continue
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out, ok
}

// headerConditions checks a rule's header conditions.
func (r *resolver) headerConditions(hs []LoadBalancerHeader) ([]ValuesMatch, bool) {
	var out []ValuesMatch
	ok := true
	for i := range hs {
		h := &hs[i]
		at, decoded := r.d.pos(&h.HeaderName)
		values, vok := conditionList(r, &h.Values, "values", checkMatchValue)
		if !decoded || !vok {
			ok = false
			continue
		}
		if !isToken(h.HeaderName) || len(h.HeaderName) > maxConditionName {
			r.d.errorf(at, "headerName %q is not a valid header name of at most %d characters", h.HeaderName, maxConditionName)
			ok = false
			continue
		}
		if vat, _ := r.d.pos(&h.Values); len(values) == 0 {
			r.d.errorf(vat, "values needs at least one value")
			ok = false
			continue
		}
		out = append(out, ValuesMatch{Name: textproto.CanonicalMIMEHeaderKey(h.HeaderName), Values: values})
	}
	return out, ok
}

// queryConditions checks a rule's query parameter conditions.
func (r *resolver) queryConditions(qs []LoadBalancerQueryParam) ([]ValuesMatch, bool) {
	var out []ValuesMatch
	ok := true
	for i := range qs {
		q := &qs[i]
		at, decoded := r.d.pos(&q.ParamName)
		values, vok := conditionList(r, &q.Values, "values", checkMatchValue)
		if !decoded || !vok {
			ok = false
			continue
		}
		if _, err := checkMatchValue(q.ParamName); err != nil || strings.ContainsAny(q.ParamName, "*?") {
			r.d.errorf(at, "paramName %q must be a query parameter name: 1 to %d characters, no wildcards or control characters", q.ParamName, maxConditionValue)
			ok = false
			continue
		}
		if vat, _ := r.d.pos(&q.Values); len(values) == 0 {
			r.d.errorf(vat, "values needs at least one value")
			ok = false
			continue
		}
		out = append(out, ValuesMatch{Name: q.ParamName, Values: values})
	}
	return out, ok
}
