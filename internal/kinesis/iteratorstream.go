package kinesis

import "encoding/base64"

// IteratorStream is the name of the stream a shard iterator reads, ""
// for what is not an iterator. The iterator's MAC is not checked here
// (GetRecords checks it): the name is for authorization, which the AWS
// endpoint decides before the call, and a forged iterator authorized on
// a name it claims is refused by GetRecords all the same.
func IteratorStream(iterator string) string {
	if len(iterator) > maxIterator {
		return ""
	}
	b, err := base64.StdEncoding.DecodeString(iterator)
	if err != nil || len(b) < 1+macSize || b[0] != iteratorVersion {
		return ""
	}
	it, ok := parseIterator(b[1 : len(b)-macSize])
	if !ok {
		return ""
	}
	return it.name
}
