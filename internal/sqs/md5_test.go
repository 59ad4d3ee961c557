package sqs

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"sort"
	"testing"
	"unicode/utf8"
)

// Vectors computed by other implementations checked against AWS
// (LocalStack's and sqslite's tests).
func TestMD5OfAttributes(t *testing.T) {
	for _, c := range []struct {
		attrs map[string]MessageAttribute
		want  string
	}{
		{nil, ""},
		{map[string]MessageAttribute{"timestamp": {DataType: "Number", StringValue: "1493147359900"}}, "235c5c510d26fb653d073faed50ae77c"},
		{map[string]MessageAttribute{
			"ordinal":  {DataType: "Number", StringValue: "1"},
			"category": {DataType: "String", StringValue: "test"},
		}, "d21ae90c49061e927f57df5f5d72be1f"},
	} {
		if got := MD5OfAttributes(c.attrs); got != c.want {
			t.Errorf("MD5OfAttributes(%v) = %s, want %s", c.attrs, got, c.want)
		}
	}
}

// reference is the encoding written out the slow way, from AWS's
// description, for the fuzzer to compare with.
func reference(attrs map[string]MessageAttribute) string {
	if len(attrs) == 0 {
		return ""
	}
	var names []string
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	var b []byte
	put := func(s []byte) {
		var l [4]byte
		binary.BigEndian.PutUint32(l[:], uint32(len(s)))
		b = append(b, l[:]...)
		b = append(b, s...)
	}
	for _, n := range names {
		a := attrs[n]
		put([]byte(n))
		put([]byte(a.DataType))
		if a.DataType == "Binary" || len(a.DataType) >= 7 && a.DataType[:7] == "Binary." {
			b = append(b, 2)
			put(a.BinaryValue)
		} else {
			b = append(b, 1)
			put([]byte(a.StringValue))
		}
	}
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}

func FuzzMD5OfAttributes(f *testing.F) {
	f.Add("a", "String", "v", []byte(nil), "b", "Binary.x", "", []byte{1, 2})
	f.Add("n", "Number", "1", []byte(nil), "n2", "Number.int", "2", []byte(nil))
	f.Fuzz(func(t *testing.T, n1, t1, s1 string, b1 []byte, n2, t2, s2 string, b2 []byte) {
		attrs := map[string]MessageAttribute{n1: {DataType: t1, StringValue: s1, BinaryValue: b1}, n2: {DataType: t2, StringValue: s2, BinaryValue: b2}}
		if got, want := MD5OfAttributes(attrs), reference(attrs); got != want {
			t.Fatalf("%v: %s, reference %s", attrs, got, want)
		}
	})
}

func FuzzHandle(f *testing.F) {
	key := []byte("k")
	f.Add(makeHandle(key, 7, 1))
	f.Add("garbage")
	f.Fuzz(func(t *testing.T, h string) {
		seq, nonce, ok := parseHandle(key, h)
		if ok && makeHandle(key, seq, nonce) != h {
			t.Fatalf("accepted %q, which is not the handle of %d/%d", h, seq, nonce)
		}
		if _, _, ok := parseHandle([]byte("other"), h); ok && h == makeHandle(key, seq, nonce) {
			t.Fatalf("another queue's key accepted %q", h)
		}
	})
}

func FuzzValidBody(f *testing.F) {
	f.Add("hello\t\n\r")
	f.Add("\x00")
	f.Add("\uFFFE")
	f.Fuzz(func(t *testing.T, s string) {
		want := true
		for _, r := range s {
			if !(r == 9 || r == 10 || r == 13 || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) {
				want = false
			}
		}
		// range replaces invalid UTF-8 by U+FFFD, which is allowed: count
		// such bytes as invalid.
		for i := 0; i < len(s); {
			r, n := decodeRune(s[i:])
			if r < 0 {
				want = false
			}
			i += n
		}
		if got := validBody(s); got != want {
			t.Fatalf("validBody(%q) = %v", s, got)
		}
	})
}

// decodeRune is utf8.DecodeRuneInString with -1 for an invalid byte.
func decodeRune(s string) (rune, int) {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && n <= 1 {
		return -1, 1
	}
	return r, n
}
