package engine

import (
	"context"
	"log/slog"
	"sync"

	"github.com/verge-edge/verge/internal/functions"
	"github.com/verge-edge/verge/internal/sandbox"
	"github.com/verge-edge/verge/internal/stack"
)

// functionsPart runs the function resources and the edge-lambda-functions'
// replicas. It comes first: a function is ready before the edge, a front
// door or an event source routes to it.
type functionsPart struct {
	svc *functions.Service
	log *slog.Logger
	// said is set once the sandboxes' mechanisms are logged.
	said sync.Once
}

func (p *functionsPart) Prepare(ctx context.Context, plan *stack.Plan) (Change, error) {
	if len(plan.Functions) == 0 && len(plan.EdgeLambdaFunctions) == 0 && len(p.svc.Names()) == 0 {
		return change{}, nil
	}
	p.said.Do(func() { p.log.Info("sandboxes", "mechanisms", sandbox.Mechanisms().String()) })
	st, err := p.svc.Prepare(ctx, plan)
	if err != nil {
		return nil, err
	}
	return st, nil
}

// Close stops every sandbox (it waits for them; ctx does not shorten it).
func (p *functionsPart) Close(context.Context) error { return p.svc.Close() }
