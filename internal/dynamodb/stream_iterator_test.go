package dynamodb

import (
	"errors"
	"testing"
)

func FuzzDecodeIterator(f *testing.F) {
	s := New(Options{Key: []byte("0123456789abcdef0123456789abcdef")})
	good := s.encodeIterator(iterator{table: "orders", id: "0011223344556677", label: "2026-03-01T12:00:00.000", after: 42, issued: 1_772_366_400_000})
	f.Add(good)
	f.Add(s.encodeIterator(iterator{}))
	f.Add(good[:20] + "\n" + good[20:]) // a line break base64 decoders skip
	f.Add(good + "=")
	f.Add("AAAA")
	f.Add("")
	f.Fuzz(func(t *testing.T, str string) {
		it, err := s.decodeIterator(str)
		if err != nil {
			if !errors.Is(err, errBadIterator) {
				t.Fatalf("error %v", err)
			}
			return
		}
		if again := s.encodeIterator(it); again != str {
			t.Fatalf("decoded %+v re-encodes as %q, not %q", it, again, str)
		}
	})
}

// TestIteratorKey: an iterator signed under another key is refused.
func TestIteratorKey(t *testing.T) {
	a := New(Options{Key: []byte("a")})
	b := New(Options{Key: []byte("b")})
	str := a.encodeIterator(iterator{table: "t", id: "i", label: "l", after: 1, issued: 2})
	if _, err := a.decodeIterator(str); err != nil {
		t.Fatal(err)
	}
	if _, err := b.decodeIterator(str); !errors.Is(err, errBadIterator) {
		t.Fatalf("another key's iterator: %v", err)
	}
}
