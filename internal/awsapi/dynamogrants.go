package awsapi

import (
	"bytes"

	"github.com/verge-edge/verge/internal/jsonx"
)

// tableOnlyOps are the DynamoDB operations whose grants come from the
// request's TableName and IndexName alone.
var tableOnlyOps = map[string]bool{"GetItem": true, "PutItem": true, "UpdateItem": true, "DeleteItem": true, "Query": true, "Scan": true}

// tableMembers is body cut to its top-level members encoding/json would
// read as TableName or IndexName (names matched without case, in order,
// so that repeats resolve alike): what dynamodb.Grants reads of a
// table-only operation, without decoding a 400 KB item to find it. ok is
// false when body is not an object it can walk.
func tableMembers(body []byte) (out []byte, ok bool) {
	i := space(body, 0)
	if i == len(body) || body[i] != '{' {
		return nil, false
	}
	out = append(out, '{')
	for i = space(body, i+1); i < len(body) && body[i] != '}'; {
		name, rest, err := jsonx.ReadString(body[i:])
		if err != nil {
			return nil, false
		}
		i = space(body, len(body)-len(rest))
		if i == len(body) || body[i] != ':' {
			return nil, false
		}
		i = space(body, i+1)
		n, ok := jsonx.SkipValue(body[i:])
		if !ok {
			return nil, false
		}
		if bytes.EqualFold(name, []byte("TableName")) || bytes.EqualFold(name, []byte("IndexName")) {
			if len(out) > 1 {
				out = append(out, ',')
			}
			out = jsonx.AppendString(out, string(name))
			out = append(append(out, ':'), body[i:i+n]...)
		}
		if i = space(body, i+n); i < len(body) && body[i] == ',' {
			i = space(body, i+1)
		}
	}
	if i == len(body) {
		return nil, false
	}
	return append(out, '}'), true
}

// space skips JSON whitespace from b[i].
func space(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}
