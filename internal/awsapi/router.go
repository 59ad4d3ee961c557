package awsapi

import "net/http"

// Register adds the Lambda API's routes to mux. The admin listener serves
// them, behind its token check. queue takes asynchronous invocations
// (X-Amz-Invocation-Type: Event); nil refuses them.
func Register(mux *http.ServeMux, fns Invoker, queue Enqueuer) {
	mux.Handle(PathInvoke, invokeHandler{fns: fns, queue: queue})
}
