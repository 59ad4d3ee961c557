package httpapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// Response is what the gateway sends the client.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// ErrMalformed wraps every reason a function's result is not a response;
// answer it with MalformedResponse.
var ErrMalformed = errors.New("httpapi: malformed Lambda proxy response")

// Response returns the failure as a Response.
func (f Failure) Response() Response {
	body, _ := json.Marshal(map[string]string{"message": f.Message})
	return Response{
		Status: f.Status,
		Header: http.Header{"Content-Type": {contentTypeJSON}},
		Body:   body,
	}
}

// Write sends the response; Content-Length is computed from the body.
func (r Response) Write(w http.ResponseWriter) error {
	h := w.Header()
	for k, vs := range r.Header {
		h[k] = append(h[k], vs...)
	}
	h.Set("Content-Length", strconv.Itoa(len(r.Body)))
	w.WriteHeader(r.Status)
	if _, err := w.Write(r.Body); err != nil {
		return fmt.Errorf("httpapi: writing response: %w", err)
	}
	return nil
}

// Result maps a function's outcome to the client's response: a function
// error gives FunctionError, a result that does not parse in the format
// gives MalformedResponse.
func Result(format string, result []byte, fnErr bool) Response {
	if fnErr {
		return FunctionError.Response()
	}
	parse := ParseResponseV2
	if format == FormatV1 {
		parse = ParseResponseV1
	}
	resp, err := parse(result)
	if err != nil {
		return MalformedResponse.Response()
	}
	return resp
}

// proxyResponse is the structured result of both formats; fields are raw
// so that wrong types are reported, not zeroed.
type proxyResponse struct {
	StatusCode        json.RawMessage              `json:"statusCode"`
	Headers           map[string]json.RawMessage   `json:"headers"`
	MultiValueHeaders map[string][]json.RawMessage `json:"multiValueHeaders"`
	Cookies           []string                     `json:"cookies"`
	Body              *string                      `json:"body"`
	IsBase64Encoded   bool                         `json:"isBase64Encoded"`
}

// ParseResponseV2 maps a payload format 2.0 result. An object with
// statusCode is a response; any other JSON value is inferred as 200,
// content-type application/json, with the value as the body (a string's
// text as is, anything else its JSON text).
func ParseResponseV2(result []byte) (Response, error) {
	result = bytes.TrimSpace(result)
	if !json.Valid(result) {
		return Response{}, fmt.Errorf("%w: not JSON", ErrMalformed)
	}
	if result[0] == '{' {
		var probe map[string]json.RawMessage
		if err := json.Unmarshal(result, &probe); err != nil {
			return Response{}, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		if _, ok := probe["statusCode"]; ok {
			return parseStructured(result, false)
		}
	}
	body := result
	if result[0] == '"' {
		var s string
		_ = json.Unmarshal(result, &s) // valid JSON string, checked above
		body = []byte(s)
	}
	return Response{
		Status: http.StatusOK,
		Header: http.Header{"Content-Type": {contentTypeJSON}},
		Body:   bytes.Clone(body),
	}, nil
}

// ParseResponseV1 maps a payload format 1.0 result: an object with a
// statusCode, headers merged with multiValueHeaders.
func ParseResponseV1(result []byte) (Response, error) {
	result = bytes.TrimSpace(result)
	if len(result) == 0 || result[0] != '{' {
		return Response{}, fmt.Errorf("%w: not a JSON object", ErrMalformed)
	}
	return parseStructured(result, true)
}

func parseStructured(result []byte, v1 bool) (Response, error) {
	var pr proxyResponse
	if err := json.Unmarshal(result, &pr); err != nil {
		return Response{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	status, err := statusCode(pr.StatusCode)
	if err != nil {
		return Response{}, err
	}
	h := http.Header{}
	if v1 {
		// Both maps merge; a pair present in both appears once.
		for k, vs := range pr.MultiValueHeaders {
			for _, raw := range vs {
				v, err := scalar(raw)
				if err != nil {
					return Response{}, fmt.Errorf("%w: multiValueHeaders[%q]: %v", ErrMalformed, k, err)
				}
				h.Add(k, v)
			}
		}
	}
	for k, raw := range pr.Headers {
		v, err := scalar(raw)
		if err != nil {
			return Response{}, fmt.Errorf("%w: headers[%q]: %v", ErrMalformed, k, err)
		}
		if !contains(h.Values(k), v) {
			h.Add(k, v)
		}
	}
	if !v1 {
		for _, c := range pr.Cookies {
			h.Add("Set-Cookie", c)
		}
	}
	for _, k := range hopByHop {
		h.Del(k)
	}
	var body []byte
	if pr.Body != nil {
		body = []byte(*pr.Body)
		if pr.IsBase64Encoded {
			if body, err = base64.StdEncoding.DecodeString(*pr.Body); err != nil {
				return Response{}, fmt.Errorf("%w: body: %v", ErrMalformed, err)
			}
		}
	}
	return Response{Status: status, Header: h, Body: body}, nil
}

// statusCode accepts an integer (or a string holding one) in 100..599.
func statusCode(raw json.RawMessage) (int, error) {
	var n int
	if err := json.Unmarshal(raw, &n); err != nil {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return 0, fmt.Errorf("%w: statusCode %s is not an integer", ErrMalformed, raw)
		}
		if n, err = strconv.Atoi(s); err != nil {
			return 0, fmt.Errorf("%w: statusCode %s is not an integer", ErrMalformed, raw)
		}
	}
	if n < 100 || n > 599 {
		return 0, fmt.Errorf("%w: statusCode %d out of range", ErrMalformed, n)
	}
	return n, nil
}

// scalar renders a header value: strings as is, numbers and booleans as
// their JSON text; objects, arrays and null are errors.
func scalar(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", errors.New("empty value")
	}
	switch raw[0] {
	case '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case '{', '[', 'n':
		return "", fmt.Errorf("value %s is not a string", raw)
	}
	return string(raw), nil
}

func contains(vs []string, v string) bool {
	for _, x := range vs {
		if x == v {
			return true
		}
	}
	return false
}
