package stack

import (
	"fmt"
	"slices"

	"github.com/verge-edge/verge/internal/runtimes"
)

// triggers are the four triggers in the order they fire.
var triggers = []Trigger{ViewerRequest, OriginRequest, OriginResponse, ViewerResponse}

// An edgeUse is one association of an edge-lambda-function with a
// trigger, recorded while the distributions are resolved: the function's
// limits depend on where it runs.
type edgeUse struct {
	trigger Trigger
	key     string // as written: onRequest, onOriginRequest, ...
	at      pos    // of the function's name in the association
}

// edgeLambdaFunction resolves an edge-lambda-function: packaging, runtime
// and logging as a function's, and memory, timeout and package size
// against the limits of the triggers it runs at. It runs after the
// distributions, which record the uses.
func (r *resolver) edgeLambdaFunction(name string, p *EdgeLambdaFunctionProps) *EdgeLambdaFunction {
	uses := r.edgeUses[name]
	viewer := firstViewerUse(uses)
	timeout, packageMB := originMaxEdgeTimeout, originEdgePackageMB
	if viewer != nil {
		timeout, packageMB = viewerMaxEdgeTimeout, viewerEdgePackageMB
	}
	f := &EdgeLambdaFunction{
		Name:           name,
		MemoryMB:       r.edgeLimit(p.Memory, "memory", minFunctionMemory, maxFunctionMemory, viewerMaxEdgeMemory, defaultEdgeMemory, "MB", viewer),
		TimeoutSeconds: r.edgeLimit(p.Timeout, "timeout", 1, originMaxEdgeTimeout, viewerMaxEdgeTimeout, timeout, "seconds", viewer),
		Triggers:       triggersOf(uses),
		Logging:        r.logging(p.Logging),
	}
	f.MaxPackageBytes = int64(r.intIn(p.PackageSizeLimit, "packageSizeLimit", 1, maxEdgePackageMB, packageMB, "MB")) << 20
	f.ProvisionedConcurrency = r.intIn(p.ProvisionedConcurrency, "provisionedConcurrency", 0, maxConcurrency, 0, "sandboxes")
	var family runtimes.Family
	f.Package, family = r.packaging(p.Packaging)
	f.Runtime = r.runtime(p.Runtime, p.Packaging, family)
	return f
}

// edgeLimit returns *v, or def when absent, reporting a value outside
// lo..hi, or above viewerHi when viewer, the function's first use at a
// viewer trigger, is not nil; the message names that use.
func (r *resolver) edgeLimit(v *int, prop string, lo, hi, viewerHi, def int, unit string, viewer *edgeUse) int {
	at, ok := r.d.pos(v)
	if !ok {
		return def
	}
	where := ""
	if viewer != nil {
		hi = viewerHi
		where = fmt.Sprintf(" at a viewer trigger (the function runs at %s, line %d)", viewer.key, viewer.at.line)
	}
	if *v < lo || *v > hi {
		r.d.errorf(at, "%s must be %s%s, found %d", prop, rangeText(lo, hi, unit), where, *v)
		return def
	}
	return *v
}

// rangeText writes the range lo..hi for messages.
func rangeText(lo, hi int, unit string) string {
	if lo == hi {
		return fmt.Sprintf("%d %s", lo, unit)
	}
	return fmt.Sprintf("between %d and %d %s", lo, hi, unit)
}

// firstViewerUse returns the use at a viewer trigger written first, or
// nil when there is none.
func firstViewerUse(uses []edgeUse) *edgeUse {
	var first *edgeUse
	for i := range uses {
		u := &uses[i]
		if u.trigger.Viewer() && (first == nil || u.at.before(first.at)) {
			first = u
		}
	}
	return first
}

// triggersOf returns the triggers of uses, each once, in firing order.
func triggersOf(uses []edgeUse) []Trigger {
	var ts []Trigger
	for _, t := range triggers {
		if slices.ContainsFunc(uses, func(u edgeUse) bool { return u.trigger == t }) {
			ts = append(ts, t)
		}
	}
	return ts
}

// mixedViewer reports a behaviour whose viewer triggers hold a cdn-function
// and an edge-lambda-function, which CloudFront does not allow, at the
// association written last.
func (r *resolver) mixedViewer(ef *EdgeFunctions, fs Functions) {
	req, resp := fs.ViewerRequest, fs.ViewerResponse
	if req == nil || resp == nil || req.Type == resp.Type {
		return
	}
	reqAt, _ := r.d.pos(&ef.OnRequest.Function)
	respAt, _ := r.d.pos(&ef.OnResponse.Function)
	at, key, ref, otherKey, other, otherAt := respAt, "onResponse", resp, "onRequest", req, reqAt
	if respAt.before(reqAt) {
		at, key, ref, otherKey, other, otherAt = reqAt, "onRequest", req, "onResponse", resp, respAt
	}
	r.d.errorf(at, "%s: %s %q cannot be combined with %s %q at %s (line %d): CloudFront does not mix CloudFront Functions and Lambda@Edge at the viewer triggers of one behaviour; use the same type at both",
		key, ref.Type, ref.Name, other.Type, other.Name, otherKey, otherAt.line)
}
