package s3

import (
	"encoding/base64"
	"strings"
)

// Sum is the base64 checksum of b with algorithm alg (x-amz-checksum-*'s
// encoding), for a document the wire layer verifies itself (DeleteObjects'
// body); ok is false for an unknown algorithm.
func Sum(alg string, b []byte) (sum string, ok bool) {
	h, ok := newChecksum(strings.ToUpper(alg))
	if !ok {
		return "", false
	}
	h.Write(b)
	return base64.StdEncoding.EncodeToString(h.Sum(nil)), true
}
