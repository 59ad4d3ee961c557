package kinesis

import (
	"encoding/base64"
	"strings"
)

// IteratorStream is the name of the stream a shard iterator reads, ""
// for what is not an iterator. The iterator's MAC is not checked here
// (GetRecords checks it): the name is for authorization, which the AWS
// endpoint decides before the call, and a forged iterator authorized on
// a name it claims is refused by GetRecords all the same.
func IteratorStream(iterator string) string {
	if len(iterator) > maxIterator {
		return ""
	}
	b, err := decodeOpaque(iterator)
	if err != nil || len(b) < 1+macSize || b[0] != iteratorVersion {
		return ""
	}
	it, ok := parseIterator(b[1 : len(b)-macSize])
	if !ok {
		return ""
	}
	return it.name
}

// decodeOpaque reads the base64 of an iterator or token. It is strict:
// the decoder skips CR and LF and tolerates loose padding bits, so
// without this check many strings would name one iterator.
func decodeOpaque(str string) ([]byte, error) {
	if strings.ContainsAny(str, "\r\n") {
		return nil, base64.CorruptInputError(strings.IndexAny(str, "\r\n"))
	}
	return base64.StdEncoding.Strict().DecodeString(str)
}
