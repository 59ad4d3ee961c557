package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/verge-edge/verge/internal/arn"
	"github.com/verge-edge/verge/internal/awsapi"
	"github.com/verge-edge/verge/internal/cff"
	"github.com/verge-edge/verge/internal/dispatch"
	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/jsfn"
	"github.com/verge-edge/verge/internal/stack"
	"github.com/verge-edge/verge/internal/triggers/eventbus"
)

// The AWS endpoint's view of the plan: the engine fills awsapi's plain
// structs from it, so that the services need not know the stack file.

// eventPlan lists the plan's buses and rules for EventBridge's read side.
func (e *Engine) eventPlan() (buses []string, rules []awsapi.EventRule) {
	plan := e.Plan()
	if plan == nil {
		return nil, nil
	}
	for _, b := range plan.EventBuses {
		buses = append(buses, b.Name)
	}
	for _, s := range plan.Schedules {
		rules = append(rules, awsapi.EventRule{Name: dispatch.RuleName(s.Function, "schedule", s.Index),
			Bus: stack.DefaultEventBus, Schedule: s.Expression, Targets: []awsapi.EventTarget{target(s.Function, s.Input)}})
	}
	for _, b := range plan.BusRules {
		rules = append(rules, awsapi.EventRule{Name: dispatch.RuleName(b.Function, "event-bus", b.Index),
			Bus: b.Bus, Pattern: string(b.Pattern), Targets: []awsapi.EventTarget{target(b.Function, b.Input)}})
	}
	slices.SortFunc(rules, func(a, b awsapi.EventRule) int { return strings.Compare(a.Name, b.Name) })
	return buses, rules
}

// target is a rule's one target, its function, named by it as a stack
// deployment names it.
func target(fn string, in stack.TargetInput) awsapi.EventTarget {
	t := awsapi.EventTarget{ID: fn, ARN: arn.Function(fn, ""), Input: string(in.Input), InputPath: in.InputPath}
	if tr := in.Transformer; tr != nil {
		t.Transformer = &eventbus.Transformer{PathsMap: tr.PathsMap, Template: tr.Template}
	}
	return t
}

// cdnSide is the CloudFront API's awsapi.CDN: the plan's distributions
// and cdn-functions, and the edge's cache.
type cdnSide struct{ e *Engine }

var _ awsapi.CDN = cdnSide{}

func (c cdnSide) Distributions() []awsapi.Distribution {
	plan, at := c.e.parts.currentAt()
	if plan == nil {
		return nil
	}
	hosts := c.e.edge.Hosts()
	viewer, _ := c.e.Addrs()
	var out []awsapi.Distribution
	for _, d := range plan.Distributions {
		ad := awsapi.Distribution{Name: d.Name, Domain: hosts[d.Name], DefaultRootObject: d.IndexDocument, Modified: at}
		if ad.Domain == "" { // the only one: it answers any host
			ad.Domain = viewer
		}
		seen := map[string]bool{}
		for _, b := range d.Behaviors {
			origins := originsOf(b.Origin)
			for _, o := range origins {
				if !seen[o.ID] {
					seen[o.ID] = true
					ad.Origins = append(ad.Origins, o)
				}
			}
			cb := awsapi.CacheBehavior{PathPattern: b.PathPattern, OriginID: origins[0].ID, MinTTL: b.Cache.MinTTL,
				DefaultTTL: b.Cache.DefaultTTL, MaxTTL: b.Cache.MaxTTL, Compress: d.Compress}
			for _, t := range []stack.Trigger{stack.ViewerRequest, stack.OriginRequest, stack.OriginResponse, stack.ViewerResponse} {
				ref := b.Functions.For(t)
				if ref == nil {
					continue
				}
				fa := awsapi.FunctionAssociation{EventType: string(t), ARN: arn.CloudFrontFunction(ref.Name)}
				if ref.Type != stack.TypeCDNFunction {
					fa.ARN, fa.Lambda = arn.Function(ref.Name, ""), true
				}
				cb.Functions = append(cb.Functions, fa)
			}
			ad.Behaviors = append(ad.Behaviors, cb)
		}
		out = append(out, ad)
	}
	return out
}

// originsOf is an origin as CloudFront's: a group is its primary then its
// secondary (the behaviour targets the primary).
func originsOf(o stack.Origin) []awsapi.DistributionOrigin {
	switch o.Kind {
	case stack.OriginBucket:
		return []awsapi.DistributionOrigin{{ID: o.Bucket.Resource, Domain: o.Bucket.Resource}}
	case stack.OriginHTTP:
		return []awsapi.DistributionOrigin{awsapi.OriginOf(strings.TrimPrefix(strings.TrimPrefix(o.HTTP.URL, "https://"), "http://"), o.HTTP.URL)}
	case stack.OriginGateway:
		return []awsapi.DistributionOrigin{{ID: o.Gateway.Resource, Domain: o.Gateway.Resource + ".localhost", Custom: true}}
	case stack.OriginGroup:
		return append(originsOf(o.Group.Primary), originsOf(o.Group.Secondary)...)
	}
	return []awsapi.DistributionOrigin{{ID: string(o.Kind)}}
}

func (c cdnSide) Invalidate(dist string, paths []string) int { return c.e.Invalidate(dist, paths) }

func (c cdnSide) CDNFunctions() []awsapi.CDNFunction {
	plan, at := c.e.parts.currentAt()
	if plan == nil {
		return nil
	}
	var out []awsapi.CDNFunction
	for _, name := range slices.Sorted(maps.Keys(plan.CDNFunctions)) {
		f := plan.CDNFunctions[name]
		af := awsapi.CDNFunction{Name: name, Runtime: f.Runtime, ETag: sourceTag(f.EntryFile), Modified: at}
		if f.KeyValueStore != nil {
			af.KeyValueStore = f.KeyValueStore.Name
		}
		out = append(out, af)
	}
	return out
}

// sourceTag is a version tag of a function's source, as CloudFront's
// ETags look.
func sourceTag(file string) string {
	src, err := cff.ReadSource(file)
	if err != nil {
		return "E0"
	}
	sum := sha256.Sum256(src)
	return "E" + strings.ToUpper(hex.EncodeToString(sum[:6]))
}

// TestFunction runs event through the cdn-function by the runner of
// `verge test-function`, with the plan's key-value store and the engine's
// limits.
func (c cdnSide) TestFunction(ctx context.Context, name string, event []byte) (awsapi.TestResult, error) {
	const op errs.Op = "engine.TestFunction"
	plan := c.e.Plan()
	var f *stack.CDNFunction
	if plan != nil {
		f = plan.CDNFunctions[name]
	}
	if f == nil {
		return awsapi.TestResult{}, errs.E(op, errs.NotFound, name)
	}
	src, err := cff.ReadSource(f.EntryFile)
	if err != nil {
		return awsapi.TestResult{}, errs.E(op, err)
	}
	opts := jsfn.RunOptions{Now: time.Now(), RequestID: "test-function"}
	if s := f.KeyValueStore; s != nil {
		var kvs *cff.KVS
		if s.DataFile != "" {
			kvs, err = cff.LoadKVS(s.DataFile)
		} else {
			kvs, err = cff.NewKVS(s.Data)
		}
		if err != nil {
			return awsapi.TestResult{}, errs.E(op, err)
		}
		opts.Host = kvs
	}
	res, err := cff.Test(ctx, src, jsfn.Runtime(f.Runtime), c.e.opts.FunctionLimits, event, opts)
	if err != nil {
		return awsapi.TestResult{}, err
	}
	return awsapi.TestResult{ComputeUtilization: res.ComputeUtilization, FunctionExecutionLogs: res.FunctionExecutionLogs,
		FunctionErrorMessage: res.FunctionErrorMessage, FunctionOutput: res.FunctionOutput}, nil
}
