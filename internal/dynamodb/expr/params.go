package expr

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
)

// Params are a request's ExpressionAttributeNames and
// ExpressionAttributeValues, and which of them its expressions used.
type Params struct {
	names      map[string]string
	values     map[string]attr.Value
	usedNames  map[string]bool
	usedValues map[string]bool
}

// NewParams checks names and values as AWS does (a map given must not be
// empty; keys start with # and : and are words) and returns Params for
// parsing a request's expressions. Either map may be nil.
func NewParams(names map[string]string, values map[string]attr.Value) (*Params, error) {
	if names != nil && len(names) == 0 {
		return nil, invalid(msgEmptyNames)
	}
	if values != nil && len(values) == 0 {
		return nil, invalid(msgEmptyValues)
	}
	for _, k := range sortedKeys(names) {
		if !isPlaceholder(k, '#') {
			return nil, invalid(msgBadNameKey, k)
		}
	}
	for _, k := range sortedKeys(values) {
		if !isPlaceholder(k, ':') {
			return nil, invalid(msgBadValueKey, k)
		}
	}
	return &Params{names: names, values: values, usedNames: map[string]bool{}, usedValues: map[string]bool{}}, nil
}

// isPlaceholder reports whether k is sigil followed by word characters.
func isPlaceholder(k string, sigil byte) bool {
	return len(k) > 1 && k[0] == sigil && scanWord(k, 1) == len(k)
}

// Unused returns AWS's error for names or values no expression parsed
// through p used, or nil. Call it after parsing every expression of the
// request.
func (p *Params) Unused() error {
	if u := unused(sortedKeys(p.names), p.usedNames); u != "" {
		return invalid(msgUnusedNames, u)
	}
	if u := unused(sortedKeys(p.values), p.usedValues); u != "" {
		return invalid(msgUnusedValues, u)
	}
	return nil
}

func unused(keys []string, used map[string]bool) string {
	var out []string
	for _, k := range keys {
		if !used[k] {
			out = append(out, k)
		}
	}
	return strings.Join(out, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// DecodeValues decodes a request's ExpressionAttributeValues, naming the
// key of a value that is invalid as AWS does.
func DecodeValues(raw map[string]json.RawMessage) (map[string]attr.Value, error) {
	if raw == nil {
		return nil, nil
	}
	values := make(map[string]attr.Value, len(raw))
	for _, k := range sortedKeys(raw) {
		var v attr.Value
		if err := v.UnmarshalJSON(raw[k]); err != nil {
			var e *attr.Error
			if errors.As(err, &e) && e.Code == attr.CodeValidation {
				return nil, invalid(msgBadValue, e.Message, k)
			}
			return nil, fromAttr(err)
		}
		values[k] = v
	}
	return values, nil
}
