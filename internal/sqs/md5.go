package sqs

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"strings"
)

// MD5OfBody is the hex MD5 of a message body, as SendMessage returns it.
func MD5OfBody(body string) string {
	sum := md5.Sum([]byte(body))
	return hex.EncodeToString(sum[:])
}

// MD5OfAttributes is SQS's MD5 of message (or message system) attributes:
// the attributes sorted by name, each encoded as its length-prefixed name,
// length-prefixed data type, a transport byte (1 string/number, 2 binary)
// and its length-prefixed value, hashed together. "" for no attributes.
func MD5OfAttributes(attrs map[string]MessageAttribute) string {
	if len(attrs) == 0 {
		return ""
	}
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	slices.Sort(names)
	h := md5.New()
	var buf []byte
	for _, n := range names {
		a := attrs[n]
		buf = appendLen(buf[:0], n)
		buf = appendLen(buf, a.DataType)
		if isBinary(a.DataType) {
			buf = append(buf, 2)
			buf = binary.BigEndian.AppendUint32(buf, uint32(len(a.BinaryValue)))
			buf = append(buf, a.BinaryValue...)
		} else {
			buf = append(buf, 1)
			buf = appendLen(buf, a.StringValue)
		}
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func appendLen(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// isBinary says whether a data type ("Binary", "Binary.jpeg") carries
// BinaryValue.
func isBinary(dataType string) bool {
	return dataType == "Binary" || strings.HasPrefix(dataType, "Binary.")
}
