package stack

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// CloudFront's defaults and limits, which Verge keeps.
const (
	defaultMinTTL     = 0
	defaultDefaultTTL = 86400    // one day
	defaultMaxTTL     = 31536000 // one year
	// maxTTLSeconds keeps TTLs well inside time.Duration (292 years).
	maxTTLSeconds = 100 * defaultMaxTTL
	// maxKeyNames is CloudFront's quota of headers, cookies and query
	// strings in a cache policy, each.
	maxKeyNames = 10

	defaultIndexDocument  = "index.html"
	defaultConnectTimeout = 10
	defaultReadTimeout    = 30
)

// failoverStatuses are the statuses CloudFront may fail over on.
var failoverStatuses = []int{403, 404, 500, 502, 503, 504}

var defaultFailoverStatuses = []int{500, 502, 503, 504}

// A resolver checks the decoded stack as a whole (files, ranges, references)
// and builds the Plan. Like the decoder it reports every problem it finds
// and checks only values that decoded.
type resolver struct {
	d      *decoder
	dir    string // absolute stack folder
	byName map[string]*Resource
	names  []string
	// bucketDirs holds the absolute directory of each bucket whose
	// directory exists.
	bucketDirs map[string]string
	opts       Options
	// secrets is the secrets file, read when a $Secret first needs it.
	secrets *secretsFile
	// edgeUses are the associations of each edge-lambda-function, by name.
	edgeUses map[string][]edgeUse
	// gateways and balancers collect the routes and rules of the
	// functions' events, by resource name.
	gateways  map[string]*gatewayState
	balancers map[string]*balancerState
	// schedules and busRules collect the functions' schedule and
	// event-bus events.
	schedules []Schedule
	busRules  []BusRule
	// qs collects the queues, topics, triggers and subscriptions.
	qs queueState
	// bs collects the cloudformationResources buckets and the
	// notifications.
	bs bucketState
	// ss collects the streams and their triggers (the tables' too).
	ss streamState
	// kafka are the functions' kafka-topic triggers.
	kafka []KafkaTrigger
	// ts collects the tables.
	ts tableState
	// logSubs collects the cloudwatch-log events.
	logSubs []logSubState
}

func resolve(d *decoder, s *Stack, dir string, opts Options) *Plan {
	r := &resolver{d: d, dir: dir, byName: map[string]*Resource{}, bucketDirs: map[string]string{}, opts: opts, edgeUses: map[string][]edgeUse{}, qs: newQueueState(), bs: newBucketState(), ss: newStreamState(), ts: newTableState()}
	for _, res := range s.Resources {
		r.byName[res.Name] = res
		r.names = append(r.names, res.Name)
	}
	for _, res := range s.Resources {
		r.check(res)
	}
	plan := &Plan{Distributions: []Distribution{}}
	for _, res := range s.Resources {
		switch p := res.Properties.(type) {
		case *BucketProps:
			if p.CDN != nil {
				dist := r.distribution(res.Name, p.CDN)
				if p.CDN.Enabled {
					plan.Distributions = append(plan.Distributions, dist)
				}
			}
		case *HTTPAPIGatewayProps:
			if p.CDN != nil {
				dist := r.gatewayDistribution(res.Name, TypeHTTPAPIGateway, p.CDN)
				if p.CDN.Enabled {
					plan.Distributions = append(plan.Distributions, dist)
				}
			}
		case *LoadBalancerProps:
			if p.CDN != nil {
				dist := r.gatewayDistribution(res.Name, TypeLoadBalancer, p.CDN)
				if p.CDN.Enabled {
					plan.Distributions = append(plan.Distributions, dist)
				}
			}
		}
	}
	slices.SortFunc(plan.Distributions, func(a, b Distribution) int { return strings.Compare(a.Name, b.Name) })
	for _, res := range s.Resources {
		if p, ok := res.Properties.(*CDNFunctionProps); ok {
			if plan.CDNFunctions == nil {
				plan.CDNFunctions = map[string]*CDNFunction{}
			}
			plan.CDNFunctions[res.Name] = r.cdnFunction(res.Name, p)
		}
	}
	r.frontDoors(s)
	plan.EventBuses = r.eventBuses(s)
	r.declareStreams(s)   // first: any ARN property may name a stream, a table or a bucket, if only by mistake
	r.declareTables(s)    // likewise
	r.declareCfBuckets(s) // (their names only)
	r.declareQueues(s)    // before the functions, whose events and destinations name them
	r.cfBuckets(s)        // after the queues and topics they notify; before the functions' s3 events
	for _, res := range s.Resources {
		switch p := res.Properties.(type) {
		case *FunctionProps:
			if plan.Functions == nil {
				plan.Functions = map[string]*Function{}
			}
			plan.Functions[res.Name] = r.function(res.Name, p)
		case *EdgeLambdaFunctionProps:
			// After the distributions, which record where it runs.
			if plan.EdgeLambdaFunctions == nil {
				plan.EdgeLambdaFunctions = map[string]*EdgeLambdaFunction{}
			}
			plan.EdgeLambdaFunctions[res.Name] = r.edgeLambdaFunction(res.Name, p)
		}
	}
	plan.HTTPAPIGateways, plan.LoadBalancers = r.finishFrontDoors()
	plan.Schedules, plan.BusRules = r.finishEvents()
	plan.Buckets = r.buckets(s)
	plan.BucketNotifications = r.finishNotifications()
	r.cfSubscriptions(s)
	plan.Queues, plan.Topics, plan.QueueTriggers, plan.TopicSubscriptions = r.finishQueues()
	plan.Streams, plan.StreamTriggers = r.finishStreams()
	plan.Tables = r.finishTables()
	plan.LogSubscriptions = r.finishLogSubs()
	plan.KafkaTriggers = r.finishKafka()
	plan.Grantable = r.grantable()
	if r.secrets != nil {
		plan.SecretsFile = r.secrets.path
	}
	return plan
}

// cdnFunction resolves a cdn-function's files and defaults; check has
// reported any problem with them.
func (r *resolver) cdnFunction(name string, p *CDNFunctionProps) *CDNFunction {
	f := &CDNFunction{Name: name, EntryFile: r.abs(p.EntryfilePath), Runtime: RuntimeCloudFrontJS2}
	if p.Runtime != nil {
		f.Runtime = *p.Runtime
	}
	if store, ok := r.byName[p.KeyValueStore]; ok {
		if kp, ok := store.Properties.(*KeyValueStoreProps); ok {
			f.KeyValueStore = &KeyValueStore{Name: store.Name, DataFile: r.abs(kp.DataFile), Data: kp.Data}
		}
	}
	return f
}

// abs resolves a path against the stack folder.
func (r *resolver) abs(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(r.dir, p)
}

// check checks what a resource holds by itself.
func (r *resolver) check(res *Resource) {
	switch p := res.Properties.(type) {
	case *BucketProps:
		if dir, ok := r.path(&p.Directory, "directory", true); ok {
			r.bucketDirs[res.Name] = dir
		}
		if _, ok := r.d.pos(p.CDN); ok && !r.hasDirectory(res.Name) {
			at, _ := r.d.key(&p.CDN)
			r.d.errorf(at, "cdn needs the bucket's directory: a bucket without one lives in Verge's data folder, which the CDN does not serve")
		}
	case *CDNFunctionProps:
		r.path(&p.EntryfilePath, "entryfilePath", false)
		if at, ok := r.d.pos(&p.EntryfilePath); ok && p.EntryfilePath != "" && !isCDNSource(p.EntryfilePath) {
			r.d.errorf(at, "entryfilePath %q: a cdn-function is a .js or .ts file", p.EntryfilePath)
		}
		if at, ok := r.d.pos(p.Runtime); ok && *p.Runtime != RuntimeCloudFrontJS1 && *p.Runtime != RuntimeCloudFrontJS2 {
			r.d.errorf(at, "runtime must be %s or %s, found %q", RuntimeCloudFrontJS1, RuntimeCloudFrontJS2, *p.Runtime)
		}
		if at, ok := r.d.pos(&p.KeyValueStore); ok {
			r.ref(at, "keyValueStore", p.KeyValueStore, TypeKeyValueStore)
		}
	case *KeyValueStoreProps:
		_, hasFile := r.d.pos(&p.DataFile)
		_, hasData := r.d.pos(&p.Data)
		if hasFile == hasData {
			at, _ := r.d.pos(p)
			r.d.errorf(at, "key-value-store %q needs exactly one of dataFile and data", res.Name)
		}
		if !hasFile {
			break
		}
		if file, ok := r.path(&p.DataFile, "dataFile", false); ok {
			at, _ := r.d.pos(&p.DataFile)
			if data, err := os.ReadFile(file); err != nil {
				r.d.errorf(at, "dataFile %q: %v", p.DataFile, pathErr(err))
			} else if !json.Valid(data) {
				r.d.errorf(at, "dataFile %q is not valid JSON", p.DataFile)
			}
		}
	}
}

// path resolves the path property *p against the stack folder and checks
// that it names a directory (wantDir) or a regular file.
func (r *resolver) path(p *string, prop string, wantDir bool) (string, bool) {
	at, ok := r.d.pos(p)
	if !ok {
		return "", false
	}
	if *p == "" {
		r.d.errorf(at, "%s must not be empty", prop)
		return "", false
	}
	abs := filepath.FromSlash(*p)
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(r.dir, abs)
	}
	fi, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		r.d.errorf(at, "%s %q does not exist (paths are relative to the stack folder)", prop, *p)
	case err != nil:
		r.d.errorf(at, "%s %q: %v", prop, *p, pathErr(err))
	case wantDir && !fi.IsDir():
		r.d.errorf(at, "%s %q is a file, not a directory", prop, *p)
	case !wantDir && !fi.Mode().IsRegular():
		r.d.errorf(at, "%s %q is not a regular file", prop, *p)
	default:
		return abs, true
	}
	return "", false
}

// pathErr drops the absolute path from a file error: messages name the
// path as the user wrote it.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// intIn returns *v, or def when absent, reporting a value outside lo..hi.
func (r *resolver) intIn(v *int, prop string, lo, hi, def int, unit string) int {
	at, ok := r.d.pos(v)
	if !ok {
		return def
	}
	if *v < lo || *v > hi {
		r.d.errorf(at, "%s must be between %d and %d %s, found %d", prop, lo, hi, unit, *v)
		return def
	}
	return *v
}

// ref returns the resource called name if its type is one of types,
// reporting at at a dangling name or a resource of another type.
func (r *resolver) ref(at pos, prop, name string, types ...string) *Resource {
	res := r.byName[name]
	if res == nil {
		r.d.errorf(at, "%s: no resource named %q%s", prop, name, parenthesized(didYouMean(name, r.names)))
		return nil
	}
	if !slices.Contains(types, res.Type) {
		r.d.errorf(at, "%s: %q is %s, but %s takes %s", prop, name, article(res.Type), prop, orList(types))
		return nil
	}
	return res
}

// article prefixes a resource type with "a" or "an", as it is read aloud
// (an http-api-gateway, an sns-topic).
func article(typ string) string {
	vowelSound := typ != "" && strings.ContainsRune("aeiou", rune(typ[0]))
	for _, p := range []string{"http", "sns", "sqs", "s3"} {
		vowelSound = vowelSound || strings.HasPrefix(typ, p)
	}
	if vowelSound {
		return "an " + typ
	}
	return "a " + typ
}

func orList(types []string) string {
	parts := make([]string, len(types))
	for i, t := range types {
		parts[i] = article(t)
	}
	return strings.Join(parts, " or ")
}

// distribution builds a bucket's distribution; name is the bucket.
func (r *resolver) distribution(name string, c *CDN) Distribution {
	dist := Distribution{Name: name, IndexDocument: defaultIndexDocument, SinglePageApp: c.SinglePageApp, Compress: true}
	dir, dirOK := r.bucketDirs[name]
	if at, ok := r.d.pos(c.IndexDocument); ok {
		dist.IndexDocument = *c.IndexDocument
		if msg := checkIndexDocument(dist.IndexDocument); msg != "" {
			r.d.errorf(at, "indexDocument %q %s", dist.IndexDocument, msg)
		}
	}
	if _, ok := r.d.pos(c.Compress); ok {
		dist.Compress = *c.Compress
	}
	if at, ok := r.d.pos(&c.ErrorDocument); ok && c.ErrorDocument != "" {
		dist.ErrorDocument = c.ErrorDocument
		switch msg := checkErrorDocument(c.ErrorDocument); {
		case msg != "":
			r.d.errorf(at, "errorDocument %q %s", c.ErrorDocument, msg)
		case c.SinglePageApp:
			r.d.errorf(at, "errorDocument and singlePageApp cannot be used together: a single-page app serves its index document for every missing path")
		case dirOK && !isFile(filepath.Join(dir, filepath.FromSlash(c.ErrorDocument))):
			r.d.errorf(at, "errorDocument %q does not exist in the bucket's directory", c.ErrorDocument)
		}
	}
	if at, ok := r.d.pos(&c.SinglePageApp); ok && c.SinglePageApp {
		switch {
		case dist.IndexDocument == "":
			r.d.errorf(at, "singlePageApp needs an indexDocument")
		case dirOK && checkIndexDocument(dist.IndexDocument) == "" && !isFile(filepath.Join(dir, filepath.FromSlash(dist.IndexDocument))):
			r.d.errorf(at, "singlePageApp needs the index document %q in the bucket's directory", dist.IndexDocument)
		}
	}
	seen := map[string]pos{}
	for i := range c.RouteRewrites {
		if _, ok := r.d.pos(&c.RouteRewrites[i]); ok {
			dist.Behaviors = append(dist.Behaviors, r.route(&c.RouteRewrites[i], seen))
		}
	}
	dist.Behaviors = append(dist.Behaviors, Behavior{
		PathPattern: "*",
		Origin:      Origin{Kind: OriginBucket, Bucket: &BucketOrigin{Resource: name, Directory: dir}},
		Cache:       r.cache(c.CachingOptions),
		Functions:   r.functions(c.EdgeFunctions),
	})
	return dist
}

// gatewayDistribution builds the distribution in front of an
// http-api-gateway or application-load-balancer; name is the resource.
func (r *resolver) gatewayDistribution(name, typ string, c *GatewayCDN) Distribution {
	dist := Distribution{Name: name, Compress: true}
	if _, ok := r.d.pos(c.Compress); ok {
		dist.Compress = *c.Compress
	}
	seen := map[string]pos{}
	for i := range c.RouteRewrites {
		if _, ok := r.d.pos(&c.RouteRewrites[i]); ok {
			dist.Behaviors = append(dist.Behaviors, r.route(&c.RouteRewrites[i], seen))
		}
	}
	cache := cachingDisabled
	if c.CachingOptions != nil {
		cache = r.cache(c.CachingOptions)
	}
	dist.Behaviors = append(dist.Behaviors, Behavior{
		PathPattern: "*",
		Origin:      Origin{Kind: OriginGateway, Gateway: &GatewayOrigin{Resource: name, Type: typ}},
		Cache:       cache,
		Functions:   r.functions(c.EdgeFunctions),
	})
	return dist
}

// cachingDisabled is CloudFront's CachingDisabled policy: nothing is
// stored and every request goes to the origin whole.
var cachingDisabled = CachePolicy{QueryStrings: KeyParts{Mode: KeyNone}}

func checkIndexDocument(doc string) string {
	switch {
	case strings.HasPrefix(doc, "/"):
		return `must not start with "/": it is a file name looked up in each folder`
	case doc != "" && path.Clean(doc) != doc:
		return "must be a clean path (no //, . or ..)"
	}
	return ""
}

func checkErrorDocument(doc string) string {
	switch {
	case !strings.HasPrefix(doc, "/"):
		return `must start with "/" (a path in the bucket)`
	case path.Clean(doc) != doc || doc == "/":
		return "must be the clean path of a file (no //, . or ..)"
	}
	return ""
}

func isFile(name string) bool {
	fi, err := os.Stat(name)
	return err == nil && fi.Mode().IsRegular()
}

// route builds a route rewrite's behaviour; seen holds the paths so far.
func (r *resolver) route(rr *RouteRewrite, seen map[string]pos) Behavior {
	b := Behavior{PathPattern: rr.Path}
	if at, ok := r.d.pos(&rr.Path); ok {
		if msg := checkPathPattern(rr.Path); msg != "" {
			r.d.errorf(at, "path %q %s", rr.Path, msg)
		} else if first, dup := seen[rr.Path]; dup {
			r.d.errorf(at, "duplicate route path %q (first at line %d)", rr.Path, first.line)
		} else {
			seen[rr.Path] = at
		}
	}
	if rr.RouteTo != nil {
		b.Origin = r.origin(rr.RouteTo, false)
	}
	b.Cache = r.cache(rr.CachingOptions)
	if rr.CachingOptions == nil && b.Origin.Kind == OriginGateway {
		b.Cache = cachingDisabled // as the gateway's own CDN: APIs are not cached unless asked
	}
	b.Functions = r.functions(rr.EdgeFunctions)
	return b
}

// origin resolves a routeTo; inGroup is set for an origin-group's members.
func (r *resolver) origin(rt *RouteTo, inGroup bool) Origin {
	switch p := rt.Properties.(type) {
	case *CustomOriginProps:
		return Origin{Kind: OriginHTTP, HTTP: r.httpOrigin(p)}
	case *BucketOriginProps:
		b := &BucketOrigin{Resource: p.BucketName}
		if at, ok := r.d.pos(&p.BucketName); ok && r.ref(at, "bucketName", p.BucketName, TypeBucket) != nil {
			b.Directory = r.bucketDirs[p.BucketName]
			if !r.hasDirectory(p.BucketName) {
				r.d.errorf(at, "bucketName: bucket %q has no directory: a bucket without one lives in Verge's data folder, which the CDN does not serve", p.BucketName)
			}
		}
		return Origin{Kind: OriginBucket, Bucket: b}
	case *OriginGroupProps:
		if inGroup {
			at, _ := r.d.pos(&rt.Type)
			r.d.errorf(at, "an origin-group cannot be the primary or secondary of another origin-group")
			return Origin{}
		}
		g := &GroupOrigin{StatusCodes: r.statusCodes(p)}
		if p.Primary != nil {
			g.Primary = r.origin(p.Primary, true)
		}
		if p.Secondary != nil {
			g.Secondary = r.origin(p.Secondary, true)
		}
		return Origin{Kind: OriginGroup, Group: g}
	case *HTTPAPIOriginProps:
		if at, ok := r.d.pos(&p.HTTPAPIGatewayName); ok && r.ref(at, "httpApiGatewayName", p.HTTPAPIGatewayName, TypeHTTPAPIGateway) != nil {
			return Origin{Kind: OriginGateway, Gateway: &GatewayOrigin{Resource: p.HTTPAPIGatewayName, Type: TypeHTTPAPIGateway}}
		}
	case *LoadBalancerOriginProps:
		if at, ok := r.d.pos(&p.LoadBalancerName); ok && r.ref(at, "loadBalancerName", p.LoadBalancerName, TypeLoadBalancer) != nil {
			return Origin{Kind: OriginGateway, Gateway: &GatewayOrigin{Resource: p.LoadBalancerName, Type: TypeLoadBalancer}}
		}
	}
	return Origin{}
}

func (r *resolver) statusCodes(p *OriginGroupProps) []int {
	at, ok := r.d.pos(&p.FailoverStatusCodes)
	if !ok {
		return slices.Clone(defaultFailoverStatuses)
	}
	if len(p.FailoverStatusCodes) == 0 {
		r.d.errorf(at, "failoverStatusCodes needs at least one status code (allowed: %s)", intList(failoverStatuses))
	}
	var codes []int
	for i, c := range p.FailoverStatusCodes {
		cat, ok := r.d.pos(&p.FailoverStatusCodes[i])
		switch {
		case !ok:
		case !slices.Contains(failoverStatuses, c):
			r.d.errorf(cat, "failover status code %d is not allowed (allowed: %s)", c, intList(failoverStatuses))
		case slices.Contains(codes, c):
			r.d.errorf(cat, "failover status code %d is listed twice", c)
		default:
			codes = append(codes, c)
		}
	}
	slices.Sort(codes)
	return codes
}

func intList(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}

func (r *resolver) httpOrigin(p *CustomOriginProps) *HTTPOrigin {
	h := &HTTPOrigin{
		ConnectTimeout: r.intIn(p.ConnectTimeout, "connectTimeout", 1, 10, defaultConnectTimeout, "seconds"),
		ReadTimeout:    r.intIn(p.ReadTimeout, "readTimeout", 1, 180, defaultReadTimeout, "seconds"),
	}
	propsAt, _ := r.d.pos(p)
	_, hasURL := r.d.key(&p.URL)
	domainAt, hasDomain := r.d.key(&p.DomainName)
	switch urlAt, urlOK := r.d.pos(&p.URL); {
	case hasURL && hasDomain:
		r.d.errorf(domainAt, "custom-origin takes url or domainName, not both")
	case hasURL:
		for _, f := range []struct {
			key string
			ptr any
		}{{"protocol", &p.Protocol}, {"port", &p.Port}, {"path", &p.Path}} {
			if at, ok := r.d.key(f.ptr); ok {
				r.d.errorf(at, "%s goes with domainName; with url, write it in the url", f.key)
			}
		}
		if !urlOK {
			break
		}
		u, err := originURL(p.URL)
		if err != nil {
			r.d.errorf(urlAt, "url %q %v", p.URL, err)
		}
		h.URL = u
	case hasDomain:
		h.URL = r.domainURL(p)
	default:
		r.d.errorf(propsAt, "custom-origin needs url or domainName")
	}
	seen := map[string]bool{}
	for i := range p.CustomHeaders {
		ch := &p.CustomHeaders[i]
		nameAt, nameOK := r.d.pos(&ch.HeaderName)
		value, valueOK := r.expand(&ch.Value)
		if !nameOK || !valueOK {
			continue
		}
		hdr, err := customHeader(ch.HeaderName, value)
		switch {
		case err != nil:
			r.d.errorf(nameAt, "customHeaders: %v", err)
		case seen[hdr.Name]:
			r.d.errorf(nameAt, "customHeaders: header %s is set twice", hdr.Name)
		default:
			seen[hdr.Name] = true
			h.CustomHeaders = append(h.CustomHeaders, hdr)
		}
	}
	return h
}

// domainURL builds the URL of a custom-origin written with domainName.
func (r *resolver) domainURL(p *CustomOriginProps) string {
	at, ok := r.d.pos(&p.DomainName)
	if !ok {
		return ""
	}
	protocol, port, valid := "https", 0, true
	if pat, ok := r.d.pos(p.Protocol); ok {
		if protocol = *p.Protocol; protocol != "http" && protocol != "https" {
			r.d.errorf(pat, "protocol must be http or https, found %q", protocol)
			valid = false
		}
	}
	if pat, ok := r.d.pos(p.Port); ok {
		if port = *p.Port; port < 1 || port > 65535 {
			r.d.errorf(pat, "port must be between 1 and 65535, found %d", port)
			valid = false
		}
	}
	if pat, ok := r.d.pos(&p.Path); ok {
		if msg := checkOriginPath(p.Path); msg != "" {
			r.d.errorf(pat, "path %q %s", p.Path, msg)
			valid = false
		}
	}
	if err := checkDomainName(p.DomainName); err != nil {
		r.d.errorf(at, "%v", err)
		valid = false
	}
	if !valid {
		return ""
	}
	u, err := domainURL(p.DomainName, protocol, port, p.Path)
	if err != nil {
		r.d.errorf(at, "%v", err)
	}
	return u
}

// A ttl is one of the three TTLs of a cache policy.
type ttl struct {
	name string
	val  int64
	at   pos
	set  bool
}

func (t ttl) String() string {
	if t.set {
		return fmt.Sprintf("%s %d", t.name, t.val)
	}
	return fmt.Sprintf("%s %d (the default)", t.name, t.val)
}

// cache resolves caching options; nil gives CloudFront's defaults.
func (r *resolver) cache(co *CachingOptions) CachePolicy {
	cp := CachePolicy{MinTTL: defaultMinTTL, DefaultTTL: defaultDefaultTTL, MaxTTL: defaultMaxTTL, QueryStrings: KeyParts{Mode: KeyNone}}
	if co == nil {
		return cp
	}
	ttls := [3]ttl{{name: "minTTL", val: cp.MinTTL}, {name: "defaultTTL", val: cp.DefaultTTL}, {name: "maxTTL", val: cp.MaxTTL}}
	ptrs := [3]*int64{co.MinTTL, co.DefaultTTL, co.MaxTTL}
	valid := true
	for i, p := range ptrs {
		at, ok := r.d.pos(p)
		switch {
		case !ok:
		case *p < 0 || *p > maxTTLSeconds:
			r.d.errorf(at, "%s must be between 0 and %d seconds, found %d", ttls[i].name, maxTTLSeconds, *p)
			valid = false
		default:
			ttls[i] = ttl{name: ttls[i].name, val: *p, at: at, set: true}
		}
	}
	if valid {
		r.ttlOrder(ttls[0], ttls[1])
		r.ttlOrder(ttls[1], ttls[2])
	}
	cp.MinTTL, cp.DefaultTTL, cp.MaxTTL = ttls[0].val, ttls[1].val, ttls[2].val
	if ck := co.CacheKeyParameters; ck != nil {
		if _, ok := r.d.pos(ck.QueryStrings); ok {
			cp.QueryStrings = KeyParts{Mode: ck.QueryStrings.Mode}
			if ck.QueryStrings.Mode == KeyAllowList {
				cp.QueryStrings.Names = r.keyNames(&ck.QueryStrings.AllowList, "allowList", queryName)
				if at, ok := r.d.pos(&ck.QueryStrings.AllowList); ok && len(cp.QueryStrings.Names) == 0 {
					r.d.errorf(at, "allowList needs at least one name (for none, write queryStrings: none)")
				}
			}
		}
		cp.Headers = r.keyNames(&ck.Headers, "headers", headerName)
		cp.Cookies = r.keyNames(&ck.Cookies, "cookies", cookieName)
	}
	return cp
}

// ttlOrder reports a > b, at whichever of them the user wrote (b first).
func (r *resolver) ttlOrder(a, b ttl) {
	if a.val <= b.val {
		return
	}
	at, hint := b.at, ""
	if !b.set {
		at, hint = a.at, fmt.Sprintf("; set %s too", b.name)
	} else if !a.set {
		hint = fmt.Sprintf("; set %s too", a.name)
	}
	r.d.errorf(at, "%s is greater than %s: TTLs must satisfy minTTL <= defaultTTL <= maxTTL%s", a, b, hint)
}

// keyNames checks, normalises, dedupes and sorts the names of a cache key
// list, enforcing CloudFront's quota.
func (r *resolver) keyNames(list *[]string, prop string, norm func(string) (string, error)) []string {
	var names []string
	for i := range *list {
		at, ok := r.d.pos(&(*list)[i])
		if !ok {
			continue
		}
		n, err := norm((*list)[i])
		if err != nil {
			r.d.errorf(at, "%s: %v", prop, err)
			continue
		}
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	if at, ok := r.d.pos(list); ok && len(names) > maxKeyNames {
		r.d.errorf(at, "%s has %d names; CloudFront's quota is %d", prop, len(names), maxKeyNames)
	}
	slices.Sort(names)
	return names
}

// functions resolves the function associations of one behaviour; the
// four triggers of EdgeFunctions map to the four of the plan.
func (r *resolver) functions(ef *EdgeFunctions) Functions {
	if ef == nil {
		return Functions{}
	}
	fs := Functions{
		ViewerRequest:  r.association(ef.OnRequest, "onRequest", ViewerRequest),
		OriginRequest:  r.association(ef.OnOriginRequest, "onOriginRequest", OriginRequest),
		OriginResponse: r.association(ef.OnOriginResponse, "onOriginResponse", OriginResponse),
		ViewerResponse: r.association(ef.OnResponse, "onResponse", ViewerResponse),
	}
	r.mixedViewer(ef, fs)
	return fs
}

// association resolves the function at trigger t, written under key, and
// records an edge-lambda-function's use.
func (r *resolver) association(a *FunctionAssociation, key string, t Trigger) *FunctionRef {
	if a == nil {
		return nil
	}
	at, ok := r.d.pos(&a.Function)
	if !ok {
		return nil
	}
	types := []string{TypeEdgeLambdaFunction}
	if t.Viewer() {
		types = []string{TypeCDNFunction, TypeEdgeLambdaFunction}
	}
	if res := r.byName[a.Function]; res != nil && res.Type == TypeCDNFunction && !t.Viewer() {
		r.d.errorf(at, "%s: cdn-function %q cannot run here: CloudFront Functions run only at onRequest and onResponse; use an edge-lambda-function", key, a.Function)
		return nil
	}
	res := r.ref(at, key, a.Function, types...)
	if res == nil {
		return nil
	}
	if bodyAt, ok := r.d.pos(&a.IncludeBody); ok && a.IncludeBody {
		switch {
		case t != ViewerRequest && t != OriginRequest:
			r.d.errorf(bodyAt, "includeBody is only allowed at onRequest and onOriginRequest: CloudFront passes the body to request events only")
		case res.Type == TypeCDNFunction:
			r.d.errorf(bodyAt, "includeBody needs an edge-lambda-function: a cdn-function cannot read the request body")
		}
	}
	if res.Type == TypeEdgeLambdaFunction {
		r.edgeUses[res.Name] = append(r.edgeUses[res.Name], edgeUse{trigger: t, key: key, at: at})
	}
	return &FunctionRef{Name: res.Name, Type: res.Type, IncludeBody: a.IncludeBody}
}

// isCDNSource accepts the files a cdn-function is written in: JavaScript,
// or TypeScript that Verge strips to JavaScript.
func isCDNSource(p string) bool {
	switch strings.ToLower(filepath.Ext(p)) {
	case ".js", ".mjs", ".cjs", ".ts", ".mts":
		return true
	}
	return false
}
