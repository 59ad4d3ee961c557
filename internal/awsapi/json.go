package awsapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"

	"github.com/verge-edge/verge/internal/sigv4"
)

// The JSON protocols' request bodies, read whole: the largest Verge serves
// is PutEvents' (256 KiB of entries, escaped).
const maxJSONRequest = 2 << 20

// peekJSON decodes r's JSON body into v and leaves the body for the
// handler (the router reads resource ARNs before the handler runs); false
// when it cannot.
func peekJSON(r *http.Request, v any) bool {
	b, err := requestBody(r)
	return err == nil && decodeJSON(b, v) == nil
}

// readJSON decodes an operation's JSON body into v; an empty body is {}.
func readJSON(r *http.Request, v any) error {
	b, err := requestBody(r)
	switch {
	case err != nil:
		return ErrSerialization.With("reading the request: " + err.Error())
	case len(b) > maxJSONRequest:
		return ErrSerialization.With("the request is larger than " + strconv.Itoa(maxJSONRequest) + " bytes")
	case len(bytes.TrimSpace(b)) == 0:
		return nil
	}
	if err := decodeJSON(b, v); err != nil {
		return ErrSerialization.With("the request is not valid JSON for this operation: " + err.Error())
	}
	return nil
}

// decodeJSON is json.Unmarshal, without reflection for the flat requests
// of a flatInput.
func decodeJSON(b []byte, v any) error {
	if f, ok := v.(flatInput); ok && decodeFlat(b, f.flatFields()) {
		return nil
	}
	return json.Unmarshal(b, v)
}

// requestBody is r's body (at most maxJSONRequest+1 bytes of it), read
// once: it stays in r.Body for the next reader, and a body already read
// whole (sigv4.Verify hashes it) is not copied again.
func requestBody(r *http.Request) ([]byte, error) { return readBody(r, maxJSONRequest) }

// readBody is requestBody with a limit of max (+1) bytes.
func readBody(r *http.Request, max int) ([]byte, error) {
	if sb, ok := r.Body.(*sigv4.Body); ok {
		if b, whole := sb.Bytes(); whole {
			return b[:min(len(b), max+1)], nil
		}
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, int64(max)+1))
	r.Body = sigv4.NewBody(b)
	return b, err
}

// appendJSONString appends s as json.Marshal writes it: as it is when it
// needs no escaping (ids, hashes), by json.Marshal otherwise.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
