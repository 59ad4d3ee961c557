package attr

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"

	"github.com/verge-edge/verge/internal/jsonx"
)

// fastDecoding lets UnmarshalJSON and DecodeItem try the fast readers
// first; tests turn it off for the slow path alone, their oracle.
var fastDecoding = true

// UnmarshalJSON decodes v from DynamoDB's wire form, {"S":"x"} and so on,
// with AWS's validation. A member whose value is JSON null counts as
// absent, as AWS's deserialiser treats it.
func (v *Value) UnmarshalJSON(data []byte) error {
	if fastDecoding {
		l := NewLexer(data)
		if d := l.Value(0); l.End() {
			*v = d
			return nil
		}
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return serialization("Unexpected value type in payload")
	}
	var name string
	var body json.RawMessage
	count := 0
	for k, r := range raw {
		if string(r) == "null" {
			continue
		}
		if _, ok := ParseType(k); !ok {
			continue // unknown members are ignored, as AWS's SDK models do
		}
		count++
		name, body = k, r
	}
	switch {
	case count == 0:
		return invalidMsg(msgEmptyValue)
	case count > 1:
		return invalidMsg(msgTwoTypes)
	}
	t, _ := ParseType(name)
	d, err := decodeAs(t, body)
	if err != nil {
		return err
	}
	*v = d
	return nil
}

// decodeAs decodes body, the member of a value named by t.
func decodeAs(t Type, body json.RawMessage) (Value, error) {
	switch t {
	case S:
		var s string
		if json.Unmarshal(body, &s) != nil {
			return Value{}, serialization("S must be a string")
		}
		return Str(s), nil
	case N:
		var s string
		if json.Unmarshal(body, &s) != nil {
			return Value{}, serialization("N must be a string")
		}
		return ParseNum(s)
	case B:
		b, err := decodeBinary(body)
		return Bin(b), err
	case BOOL, NULL:
		var b bool
		if json.Unmarshal(body, &b) != nil {
			return Value{}, serialization(t.String() + " must be a boolean")
		}
		if t == NULL {
			if !b {
				return Value{}, invalidMsg(msgNullFalse)
			}
			return Null(), nil
		}
		return Boolean(b), nil
	case M:
		var m map[string]Value
		if err := json.Unmarshal(body, &m); err != nil {
			return Value{}, passOn(err, "M must be an object")
		}
		if m == nil {
			m = map[string]Value{}
		}
		return Map(m), nil
	case L:
		var l []Value
		if err := json.Unmarshal(body, &l); err != nil {
			return Value{}, passOn(err, "L must be an array")
		}
		if l == nil {
			l = []Value{}
		}
		return List(l...), nil
	}
	return decodeSet(t, body)
}

// decodeSet decodes an SS, NS or BS member.
func decodeSet(t Type, body json.RawMessage) (Value, error) {
	var members []json.RawMessage
	if json.Unmarshal(body, &members) != nil {
		return Value{}, serialization(t.String() + " must be an array")
	}
	if len(members) == 0 {
		return Value{}, invalidMsg(map[Type]string{SS: msgEmptySS, NS: msgEmptyNS, BS: msgEmptyBS}[t])
	}
	set := make([]string, len(members))
	shown := make([]string, len(members))
	for i, m := range members {
		var s string
		switch t {
		case BS:
			b, err := decodeBinary(m)
			if err != nil {
				return Value{}, err
			}
			s = string(b)
			shown[i] = base64.StdEncoding.EncodeToString(b)
		default:
			if json.Unmarshal(m, &s) != nil {
				return Value{}, serialization(t.String() + " members must be strings")
			}
			shown[i] = s
			if t == NS {
				n, err := ParseNumber(s)
				if err != nil {
					return Value{}, err
				}
				s = n.String()
			}
		}
		set[i] = s
	}
	if hasDuplicates(set) {
		list := "[" + strings.Join(shown, ", ") + "]"
		switch t {
		case NS:
			return Value{}, invalidMsg(msgDuplicatesNS)
		case BS:
			return Value{}, invalid(msgDuplicatesBS, list)
		}
		return Value{}, invalid(msgDuplicatesFmt, list)
	}
	return Value{Type: t, Set: set}, nil
}

func hasDuplicates(set []string) bool {
	s := slices.Clone(set)
	slices.Sort(s)
	for i := 1; i < len(s); i++ {
		if s[i] == s[i-1] {
			return true
		}
	}
	return false
}

func decodeBinary(body json.RawMessage) ([]byte, error) {
	var s string
	if json.Unmarshal(body, &s) != nil {
		return nil, serialization("B must be a base64 string")
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, serialization("Base64 encoded value is invalid")
	}
	return b, nil
}

// passOn returns err when it is already one of ours (a nested value's
// validation), else a SerializationException with msg.
func passOn(err error, msg string) error {
	if e, ok := err.(*Error); ok {
		return e
	}
	return serialization(msg)
}

func serialization(msg string) *Error { return &Error{Code: CodeSerialization, Message: msg} }

// MarshalJSON encodes v in DynamoDB's wire form.
func (v Value) MarshalJSON() ([]byte, error) { return v.AppendJSON(nil), nil }

// AppendJSON appends v's wire form to b. Map keys are sorted, so the
// output is deterministic.
func (v Value) AppendJSON(b []byte) []byte {
	b = append(b, '{')
	b = jsonx.AppendString(b, v.Type.String())
	b = append(b, ':')
	switch v.Type {
	case S, N:
		b = jsonx.AppendString(b, v.S)
	case B:
		b = appendBase64(b, v.B)
	case BOOL:
		b = appendBool(b, v.Bool)
	case NULL:
		b = append(b, "true"...)
	case L:
		b = append(b, '[')
		for i, x := range v.L {
			if i > 0 {
				b = append(b, ',')
			}
			b = x.AppendJSON(b)
		}
		b = append(b, ']')
	case M:
		b = AppendItemJSON(b, v.M)
	case SS, NS, BS:
		b = append(b, '[')
		for i, s := range v.Set {
			if i > 0 {
				b = append(b, ',')
			}
			if v.Type == BS {
				b = appendBase64(b, []byte(s))
			} else {
				b = jsonx.AppendString(b, s)
			}
		}
		b = append(b, ']')
	default:
		b = append(b, "null"...)
	}
	return append(b, '}')
}

// AppendItemJSON appends item as a JSON object of wire values, keys sorted.
func AppendItemJSON(b []byte, item Item) []byte {
	keys := make([]string, 0, len(item))
	for k := range item {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonx.AppendString(b, k)
		b = append(b, ':')
		b = item[k].AppendJSON(b)
	}
	return append(b, '}')
}

// DecodeItem decodes a JSON object of wire values.
func DecodeItem(data []byte) (Item, error) {
	if fastDecoding {
		if item, ok := FastDecodeItem(data); ok {
			return item, nil
		}
	}
	var item Item
	if err := json.Unmarshal(data, &item); err != nil {
		return nil, passOn(err, "Item must be an object")
	}
	return item, nil
}

func appendBase64(b []byte, data []byte) []byte {
	b = append(b, '"')
	b = base64.StdEncoding.AppendEncode(b, data)
	return append(b, '"')
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, "true"...)
	}
	return append(b, "false"...)
}
