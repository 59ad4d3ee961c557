package awsapi

import (
	"encoding/base64"
	"strings"
)

// decodePutRecords decodes a PutRecords JSON body into in exactly as
// encoding/json would, without its reflection (a 500-record request is
// most of a PutRecords' cost), and says true; or says false, leaving in
// unusable, for anything it does not handle the same way (null, a \u
// escape, invalid UTF-8 or base64, a member named only case-insensitively,
// a repeated Records, malformed JSON), which the caller then decodes with
// encoding/json into a fresh value (FuzzPutRecordsJSON holds the two
// equal).
func decodePutRecords(b []byte, in *putRecordsIn) bool {
	seenRecords := false
	i, ok := eachMember(b, skipSpace(b, 0), func(key string, i int) (int, bool) {
		switch key {
		case "StreamName":
			return stringMember(b, i, &in.StreamName)
		case "StreamARN":
			return stringMember(b, i, &in.StreamARN)
		case "Records":
			if seenRecords {
				return 0, false
			}
			seenRecords = true
			return putEntries(b, i, in)
		}
		return otherMember(b, i, key, "StreamName", "StreamARN", "Records")
	})
	return ok && skipSpace(b, i) == len(b)
}

// putEntries decodes the Records array at b[i].
func putEntries(b []byte, i int, in *putRecordsIn) (int, bool) {
	if i >= len(b) || b[i] != '[' {
		return 0, false
	}
	recs := make([]putEntryIn, 0, 16)
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		in.Records = &recs
		return i + 1, true
	}
	for {
		var e putEntryIn
		var ok bool
		i, ok = eachMember(b, i, func(key string, i int) (int, bool) {
			switch key {
			case "Data":
				return blobMember(b, i, &e.Data)
			case "PartitionKey":
				var s string
				j, ok := stringMember(b, i, &s)
				e.PartitionKey = &s
				return j, ok
			case "ExplicitHashKey":
				return stringMember(b, i, &e.ExplicitHashKey)
			}
			return otherMember(b, i, key, "Data", "PartitionKey", "ExplicitHashKey")
		})
		if !ok {
			return 0, false
		}
		recs = append(recs, e)
		i = skipSpace(b, i)
		switch {
		case i >= len(b):
			return 0, false
		case b[i] == ']':
			in.Records = &recs
			return i + 1, true
		case b[i] != ',':
			return 0, false
		}
		i = skipSpace(b, i+1)
	}
}

// eachMember walks the object at b[i], calling member with each key and
// the index of its value; member returns the index after the value.
func eachMember(b []byte, i int, member func(key string, i int) (int, bool)) (int, bool) {
	if i >= len(b) || b[i] != '{' {
		return 0, false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, true
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return 0, false
		}
		key, j, ok := flatString(b, i)
		if !ok {
			return 0, false
		}
		i = skipSpace(b, j)
		if i >= len(b) || b[i] != ':' {
			return 0, false
		}
		if i, ok = member(key, skipSpace(b, i+1)); !ok {
			return 0, false
		}
		i = skipSpace(b, i)
		switch {
		case i >= len(b):
			return 0, false
		case b[i] == '}':
			return i + 1, true
		case b[i] != ',':
			return 0, false
		}
		i = skipSpace(b, i+1)
	}
}

// stringMember decodes the string at b[i] into s.
func stringMember(b []byte, i int, s *string) (int, bool) {
	if i >= len(b) || b[i] != '"' {
		return 0, false
	}
	v, j, ok := flatString(b, i)
	*s = v
	return j, ok
}

// blobMember decodes the base64 string at b[i] as encoding/json decodes a
// []byte (StdEncoding, which skips line breaks).
func blobMember(b []byte, i int, p *[]byte) (int, bool) {
	if i >= len(b) || b[i] != '"' {
		return 0, false
	}
	end, escaped, ok := scanString(b, i)
	if !ok {
		return 0, false
	}
	src := b[i+1 : end-1]
	if escaped {
		s, _, ok := flatString(b, i)
		if !ok {
			return 0, false
		}
		src = []byte(s)
	}
	out := make([]byte, base64.StdEncoding.DecodedLen(len(src)))
	n, err := base64.StdEncoding.Decode(out, src)
	if err != nil {
		return 0, false
	}
	*p = out[:n]
	return end, true
}

// otherMember skips an unknown member's value, unless encoding/json would
// match its key to one of known case-insensitively.
func otherMember(b []byte, i int, key string, known ...string) (int, bool) {
	if !utf8ASCII(key) {
		return 0, false
	}
	for _, k := range known {
		if strings.EqualFold(k, key) {
			return 0, false
		}
	}
	return skipValue(b, i, 1)
}
