package store

import (
	"bytes"
	"encoding/json"
)

// topLevel returns the raw values of the members of the JSON object item
// named in names, without decoding the others: an item's key attributes
// are a few bytes of what may be 400 KB. Items reach the store already
// decoded once by the API, so this scanner only delimits values; on
// anything it does not expect (escapes in a name, malformed input) it
// leaves the work to encoding/json.
func topLevel(item []byte, names []string) (map[string]json.RawMessage, bool) {
	out, _, ok := topLevelCount(item, names)
	return out, ok
}

// topLevelCount is topLevel, also counting the object's members.
func topLevelCount(item []byte, names []string) (out map[string]json.RawMessage, members int, ok bool) {
	out = make(map[string]json.RawMessage, len(names))
	i := skipSpace(item, 0)
	if i >= len(item) || item[i] != '{' {
		return nil, 0, false
	}
	i = skipSpace(item, i+1)
	if i < len(item) && item[i] == '}' {
		return out, 0, skipSpace(item, i+1) == len(item)
	}
	for {
		if i >= len(item) || item[i] != '"' {
			return nil, 0, false
		}
		end := bytes.IndexByte(item[i+1:], '"')
		if end < 0 {
			return nil, 0, false
		}
		name := item[i+1 : i+1+end]
		if bytes.IndexByte(name, '\\') >= 0 {
			return nil, 0, false
		}
		i = skipSpace(item, i+end+2)
		if i >= len(item) || item[i] != ':' {
			return nil, 0, false
		}
		start := skipSpace(item, i+1)
		stop, ok := skipValue(item, start)
		if !ok {
			return nil, 0, false
		}
		members++
		for _, n := range names {
			if string(name) == n {
				out[n] = item[start:stop]
			}
		}
		i = skipSpace(item, stop)
		if i >= len(item) {
			return nil, 0, false
		}
		if item[i] == '}' {
			return out, members, skipSpace(item, i+1) == len(item)
		}
		if item[i] != ',' {
			return nil, 0, false
		}
		i = skipSpace(item, i+1)
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the end of the JSON value at b[i:]: an object or an
// array by balancing brackets outside strings, a string by its closing
// quote, a literal or number by the next delimiter.
func skipValue(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				end, ok := skipString(b, i)
				if !ok {
					return 0, false
				}
				i = end
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1, true
				}
			}
			i++
		}
		return 0, false
	}
	start := i
	for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' && b[i] != '\t' && b[i] != '\n' && b[i] != '\r' {
		i++
	}
	return i, i > start
}

// skipString returns the end of the JSON string starting at b[i]: the
// next quote with no backslash before it in the run, found with
// bytes.IndexByte (an item's long values are mostly strings).
func skipString(b []byte, i int) (int, bool) {
	j := i + 1
	for {
		q := bytes.IndexByte(b[j:], '"')
		if q < 0 {
			return 0, false
		}
		e := bytes.IndexByte(b[j:j+q], '\\')
		if e < 0 {
			return j + q + 1, true
		}
		j += e + 2 // past the backslash and the byte it escapes
		if j > len(b) {
			return 0, false
		}
	}
}
