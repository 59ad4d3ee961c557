package functions

import (
	"encoding/json"
	"fmt"
	"time"
)

// errorPayload is the body Lambda returns for a function error raised
// outside the handler (timeouts, crashes, init failures).
type errorPayload struct {
	ErrorType    string `json:"errorType"`
	ErrorMessage string `json:"errorMessage"`
}

func (e errorPayload) marshal() []byte {
	b, _ := json.Marshal(e)
	return b
}

// timeoutPayload is Lambda's answer when an invocation runs out of time.
func timeoutPayload(requestID string, timeout time.Duration) []byte {
	return errorPayload{ErrTypeTimeout, fmt.Sprintf("RequestId: %s Error: %s", requestID, timeoutMessage(timeout))}.marshal()
}

// timeoutMessage is the message Lambda logs and returns.
func timeoutMessage(timeout time.Duration) string {
	return fmt.Sprintf("Task timed out after %.2f seconds", timeout.Seconds())
}

// exitPayload is Lambda's answer when the runtime exits during an
// invocation: Runtime.OutOfMemory when it ran out of memory.
func exitPayload(requestID string, oom bool, exit error) []byte {
	typ := ErrTypeExit
	if oom {
		typ = ErrTypeOutOfMemory
	}
	msg := "Runtime exited without providing a reason"
	if exit != nil {
		msg = "Runtime exited with error: " + exit.Error()
	}
	return errorPayload{typ, fmt.Sprintf("RequestId: %s Error: %s", requestID, msg)}.marshal()
}
