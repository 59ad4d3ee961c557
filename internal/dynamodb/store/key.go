package store

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"unicode/utf8"
)

// An Attr is a key attribute: its name and type (TypeS, TypeN or TypeB).
type Attr struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// A KeySchema is a table's primary key: a partition key and an optional
// sort key (Sort.Name "" for none).
type KeySchema struct {
	Partition Attr `json:"partition"`
	Sort      Attr `json:"sort,omitzero"`
}

// validate checks the schema's names and types.
func (k KeySchema) validate() error {
	for _, a := range k.attrs() {
		if a.Name == "" {
			return fail(CodeValidation, "key attribute names must not be empty")
		}
		if a.Type != TypeS && a.Type != TypeN && a.Type != TypeB {
			return fail(CodeValidation, "key attribute %s has type %q: it must be S, N or B", a.Name, a.Type)
		}
	}
	if k.Sort.Name == k.Partition.Name {
		return fail(CodeValidation, "the partition and sort keys are both named %s", k.Sort.Name)
	}
	return nil
}

// attrs lists the key attributes, partition key first.
func (k KeySchema) attrs() []Attr {
	if k.Sort.Name == "" {
		return []Attr{k.Partition}
	}
	return []Attr{k.Partition, k.Sort}
}

// value is one attribute value of AWS's wire form, as far as keys need it.
type value struct {
	S *string `json:"S"`
	N *string `json:"N"`
	B *string `json:"B"` // base64
}

// appendValue appends the order-preserving encoding of the wire value raw
// ({"S":"a"}), which must be of type typ.
func appendValue(b []byte, name, typ string, raw json.RawMessage) ([]byte, error) {
	var v value
	if t, text, ok := wireScalar(raw); ok {
		s := string(text)
		switch t {
		case TypeS:
			v.S = &s
		case TypeN:
			v.N = &s
		case TypeB:
			v.B = &s
		}
	} else if err := json.Unmarshal(raw, &v); err != nil {
		return nil, fail(CodeValidation, "key attribute %s: %v", name, err)
	}
	switch {
	case typ == TypeS && v.S != nil && v.N == nil && v.B == nil:
		if *v.S == "" {
			return nil, fail(CodeValidation, "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: %s", name)
		}
		return appendBytes(b, []byte(*v.S)), nil
	case typ == TypeB && v.B != nil && v.S == nil && v.N == nil:
		d, err := base64.StdEncoding.DecodeString(*v.B)
		if err != nil {
			return nil, fail(CodeValidation, "key attribute %s: invalid base64", name)
		}
		if len(d) == 0 {
			return nil, fail(CodeValidation, "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty binary value. Key: %s", name)
		}
		return appendBytes(b, d), nil
	case typ == TypeN && v.N != nil && v.S == nil && v.B == nil:
		n, ok := parseNumber(*v.N)
		if !ok {
			return nil, fail(CodeValidation, "key attribute %s: %q is not a number DynamoDB can store", name, *v.N)
		}
		return appendNumber(b, n), nil
	}
	return nil, fail(CodeValidation, "The provided key element does not match the schema")
}

// wireScalar reads the compact form every item reaches the store in,
// {"S":"text"} (or N, B), when text needs no unescaping: a key value is
// decoded on every write, for the table and each index, and may be 2 KB.
// Anything else is left to encoding/json.
func wireScalar(raw []byte) (typ string, text []byte, ok bool) {
	n := len(raw)
	if n < 8 || raw[0] != '{' || raw[1] != '"' || raw[3] != '"' || raw[4] != ':' || raw[5] != '"' || raw[n-2] != '"' || raw[n-1] != '}' {
		return "", nil, false
	}
	switch raw[2] {
	case 'S':
		typ = TypeS
	case 'N':
		typ = TypeN
	case 'B':
		typ = TypeB
	default:
		return "", nil, false
	}
	text = raw[6 : n-2]
	for _, c := range text {
		if c < 0x20 || c == '"' || c == '\\' {
			return "", nil, false
		}
	}
	if !utf8.Valid(text) {
		return "", nil, false
	}
	return typ, text, true
}

// appendBytes appends s escaped (0x00 → 0x00 0xff) and terminated (0x00
// 0x01): byte order is kept and no encoding is a prefix of another's.
func appendBytes(b, s []byte) []byte {
	for {
		i := bytes.IndexByte(s, escByte)
		if i < 0 {
			b = append(b, s...)
			break
		}
		b = append(append(b, s[:i]...), escByte, escNext)
		s = s[i+1:]
	}
	return append(b, escByte, endNext)
}

// readBytes decodes a value encoded by appendBytes at the start of b.
func readBytes(b []byte) ([]byte, []byte, bool) {
	var out []byte
	for i := 0; i < len(b); i++ {
		if b[i] != escByte {
			out = append(out, b[i])
			continue
		}
		if i+1 == len(b) {
			return nil, nil, false
		}
		switch b[i+1] {
		case escNext:
			out = append(out, escByte)
			i++
		case endNext:
			return out, b[i+2:], true
		default:
			return nil, nil, false
		}
	}
	return nil, nil, false
}

// encodeKey returns the encoding of the key attributes in attrs, a map of
// wire values (an item or a key). With exact, attrs must hold the key
// attributes and nothing else, as GetItem's Key must.
func (k KeySchema) encodeKey(attrs map[string]json.RawMessage, exact bool) ([]byte, error) {
	want := k.attrs()
	if exact && len(attrs) != len(want) {
		return nil, fail(CodeValidation, "The provided key element does not match the schema")
	}
	var b []byte
	for _, a := range want {
		raw, ok := attrs[a.Name]
		if !ok {
			if exact {
				return nil, fail(CodeValidation, "The provided key element does not match the schema")
			}
			return nil, fail(CodeValidation, "One or more parameter values were invalid: Missing the key %s in the item", a.Name)
		}
		var err error
		if b, err = appendValue(b, a.Name, a.Type, raw); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// itemKey returns the encoded key of an item (JSON map of wire values).
func (k KeySchema) itemKey(item []byte) ([]byte, error) {
	m, ok := topLevel(item, k.names())
	if !ok {
		if err := json.Unmarshal(item, &m); err != nil || m == nil {
			return nil, fail(CodeValidation, "the item is not a map of attribute values")
		}
	}
	return k.encodeKey(m, false)
}

// names lists the key attributes' names.
func (k KeySchema) names() []string {
	if k.Sort.Name == "" {
		return []string{k.Partition.Name}
	}
	return []string{k.Partition.Name, k.Sort.Name}
}

// keyOf returns the encoded key of a key map (GetItem's Key).
func (k KeySchema) keyOf(key []byte) ([]byte, error) {
	if b, ok := k.fastKeyOf(key); ok {
		return b, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(key, &m); err != nil || m == nil {
		return nil, fail(CodeValidation, "the key is not a map of attribute values")
	}
	return k.encodeKey(m, true)
}

// fastKeyOf is keyOf of a key that is exactly the key attributes, found
// by a scan without decoding; ok is false for anything else, which is
// left to encoding/json and its errors.
func (k KeySchema) fastKeyOf(key []byte) ([]byte, bool) {
	names := k.names()
	m, n, ok := topLevelCount(key, names)
	if !ok || n != len(names) || len(m) != n {
		return nil, false
	}
	b, err := k.encodeKey(m, true)
	return b, err == nil
}

// startOf encodes an ExclusiveStartKey of the table: exactly its key.
func (k KeySchema) startOf(start []byte) ([]byte, error) {
	enc, err := k.keyOf(start)
	if err != nil {
		return nil, startInvalid(err)
	}
	return enc, nil
}

// partitionOf returns the encoded partition key value raw ({"S":"a"}),
// the prefix every item of that partition's key starts with.
func (k KeySchema) partitionOf(raw []byte) ([]byte, error) {
	return appendValue(nil, k.Partition.Name, k.Partition.Type, raw)
}

// partitionPart is the encoded partition key value an encoded key
// begins with: its item collection's prefix (partitionOf's answer).
func (k KeySchema) partitionPart(enc []byte) []byte {
	var rest []byte
	ok := false
	if k.Partition.Type == TypeN {
		_, rest, ok = readNumber(enc)
	} else {
		_, rest, ok = readBytes(enc)
	}
	if !ok {
		return enc
	}
	return enc[:len(enc)-len(rest)]
}

// decodeKey turns an encoded key back into its key map in wire form
// (LastEvaluatedKey; numbers in canonical form).
func (k KeySchema) decodeKey(enc []byte) ([]byte, bool) {
	m := make(map[string]map[string]string, 2)
	rest, ok := k.decodeInto(m, enc)
	if !ok || len(rest) != 0 {
		return nil, false
	}
	b, _ := json.Marshal(m)
	return b, true
}

// decodeInto decodes the key attributes encoded at the start of enc into
// m, and returns what follows them.
func (k KeySchema) decodeInto(m map[string]map[string]string, enc []byte) ([]byte, bool) {
	rest := enc
	for _, a := range k.attrs() {
		var s string
		switch a.Type {
		case TypeN:
			n, r, ok := readNumber(rest)
			if !ok {
				return nil, false
			}
			s, rest = n.String(), r
		default:
			v, r, ok := readBytes(rest)
			if !ok {
				return nil, false
			}
			rest = r
			s = string(v)
			if a.Type == TypeB {
				s = base64.StdEncoding.EncodeToString(v)
			}
		}
		m[a.Name] = map[string]string{a.Type: s}
	}
	return rest, true
}

// keyMap returns the key attributes of item as a key map in wire form,
// with the item's own spelling of each value (stream records' Keys).
func (k KeySchema) keyMap(item []byte) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(item, &m) != nil {
		return nil
	}
	out := make(map[string]json.RawMessage, 2)
	for _, a := range k.attrs() {
		if v, ok := m[a.Name]; ok {
			out[a.Name] = v
		}
	}
	b, _ := json.Marshal(out)
	return b
}
