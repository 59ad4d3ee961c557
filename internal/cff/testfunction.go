package cff

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/verge-edge/verge/internal/errs"
)

// TestResult is the TestResult of CloudFront's TestFunction, which
// `verge test-function` prints (specs §3.3). FunctionSummary is left out.
type TestResult struct {
	// ComputeUtilization is an integer percentage from "0" to "100"; see
	// FormatUtilization.
	ComputeUtilization string `json:"ComputeUtilization"`
	// FunctionExecutionLogs are the lines the function logged.
	FunctionExecutionLogs []string `json:"FunctionExecutionLogs"`
	// FunctionErrorMessage is the error the function threw, or "".
	FunctionErrorMessage string `json:"FunctionErrorMessage"`
	// FunctionOutput is what the function returned, as FormatOutput
	// writes it, or "" when it threw.
	FunctionOutput string `json:"FunctionOutput"`
}

// MarshalJSON writes no logs as [], as TestFunction does, rather than null.
func (r TestResult) MarshalJSON() ([]byte, error) {
	type plain TestResult
	if r.FunctionExecutionLogs == nil {
		r.FunctionExecutionLogs = []string{}
	}
	return json.Marshal(plain(r))
}

// FormatUtilization returns compute utilization as TestFunction shows it:
// the time used as a percentage of the time allowed, rounded to the nearest
// integer and capped at 100. Up to 50 is fine, 51–70 is close to the limit,
// and above 70 the function is likely to be throttled.
func FormatUtilization(used, allowed time.Duration) string {
	switch {
	case used <= 0 || allowed <= 0:
		return "0"
	case used >= allowed:
		return "100"
	}
	pct := (float64(used)*100 + float64(allowed)/2) / float64(allowed)
	return strconv.Itoa(int(pct))
}

// FormatOutput returns what a function returned (out, as JSON) as
// TestFunction's FunctionOutput shows it (specs §3.3): {"request": …} or
// {"response": …} and nothing else, the response when the event type is
// viewer-response or the result has a statusCode. Unknown properties are
// dropped (the "multivalue" of AWS's sample events among them); a missing
// querystring, headers or cookies is {}; a string body is shown as
// {"encoding":"text","data":…}, and a querystring string as the parameters
// it holds. Like TestFunction it does not validate the result against
// CloudFront's rules; a result of the wrong shape (not an object, a header
// that is not {value}, …) fails with the *edge.FuncError that
// ApplyRequestResult would return. An event type other than viewer-request
// or viewer-response is an errs.Invalid error.
func FormatOutput(eventType string, out []byte) (string, error) {
	const op errs.Op = "cff.FormatOutput"
	if eventType != ViewerRequest && eventType != ViewerResponse {
		return "", errs.E(op, errs.Invalid, errs.Errorf("event type %q: want %s or %s", eventType, ViewerRequest, ViewerResponse))
	}
	o, err := resultObject(out)
	if err != nil {
		return "", err
	}
	var w writer
	wo := w.open()
	if o.get("statusCode") != nil || eventType == ViewerResponse {
		wo.key("response")
		err = w.normResponse(o, outputResponseOrder)
	} else {
		wo.key("request")
		err = w.normRequest(o, outputRequestOrder)
	}
	if err != nil {
		return "", err
	}
	wo.close()
	return string(w.b), nil
}

// The order of properties in TestFunction's recorded outputs.
var (
	outputRequestOrder  = []string{"headers", "method", "querystring", "uri", "cookies"}
	outputResponseOrder = []string{"headers", "statusDescription", "cookies", "statusCode", "body"}
)

// normRequest writes a request object with only the properties CloudFront
// knows, in the given order.
func (w *writer) normRequest(o object, order []string) error {
	wo := w.open()
	for _, k := range order {
		v := o.get(k)
		switch k {
		case "method", "uri":
			if err := w.normString(&wo, k, v); err != nil {
				return err
			}
		case "querystring":
			if s, ok := v.string(); ok {
				wo.key(k).writeFields(parseQuery(strings.TrimPrefix(s, "?")), false)
				continue
			}
			if err := wo.key(k).normFields(v, false, k); err != nil {
				return err
			}
		case "headers", "cookies":
			if err := wo.key(k).normFields(v, false, k); err != nil {
				return err
			}
		}
	}
	wo.close()
	return nil
}

// normResponse writes a response object with only the properties
// CloudFront knows, in the given order.
func (w *writer) normResponse(o object, order []string) error {
	wo := w.open()
	for _, k := range order {
		v := o.get(k)
		switch k {
		case "statusCode":
			switch v.kind() {
			case kindNone, kindNull:
			case kindNumber:
				wo.key(k).raw(v.str)
			default:
				return invalid("statusCode must be an integer")
			}
		case "statusDescription":
			if err := w.normString(&wo, k, v); err != nil {
				return err
			}
		case "headers":
			if err := wo.key(k).normFields(v, false, k); err != nil {
				return err
			}
		case "cookies":
			if err := wo.key(k).normFields(v, true, k); err != nil {
				return err
			}
		case "body":
			if err := w.normBody(&wo, v); err != nil {
				return err
			}
		}
	}
	wo.close()
	return nil
}

// normString writes the string property k when it is there and not null.
func (w *writer) normString(o *obj, k string, v *value) error {
	if v.absent() {
		return nil
	}
	s, ok := v.string()
	if !ok {
		return invalid("%s must be a string", k)
	}
	o.key(k).str(s)
	return nil
}

// normFields writes a querystring, headers or cookies object with each
// field's known properties; absent or null is {}.
func (w *writer) normFields(v *value, attrs bool, what string) error {
	if v.absent() {
		w.raw("{}")
		return nil
	}
	o, ok := v.object()
	if !ok {
		return invalid("%s must be an object", what)
	}
	fo := w.open()
	for _, m := range o {
		f, err := decodeWire(m.val, attrs, fieldPath(what, m.key))
		if err != nil {
			return err
		}
		vo := fo.key(m.key).open()
		if f.hasValue {
			vo.key("value").str(f.value)
		}
		if attrs && f.attrs != "" {
			vo.key("attributes").str(f.attrs)
		}
		if f.mv != nil {
			w.writeMultiValue(vo, f.mv, attrs)
		}
		vo.close()
	}
	fo.close()
	return nil
}

// normBody writes a body as {encoding, data}: a string is text, and an
// object without an encoding is text too.
func (w *writer) normBody(o *obj, v *value) error {
	if v.absent() {
		return nil
	}
	enc, data := "text", ""
	if s, ok := v.string(); ok {
		data = s
	} else {
		bo, ok := v.object()
		if !ok {
			return invalid("body must be a string or an object")
		}
		if e := bo.get("encoding"); !e.absent() {
			if enc, ok = e.string(); !ok {
				return invalid("body.encoding must be a string")
			}
		}
		if data, ok = bo.get("data").string(); !ok {
			return invalid("body.data must be a string")
		}
	}
	b := o.key("body").open()
	b.key("encoding").str(enc)
	b.key("data").str(data)
	b.close()
	return nil
}
