package functions

import (
	"encoding/json"
	"strings"
)

// A Tap sees what functions do as it happens, for the developer's terminal:
// every line a sandbox prints (and Verge's START, END and REPORT lines),
// and every error a function reports. Its methods are called from the
// sandboxes' goroutines and must not block.
type Tap interface {
	// Line is one line of a function's log, as stored.
	Line(function, line string)
	// Failed is a function error: its type, message and stack, as the
	// runtime reported them (Lambda's errorType, errorMessage, stackTrace).
	Failed(function, errorType, message string, stack []string)
}

// errorDoc is the error document a runtime reports. Node's runtime calls
// the stack "trace", the others "stackTrace".
type errorDoc struct {
	ErrorType    string   `json:"errorType"`
	ErrorMessage string   `json:"errorMessage"`
	StackTrace   []string `json:"stackTrace"`
	Trace        []string `json:"trace"`
}

// tapFailed tells the tap about a failed invocation whose answer is
// payload; errType stands in when the payload is not an error document.
func (s *Service) tapFailed(fn, errType string, payload []byte) {
	if s.opts.Tap == nil {
		return
	}
	var d errorDoc
	if json.Unmarshal(payload, &d) != nil || d.ErrorMessage == "" && d.ErrorType == "" {
		d.ErrorMessage = strings.TrimSpace(string(payload))
	}
	if d.ErrorType == "" {
		d.ErrorType = errType
	}
	stack := d.StackTrace
	if len(stack) == 0 {
		stack = d.Trace
	}
	s.opts.Tap.Failed(fn, d.ErrorType, d.ErrorMessage, stack)
}
