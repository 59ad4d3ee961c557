package lambdaedge

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/verge-edge/verge/internal/edge"
)

// invalid is a result that fails CloudFront's validation: a 502.
func invalid(format string, args ...any) error {
	return &edge.FuncError{Status: http.StatusBadGateway, Type: ErrValidation, Detail: prefixValidation + fmt.Sprintf(format, args...)}
}

// invalidJSON is a result that is not a JSON object: a 502.
func invalidJSON(detail string) error {
	return &edge.FuncError{Status: http.StatusBadGateway, Type: ErrValidation, Detail: prefixJSON + detail}
}

// kindOf returns the first byte of a JSON value ('{', '[', '"', 'n', 't',
// 'f', or a digit or '-'), 0 for none.
func kindOf(raw json.RawMessage) byte {
	for _, c := range raw {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c
	}
	return 0
}

// isAbsent reports whether a property is missing or null.
func isAbsent(raw json.RawMessage) bool { return kindOf(raw) == 0 || kindOf(raw) == 'n' }

// asObject returns a JSON object's properties (names case-sensitive, as in
// JavaScript; a repeated name keeps its last value).
func asObject(raw json.RawMessage) (map[string]json.RawMessage, bool) {
	if kindOf(raw) != '{' {
		return nil, false
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return nil, false
	}
	return obj, true
}

func asString(raw json.RawMessage) (string, bool) {
	var s string
	if kindOf(raw) != '"' || json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// asInt returns an integral JSON number.
func asInt(raw json.RawMessage) (int, bool) {
	k := kindOf(raw)
	if k != '-' && (k < '0' || k > '9') {
		return 0, false
	}
	var f float64
	if json.Unmarshal(raw, &f) != nil || f != math.Trunc(f) || math.Abs(f) > 1<<31 {
		return 0, false
	}
	return int(f), true
}

// onlyFields fails when obj has a property not in names: CloudFront
// rejects extra fields (specs §2.6).
func onlyFields(obj map[string]json.RawMessage, what string, names ...string) error {
	for name := range obj {
		if !slices.Contains(names, name) {
			return invalid("%s has the unexpected field %q", what, name)
		}
	}
	return nil
}

// statusOf reads a status, a string or a number (specs §7.3), between 200
// and 599.
func statusOf(raw json.RawMessage) (int, error) {
	n, ok := asInt(raw)
	if s, isStr := asString(raw); isStr {
		var err error
		n, err = strconv.Atoi(strings.TrimSpace(s))
		ok = err == nil
	}
	if !ok {
		return 0, invalid("status must be an integer or a string holding one")
	}
	if n < MinStatus || n > MaxStatus {
		return 0, invalid("status %d is not between %d and %d", n, MinStatus, MaxStatus)
	}
	return n, nil
}

// optString reads an optional string property; what names it in errors.
func optString(obj map[string]json.RawMessage, name, what string) (string, bool, error) {
	raw, ok := obj[name]
	if !ok || isAbsent(raw) {
		return "", false, nil
	}
	s, ok := asString(raw)
	if !ok {
		return "", false, invalid("%s.%s must be a string", what, name)
	}
	return s, true, nil
}
