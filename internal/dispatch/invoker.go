package dispatch

import (
	"context"

	"github.com/verge-edge/verge/internal/functions"
	"github.com/verge-edge/verge/internal/functions/async"
)

// Invoker lets the queue run attempts on the function service, each with
// the request id the event was accepted with.
func Invoker(fns *functions.Service) async.Invoker { return invoker{fns} }

type invoker struct{ fns *functions.Service }

func (i invoker) Invoke(ctx context.Context, function, requestID string, payload []byte) (async.Result, error) {
	resp, err := i.fns.Invoke(ctx, &functions.Request{Function: function, RequestID: requestID, Payload: payload})
	if err != nil {
		return async.Result{}, err
	}
	return async.Result{Payload: resp.Payload, FunctionError: resp.FunctionError, ErrorType: resp.ErrorType}, nil
}
