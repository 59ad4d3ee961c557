package kinesis

import (
	"crypto/md5"
	"encoding/binary"
	"math/big"
	"math/bits"
)

// A hashKey is an unsigned 128-bit hash key.
type hashKey struct{ hi, lo uint64 }

var maxHashKey = hashKey{^uint64(0), ^uint64(0)}

// keyOf hashes a partition key: MD5 as a big-endian 128-bit integer.
func keyOf(partitionKey string) hashKey {
	sum := md5.Sum([]byte(partitionKey))
	return hashKey{binary.BigEndian.Uint64(sum[:8]), binary.BigEndian.Uint64(sum[8:])}
}

func (k hashKey) cmp(o hashKey) int {
	switch {
	case k.hi < o.hi:
		return -1
	case k.hi > o.hi:
		return 1
	case k.lo < o.lo:
		return -1
	case k.lo > o.lo:
		return 1
	}
	return 0
}

func (k hashKey) big() *big.Int {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], k.hi)
	binary.BigEndian.PutUint64(b[8:], k.lo)
	return new(big.Int).SetBytes(b[:])
}

func (k hashKey) String() string { return k.big().String() }

// parseHashKey reads a decimal hash key, 0 to 2^128-1, as
// ExplicitHashKey's pattern 0|([1-9]\d{0,38}) allows.
func parseHashKey(s string) (hashKey, bool) {
	if !validSequence(s) || len(s) > 39 {
		return hashKey{}, false
	}
	b, ok := new(big.Int).SetString(s, 10)
	if !ok || b.BitLen() > 128 {
		return hashKey{}, false
	}
	var buf [16]byte
	b.FillBytes(buf[:])
	return hashKey{binary.BigEndian.Uint64(buf[:8]), binary.BigEndian.Uint64(buf[8:])}, true
}

// splitRange divides the hash key space into n ranges as CreateStream
// does: each shard but the last spans floor(2^128/n) keys, the last takes
// the remainder.
func splitRange(n int) [][2]hashKey {
	// floor(2^128 / n) by long division of [1, 0, 0] by n.
	hi, r := bits.Div64(0, 1, uint64(n))
	mid, r := bits.Div64(r, 0, uint64(n))
	lo, _ := bits.Div64(r, 0, uint64(n))
	_ = hi // 2^128/n < 2^128: hi is 0 for n > 1
	step := hashKey{mid, lo}
	if n == 1 {
		return [][2]hashKey{{{}, maxHashKey}}
	}
	out := make([][2]hashKey, n)
	var start hashKey
	for i := range n {
		next := add(start, step)
		end := sub1(next)
		if i == n-1 {
			end = maxHashKey
		}
		out[i] = [2]hashKey{start, end}
		start = next
	}
	return out
}

func add(a, b hashKey) hashKey {
	lo, c := bits.Add64(a.lo, b.lo, 0)
	hi, _ := bits.Add64(a.hi, b.hi, c)
	return hashKey{hi, lo}
}

func sub1(a hashKey) hashKey {
	lo, b := bits.Sub64(a.lo, 1, 0)
	hi, _ := bits.Sub64(a.hi, 0, b)
	return hashKey{hi, lo}
}
