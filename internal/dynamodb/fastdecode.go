package dynamodb

import (
	"github.com/verge-edge/verge/internal/dynamodb/attr"
)

// The hot requests, PutItem and GetItem, are read by hand when they are
// plain: each member once, spelt as AWS spells it, of its type, not null,
// and the attribute values valid. Anything else (a member encoding/json
// would match case-insensitively, a repeat, an error) is left to decode,
// so errors stay AWS's. fastdecode_test.go fuzzes the two against each
// other.

// decodePutItem reads a PutItem request.
func decodePutItem(body []byte) (putItemInput, error) {
	if in, ok := fastPutItem(body); ok {
		return in, nil
	}
	var in putItemInput
	return in, decode(body, &in)
}

// decodeGetItem reads a GetItem request.
func decodeGetItem(body []byte) (getItemInput, error) {
	if in, ok := fastGetItem(body); ok {
		return in, nil
	}
	var in getItemInput
	return in, decode(body, &in)
}

func fastPutItem(body []byte) (in putItemInput, ok bool) {
	l := attr.NewLexer(body)
	var seen members
	l.Members(func(name []byte) {
		switch string(name) {
		case "TableName":
			seen.once(l, 0)
			in.TableName = l.String()
		case "Item":
			seen.once(l, 1)
			in.Item = l.Item(0)
		case "ConditionExpression":
			seen.once(l, 2)
			in.ConditionExpression = stringPtr(l)
		case "ExpressionAttributeNames":
			seen.once(l, 3)
			in.ExpressionAttributeNames = stringMap(l)
		case "ReturnValues":
			seen.once(l, 4)
			in.ReturnValues = l.String()
		case "ReturnConsumedCapacity":
			seen.once(l, 5)
			in.ReturnConsumedCapacity = l.String()
		case "ReturnItemCollectionMetrics":
			seen.once(l, 6)
			in.ReturnItemCollectionMetrics = l.String()
		case "ReturnValuesOnConditionCheckFailure":
			seen.once(l, 7)
			in.ReturnValuesOnConditionCheckFailure = l.String()
		case "ConditionalOperator":
			seen.once(l, 8)
			in.ConditionalOperator = l.String()
		default:
			l.Fail()
		}
	})
	return in, l.End()
}

func fastGetItem(body []byte) (in getItemInput, ok bool) {
	l := attr.NewLexer(body)
	var seen members
	l.Members(func(name []byte) {
		switch string(name) {
		case "TableName":
			seen.once(l, 0)
			in.TableName = l.String()
		case "Key":
			seen.once(l, 1)
			in.Key = l.Item(0)
		case "ProjectionExpression":
			seen.once(l, 2)
			in.ProjectionExpression = stringPtr(l)
		case "ExpressionAttributeNames":
			seen.once(l, 3)
			in.ExpressionAttributeNames = stringMap(l)
		case "AttributesToGet":
			seen.once(l, 4)
			in.AttributesToGet = stringList(l)
		case "ConsistentRead":
			seen.once(l, 5)
			in.ConsistentRead = l.Bool()
		case "ReturnConsumedCapacity":
			seen.once(l, 6)
			in.ReturnConsumedCapacity = l.String()
		default:
			l.Fail()
		}
	})
	return in, l.End()
}

// members are the members of a request read so far, by number.
type members uint32

// once records member i, failing the read when it repeats (encoding/json
// would merge or overwrite).
func (m *members) once(l *attr.Lexer, i int) {
	if *m&(1<<i) != 0 {
		l.Fail()
	}
	*m |= 1 << i
}

func stringPtr(l *attr.Lexer) *string {
	s := l.String()
	return &s
}

// stringMap reads an object of strings, no name repeated.
func stringMap(l *attr.Lexer) map[string]string {
	m := map[string]string{}
	l.Members(func(name []byte) {
		if _, dup := m[string(name)]; dup {
			l.Fail()
		}
		m[string(name)] = l.String()
	})
	return m
}

// stringList reads an array of strings.
func stringList(l *attr.Lexer) []string {
	list := []string{}
	l.Elements(func() { list = append(list, l.String()) })
	return list
}
