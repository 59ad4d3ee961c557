package engine

import (
	"context"

	"github.com/verge-edge/verge/internal/cff"
	"github.com/verge-edge/verge/internal/edge"
	"github.com/verge-edge/verge/internal/lambdaedge"
	"github.com/verge-edge/verge/internal/stack"
)

// edgeFuncsOptions configure the edge's function runners.
type edgeFuncsOptions struct {
	cdn    cff.RunnerOptions
	lambda lambdaedge.RunnerOptions
}

// edgeFuncs are the function runtimes the edge needs for a plan, one per
// kind, behind one edge.Runner that picks by the association's type; nil
// when the plan has no functions at the edge.
type edgeFuncs struct {
	cdn    *cff.Runner // nil without cdn-functions
	lambda *lambdaedge.Runner
}

func newFunctions(plan *stack.Plan, opts edgeFuncsOptions) (*edgeFuncs, error) {
	if !hasFunctions(plan) {
		return nil, nil
	}
	f := &edgeFuncs{lambda: lambdaedge.NewRunner(opts.lambda)}
	if len(plan.CDNFunctions) > 0 {
		r, err := cff.NewRunner(plan, opts.cdn)
		if err != nil {
			return nil, err
		}
		f.cdn = r
	}
	return f, nil
}

func hasFunctions(plan *stack.Plan) bool {
	if len(plan.CDNFunctions) > 0 || len(plan.EdgeLambdaFunctions) > 0 {
		return true
	}
	for _, d := range plan.Distributions {
		for _, b := range d.Behaviors {
			f := b.Functions
			if f.ViewerRequest != nil || f.OriginRequest != nil || f.OriginResponse != nil || f.ViewerResponse != nil {
				return true
			}
		}
	}
	return false
}

// runner is the edge.Runner, or a nil interface when there are no functions.
func (f *edgeFuncs) runner() edge.Runner {
	if f == nil {
		return nil
	}
	return f
}

// pick returns the runner for fn's kind.
func (f *edgeFuncs) pick(fn *stack.FunctionRef) edge.Runner {
	if fn.Type == stack.TypeEdgeLambdaFunction || f.cdn == nil {
		return f.lambda
	}
	return f.cdn
}

// Request runs fn at a request trigger with the runner of its kind.
func (f *edgeFuncs) Request(ctx context.Context, t stack.Trigger, fn *stack.FunctionRef, req *edge.Request) (*edge.Response, error) {
	return f.pick(fn).Request(ctx, t, fn, req)
}

// Response runs fn at a response trigger with the runner of its kind.
func (f *edgeFuncs) Response(ctx context.Context, t stack.Trigger, fn *stack.FunctionRef, req *edge.Request, resp *edge.Response) error {
	return f.pick(fn).Response(ctx, t, fn, req, resp)
}

// Close releases the runtimes (the function service that runs the
// edge-lambda-functions is closed by its owner).
func (f *edgeFuncs) Close() {
	if f != nil && f.cdn != nil {
		f.cdn.Close()
	}
}
