package dynamodb

import (
	"encoding/json"
	"errors"

	"github.com/verge-edge/verge/internal/dynamodb/attr"
	"github.com/verge-edge/verge/internal/dynamodb/store"
)

// decode reads a request document into v. A document that is not JSON,
// or whose members have the wrong JSON types, is a
// SerializationException, as AWS answers it.
func decode(body []byte, v any) error {
	if len(body) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, v); err != nil {
		var ae *attr.Error
		if errors.As(err, &ae) {
			return ae // an attribute value's own error, as attr words it
		}
		return &Error{Code: CodeSerialization, Message: serializationMessage(err)}
	}
	return nil
}

// serializationMessage words a JSON error as AWS's SerializationException
// does, as far as the SDKs show it.
func serializationMessage(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return "Unexpected value type in payload: " + te.Field
	}
	return "Start of structure or map found where not expected"
}

// table returns the table named name: ResourceNotFoundException
// ("Requested resource not found") when there is none.
func (s *Service) table(name string) (store.Table, error) {
	t, err := s.st.Describe(name)
	if err != nil {
		var se *store.Error
		if errors.As(err, &se) && se.Code == store.CodeResourceNotFound {
			return store.Table{}, &Error{Code: CodeResourceNotFound, Message: msgNotFound}
		}
		return store.Table{}, err
	}
	return t, nil
}

// keyAttrs lists a key schema's attributes, partition key first.
func keyAttrs(k store.KeySchema) []store.Attr {
	if k.Sort.Name == "" {
		return []store.Attr{k.Partition}
	}
	return []store.Attr{k.Partition, k.Sort}
}

// attrType is a key attribute's type as attr reads it.
func attrType(t string) attr.Type {
	typ, _ := attr.ParseType(t)
	return typ
}

// checkKey checks a request's Key against the table's schema: exactly
// the key attributes, of their types. AWS answers every mismatch with one
// message.
func checkKey(t store.Table, key attr.Item) error {
	attrs := keyAttrs(t.Key)
	if len(key) != len(attrs) {
		return invalid(msgKeySchema)
	}
	for i, a := range attrs {
		v, ok := key[a.Name]
		if !ok || v.Type != attrType(a.Type) {
			return invalid(msgKeySchema)
		}
		if err := attr.CheckKey(a.Name, v, attrType(a.Type), i == 0); err != nil {
			return err
		}
	}
	return nil
}

// checkItem checks an item to be written: it holds the table's key
// attributes, of their types, the index key attributes it has are of
// their types, and it is within 400 KB.
func checkItem(t store.Table, item attr.Item) error {
	for i, a := range keyAttrs(t.Key) {
		v, ok := item[a.Name]
		if !ok {
			return invalid("One or more parameter values were invalid: Missing the key %s in the item", a.Name)
		}
		if v.Type != attrType(a.Type) {
			return invalid("One or more parameter values were invalid: Type mismatch for key %s expected: %s actual: %s", a.Name, a.Type, v.Type)
		}
		if err := attr.CheckKey(a.Name, v, attrType(a.Type), i == 0); err != nil {
			return err
		}
	}
	for _, ix := range t.Indexes {
		for _, a := range keyAttrs(ix.Key) {
			v, ok := item[a.Name]
			if !ok {
				continue // a sparse index: the item is not in it
			}
			if v.Type != attrType(a.Type) {
				return invalid("One or more parameter values were invalid: Type mismatch for Index Key %s Expected: %s Actual: %s IndexName: %s", a.Name, a.Type, v.Type, ix.Name)
			}
			if (v.Type == attr.S && v.S == "") || (v.Type == attr.B && len(v.B) == 0) {
				return invalid("One or more parameter values are not valid. A value specified for a secondary index key is not supported. "+
					"The AttributeValue for a key attribute cannot contain an empty %s value. IndexName: %s, IndexKey: %s", emptyKind(v.Type), ix.Name, a.Name)
			}
		}
	}
	return attr.CheckSize(item)
}

// keyOf is the key of item under the table's schema.
func keyOf(t store.Table, item attr.Item) attr.Item {
	key := make(attr.Item, 2)
	for _, a := range keyAttrs(t.Key) {
		if v, ok := item[a.Name]; ok {
			key[a.Name] = v
		}
	}
	return key
}

// encode is an item in the wire form the store keeps.
func encode(item attr.Item) []byte { return attr.AppendItemJSON(nil, item) }

// ItemSize is an item's size as DynamoDB counts it, from its wire form
// (store.Options.Size); the length of the JSON when it does not decode.
func ItemSize(item []byte) int {
	if n, ok := attr.FastSize(item); ok {
		return n
	}
	it, err := attr.DecodeItem(item)
	if err != nil {
		return len(item)
	}
	return attr.Size(it)
}

// emptyKind names an empty key value's type as DynamoDB's message does.
func emptyKind(t attr.Type) string {
	if t == attr.B {
		return "binary"
	}
	return "string"
}
