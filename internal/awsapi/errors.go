package awsapi

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/google/uuid"
)

// awsError is an entry of the catalog of Lambda's errors: the exception
// name the SDKs match on and its HTTP status.
type awsError struct {
	Code   string
	Status int
	Type   string // "User" or "Service", as Lambda's bodies say
}

// The catalog.
var (
	errNotFound       = awsError{"ResourceNotFoundException", http.StatusNotFound, "User"}
	errTooLarge       = awsError{"RequestTooLargeException", http.StatusRequestEntityTooLarge, "User"}
	errInvalidContent = awsError{"InvalidRequestContentException", http.StatusBadRequest, "User"}
	errInvalidParam   = awsError{"InvalidParameterValueException", http.StatusBadRequest, "User"}
	errThrottled      = awsError{"TooManyRequestsException", http.StatusTooManyRequests, "User"}
	errRuntime        = awsError{"InvalidRuntimeException", http.StatusBadGateway, "User"}
	errService        = awsError{"ServiceException", http.StatusInternalServerError, "Service"}
	errUnrecognized   = awsError{"UnrecognizedClientException", http.StatusForbidden, "User"}
	errSignature      = awsError{"InvalidSignatureException", http.StatusForbidden, "User"}
)

// Refuse writes Lambda's error for refused credentials when r is a Lambda
// API request, and reports whether it was: badSignature for a signature
// that does not verify, else the credentials are missing or unknown.
func Refuse(w http.ResponseWriter, r *http.Request, badSignature bool, msg string) bool {
	if !strings.HasPrefix(r.URL.Path, pathPrefix) {
		return false
	}
	e := errUnrecognized
	if badSignature {
		e = errSignature
	}
	writeError(w, e, msg, "")
	return true
}

// errorBody is Lambda's error document. The SDKs read the exception name
// from X-Amzn-ErrorType and the message from "message".
type errorBody struct {
	Type    string `json:"Type"`
	Message string `json:"message"`
	Reason  string `json:"Reason,omitempty"`
}

func writeError(w http.ResponseWriter, e awsError, msg, reason string) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set(HeaderErrorType, e.Code)
	if h.Get(HeaderRequestID) == "" {
		h.Set(HeaderRequestID, uuid.NewString())
	}
	w.WriteHeader(e.Status)
	json.NewEncoder(w).Encode(errorBody{Type: e.Type, Message: msg, Reason: reason})
}
