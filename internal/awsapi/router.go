package awsapi

import "net/http"

// Register adds the Lambda API's routes to mux. The admin listener serves
// them, behind its token check.
func Register(mux *http.ServeMux, fns Invoker) {
	mux.Handle(PathInvoke, invokeHandler{fns})
}
