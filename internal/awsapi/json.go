package awsapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
)

// The JSON protocols' request bodies, read whole: the largest Verge serves
// is PutEvents' (256 KiB of entries, escaped).
const maxJSONRequest = 2 << 20

// peekJSON decodes r's JSON body into v and puts the body back for the
// handler (the router reads resource ARNs before the handler runs); false
// when it cannot.
func peekJSON(r *http.Request, v any) bool {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxJSONRequest+1))
	r.Body = io.NopCloser(bytes.NewReader(b))
	return err == nil && json.Unmarshal(b, v) == nil
}

// readJSON decodes an operation's JSON body into v; an empty body is {}.
func readJSON(r *http.Request, v any) error {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxJSONRequest+1))
	switch {
	case err != nil:
		return ErrSerialization.With("reading the request: " + err.Error())
	case len(b) > maxJSONRequest:
		return ErrSerialization.With("the request is larger than " + strconv.Itoa(maxJSONRequest) + " bytes")
	case len(bytes.TrimSpace(b)) == 0:
		return nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return ErrSerialization.With("the request is not valid JSON for this operation: " + err.Error())
	}
	return nil
}
