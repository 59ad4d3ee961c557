package edge

import (
	"errors"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/verge-edge/verge/internal/cfheader"
	"github.com/verge-edge/verge/internal/edge/cache"
	"github.com/verge-edge/verge/internal/edge/origin"
	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/glob"
	"github.com/verge-edge/verge/internal/stack"
)

// state is one compiled plan. It is immutable once published; a reload
// builds a new one.
type state struct {
	dists  []*dist
	byHost map[string]*dist // "name.localhost", lower case
	single *dist            // the only distribution, which answers any Host
	// claimed are the hosts of other front doors (http-api-gateway,
	// application-load-balancer): never a distribution's, even the single.
	claimed map[string]bool
	runner  Runner
	// overrides are the origins viewer-request functions chose.
	overrides *overrides
}

type dist struct {
	name      string
	compress  bool
	behaviors []*behavior
	origins   []origin.Handler // every origin built for this distribution, to close
	// bucketOpts are the index and error documents, for buckets functions
	// switch to.
	bucketOpts origin.BucketOptions
}

type behavior struct {
	pattern glob.Pattern
	origin  origin.Handler
	spec    stack.Origin
	policy  stack.CachePolicy
	ttl     cache.TTLPolicy
	// bypass is set when every TTL is zero (CloudFront's CachingDisabled):
	// no lookup, no store, no collapsing.
	bypass bool
	// getOnly restricts methods to GET, HEAD and OPTIONS (bucket origins).
	getOnly bool
	fn      stack.Functions
	hasFn   bool
	// queryAllow is the query allow-list as a set.
	queryAllow map[string]struct{}
	cookieSet  map[string]struct{}
	// viewerHeaders are the CloudFront viewer headers (device, country)
	// the cache key names, which the edge computes for each request.
	viewerHeaders []string
}

// compile builds a state from a plan. Origins that were built are closed if
// a later step fails.
func compile(p *stack.Plan, runner Runner, opts origin.Options) (st *state, err error) {
	const op errs.Op = "edge.compile"
	st = &state{byHost: map[string]*dist{}, runner: runner, overrides: newOverrides(opts)}
	defer func() {
		if err != nil {
			st.close()
		}
	}()
	for i := range p.Distributions {
		d, err := compileDist(&p.Distributions[i], runner, opts)
		if d != nil {
			st.dists = append(st.dists, d)
		}
		for _, b := range p.Distributions[i].Behaviors {
			st.overrides.addBuckets(b.Origin)
		}
		if err != nil {
			return st, errs.E(op, p.Distributions[i].Name, err)
		}
		st.byHost[strings.ToLower(d.name)+".localhost"] = d
	}
	if len(st.dists) == 1 {
		st.single = st.dists[0]
	}
	st.claimed = map[string]bool{}
	for _, g := range p.HTTPAPIGateways {
		if !g.CDN { // behind a CDN, NAME.localhost is the distribution's
			st.claimed[strings.ToLower(g.Name)+".localhost"] = true
		}
	}
	for _, lb := range p.LoadBalancers {
		if !lb.CDN {
			st.claimed[strings.ToLower(lb.Name)+".localhost"] = true
		}
	}
	return st, nil
}

func compileDist(pd *stack.Distribution, runner Runner, opts origin.Options) (*dist, error) {
	d := &dist{name: pd.Name, compress: pd.Compress}
	opts.Bucket = origin.BucketOptions{IndexDocument: pd.IndexDocument, ErrorDocument: pd.ErrorDocument, SinglePageApp: pd.SinglePageApp}
	d.bucketOpts = opts.Bucket
	for i := range pd.Behaviors {
		pb := &pd.Behaviors[i]
		o, err := origin.New(pb.Origin, opts)
		if err != nil {
			return d, err
		}
		d.origins = append(d.origins, o)
		b := &behavior{
			pattern: compilePattern(pb.PathPattern),
			origin:  o,
			spec:    pb.Origin,
			policy:  pb.Cache,
			ttl: cache.TTLPolicy{
				Min:     time.Duration(pb.Cache.MinTTL) * time.Second,
				Default: time.Duration(pb.Cache.DefaultTTL) * time.Second,
				Max:     time.Duration(pb.Cache.MaxTTL) * time.Second,
			},
			getOnly: pb.Origin.Kind == stack.OriginBucket,
			fn:      pb.Functions,
		}
		b.bypass = b.ttl.Min == 0 && b.ttl.Default == 0 && b.ttl.Max == 0
		for _, t := range []stack.Trigger{stack.ViewerRequest, stack.OriginRequest, stack.OriginResponse, stack.ViewerResponse} {
			if fn := b.fn.For(t); fn != nil {
				b.hasFn = true
				if runner == nil {
					return d, errs.E(errs.Invalid, errs.Errorf("behaviour %q: %s %q is a %s, which this build of Verge cannot run yet", pb.PathPattern, t, fn.Name, fn.Type))
				}
			}
		}
		if pb.Cache.QueryStrings.Mode == stack.KeyAllowList {
			b.queryAllow = setOf(pb.Cache.QueryStrings.Names)
		}
		for _, name := range pb.Cache.Headers {
			if cfheader.IsViewerHeader(name) {
				b.viewerHeaders = append(b.viewerHeaders, http.CanonicalHeaderKey(name))
			}
		}
		if len(pb.Cache.Cookies) > 0 {
			b.cookieSet = setOf(pb.Cache.Cookies)
		}
		d.behaviors = append(d.behaviors, b)
	}
	if len(d.behaviors) == 0 {
		return d, errs.E(errs.Invalid, errors.New("distribution has no behaviours"))
	}
	return d, nil
}

func setOf(names []string) map[string]struct{} {
	m := make(map[string]struct{}, len(names))
	for _, n := range names {
		m[n] = struct{}{}
	}
	return m
}

// route finds the distribution for a Host header.
func (st *state) route(host string) *dist {
	if st.single != nil && len(st.claimed) == 0 {
		return st.single
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(host)
	if st.claimed[host] {
		return nil
	}
	if st.single != nil {
		return st.single
	}
	return st.byHost[host]
}

// match returns the first behaviour whose pattern matches path; the last
// behaviour is the default ("*"), so there always is one.
func (d *dist) match(path string) *behavior {
	for _, b := range d.behaviors {
		if b.pattern.Match(path) {
			return b
		}
	}
	return d.behaviors[len(d.behaviors)-1]
}

// close releases the origins' idle connections. Requests in flight keep
// working: closing only drops idle pooled connections.
func (st *state) close() {
	st.overrides.close()
	for _, d := range st.dists {
		for _, o := range d.origins {
			o.Close()
		}
	}
}
