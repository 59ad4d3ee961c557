package geoip

import "sync/atomic"

// cacheBits sizes codeCache: 4096 slots (32 KiB) hold every record of a
// country database, which has a few hundred distinct ones, and bound the
// memory of a City database, which has far more.
const cacheBits = 12

// codeCache maps data-record offsets to country codes so a repeat lookup
// skips decoding, the bulk of a lookup's cost. It is direct-mapped and
// lock-free: each slot is one atomic word packing offset+1 (0 is empty)
// above the code's two bytes (zero for no code). A collision only costs a
// decode.
type codeCache struct {
	slots [1 << cacheBits]atomic.Uint64
}

// get returns the cached code of the record at offset.
func (c *codeCache) get(offset uintptr) (code string, ok bool) {
	v := c.slots[slot(offset)].Load()
	if v>>16 != uint64(offset)+1 {
		return "", false
	}
	return codeString(uint16(v)), true
}

// put caches code ("" or a valid code) for the record at offset.
func (c *codeCache) put(offset uintptr, code string) {
	var bits uint64
	if code != "" {
		bits = uint64(code[0])<<8 | uint64(code[1])
	}
	c.slots[slot(offset)].Store((uint64(offset)+1)<<16 | bits)
}

// slot spreads offsets, which cluster, over the table (Fibonacci hashing).
func slot(offset uintptr) uint64 {
	return (uint64(offset) * 0x9E3779B97F4A7C15) >> (64 - cacheBits)
}

// codePairs holds every code "AA".."ZZ" so codeString can slice rather
// than allocate.
var codePairs = func() string {
	b := make([]byte, 0, 26*26*2)
	for i := byte('A'); i <= 'Z'; i++ {
		for j := byte('A'); j <= 'Z'; j++ {
			b = append(b, i, j)
		}
	}
	return string(b)
}()

// codeString turns the packed bytes of a valid code back into a string.
func codeString(bits uint16) string {
	if bits == 0 {
		return ""
	}
	i := (int(bits>>8-'A')*26 + int(bits&0xff-'A')) * 2
	return codePairs[i : i+2]
}
