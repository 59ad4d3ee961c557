package awsapi

import (
	"net/http"
	"strings"
)

// managed answers a write to Lambda's functions: the stack file defines
// them, and Verge applies it whenever it changes.
func managed(op string) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		what := "functions"
		if strings.Contains(op, "EventSourceMapping") {
			what = "event source mappings (a function's events)"
		}
		return errInvalidParam.Withf("%s is not available: Verge manages %s from the stack file; change it there and Verge applies it (verge dev reloads on save)", op, what)
	}
}
