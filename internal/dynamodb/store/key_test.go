package store

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"testing"
)

func TestNumberOrder(t *testing.T) {
	// Sorted ascending; equal neighbours are marked by the same group.
	nums := []struct {
		s     string
		group int
	}{
		{"-9.9999999999999999999999999999999999999E+125", 0},
		{"-1E+10", 1},
		{"-12345", 2},
		{"-100", 3}, {"-1e2", 3}, {"-100.000", 3},
		{"-99.5", 4},
		{"-1", 5},
		{"-0.5", 6},
		{"-1E-130", 7},
		{"0", 8}, {"-0", 8}, {"0.000", 8}, {"0e5", 8},
		{"1E-130", 9},
		{"0.001", 10},
		{"0.1", 11}, {".1", 11},
		{"0.12", 12},
		{"0.123", 13},
		{"1", 14}, {"1.0", 14}, {"+1", 14}, {"10E-1", 14},
		{"2", 15},
		{"10", 16},
		{"99", 17},
		{"100", 18},
		{"12345678901234567890123456789012345678", 19},
		{"9.9999999999999999999999999999999999999E+125", 20},
	}
	var prev []byte
	prevGroup := -1
	for _, n := range nums {
		v, ok := parseNumber(n.s)
		if !ok {
			t.Fatalf("%s: not parsed", n.s)
		}
		enc := appendNumber(nil, v)
		if prev != nil {
			c := bytes.Compare(prev, enc)
			if n.group == prevGroup && c != 0 || n.group != prevGroup && c >= 0 {
				t.Errorf("%s: compares %d with the one before", n.s, c)
			}
		}
		back, rest, ok := readNumber(enc)
		if !ok || len(rest) != 0 || back != v {
			t.Errorf("%s: decoded %+v %v", n.s, back, ok)
		}
		prev, prevGroup = enc, n.group
	}
}

func TestNumberInvalid(t *testing.T) {
	for _, s := range []string{"", "-", ".", "1e", "e5", "1.2.3", "abc", "1E+126", "1E-131", "0x10", "1 ", "123456789012345678901234567890123456789", "1e99999"} {
		if _, ok := parseNumber(s); ok {
			t.Errorf("%q parsed", s)
		}
	}
}

func TestKeyEncoding(t *testing.T) {
	ks := KeySchema{Partition: Attr{"pk", TypeS}, Sort: Attr{"sk", TypeB}}
	// Sorted by (pk bytes, sk bytes).
	keys := []struct{ pk, sk string }{
		{"a", "\x00"}, {"a", "\x00\x00"}, {"a", "\x00\x01"}, {"a", "\x01"}, {"a", "\xff"}, {"a", "\xff\xff"},
		{"a\x00", "x"}, {"ab", "x"}, {"b", "\x00"}, {"é", "x"},
	}
	var prev []byte
	for _, k := range keys {
		m, _ := json.Marshal(map[string]map[string]string{"pk": {"S": k.pk}, "sk": {"B": base64.StdEncoding.EncodeToString([]byte(k.sk))}})
		enc, err := ks.keyOf(m)
		if err != nil {
			t.Fatal(m, err)
		}
		if prev != nil && bytes.Compare(prev, enc) >= 0 {
			t.Errorf("%q/%q does not sort after the key before", k.pk, k.sk)
		}
		back, ok := ks.decodeKey(enc)
		if !ok || !sameItem(back, m) {
			t.Errorf("round trip of %s: %s", m, back)
		}
		prev = enc
	}
}

func TestKeyErrors(t *testing.T) {
	ks := KeySchema{Partition: Attr{"pk", TypeS}, Sort: Attr{"n", TypeN}}
	for _, m := range []string{
		`{"pk":{"S":"a"}}`, // sort key missing
		`{"pk":{"S":"a"},"n":{"N":"1"},"x":{"S":"y"}}`, // not only the key
		`{"pk":{"N":"1"},"n":{"N":"1"}}`,               // wrong type
		`{"pk":{"S":""},"n":{"N":"1"}}`,                // empty string
		`{"pk":{"S":"a"},"n":{"N":"x"}}`,               // not a number
		`[1]`, `null`, `{`,
	} {
		if _, err := ks.keyOf([]byte(m)); err == nil {
			t.Errorf("%s: no error", m)
		}
	}
}

// FuzzNumber: the encoding orders as the numbers do and round-trips.
func FuzzNumber(f *testing.F) {
	for _, s := range [][2]string{{"1", "1.0"}, {"-1", "0.5"}, {"1e10", "99"}, {"-0.001", "-1e-3"}, {"123.456", "123.4560001"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		na, okA := parseNumber(a)
		nb, okB := parseNumber(b)
		if !okA || !okB {
			return
		}
		ra, rb := rat(t, a), rat(t, b)
		ea, eb := appendNumber(nil, na), appendNumber(nil, nb)
		if got, want := bytes.Compare(ea, eb), ra.Cmp(rb); got != want {
			t.Fatalf("%s vs %s: encodings compare %d, numbers %d", a, b, got, want)
		}
		back, rest, ok := readNumber(ea)
		if !ok || len(rest) != 0 || back != na {
			t.Fatalf("%s: round trip gave %+v", a, back)
		}
		if rat(t, na.String()).Cmp(ra) != 0 {
			t.Fatalf("%s: printed as %s", a, na.String())
		}
	})
}

func rat(t *testing.T, s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		t.Fatalf("big.Rat refuses %q", s)
	}
	return r
}

// FuzzBytes: the escaped encoding orders as the bytes do, is
// self-delimiting and round-trips.
func FuzzBytes(f *testing.F) {
	f.Add([]byte("a"), []byte("a\x00"))
	f.Add([]byte("\x00\xff"), []byte("\x00"))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		ea, eb := appendBytes(nil, a), appendBytes(nil, b)
		if got, want := bytes.Compare(ea, eb), bytes.Compare(a, b); got != want {
			t.Fatalf("%q vs %q: encodings compare %d", a, b, got)
		}
		back, rest, ok := readBytes(append(ea, eb...))
		if !ok || !bytes.Equal(back, a) || !bytes.Equal(rest, eb) {
			t.Fatalf("%q: decoded %q rest %q", a, back, rest)
		}
	})
}

// FuzzKey: any key map either fails or encodes to a key that decodes to
// an equal key.
func FuzzKey(f *testing.F) {
	f.Add([]byte(`{"pk":{"S":"a"},"n":{"N":"1.50"}}`))
	f.Add([]byte(`{"pk":{"S":"\u0000"},"n":{"N":"-0"}}`))
	f.Add([]byte(`{"pk":{"S":"\u00e9\"x"},"n":{"N":"1"}}`))
	ks := KeySchema{Partition: Attr{"pk", TypeS}, Sort: Attr{"n", TypeN}}
	f.Fuzz(func(t *testing.T, m []byte) {
		// The fast reader of compact values agrees with encoding/json.
		var vals map[string]json.RawMessage
		json.Unmarshal(m, &vals)
		for _, raw := range vals {
			typ, text, ok := wireScalar(raw)
			if !ok {
				continue
			}
			var v map[string]string
			if err := json.Unmarshal(raw, &v); err != nil || len(v) != 1 || v[typ] != string(text) {
				t.Fatalf("%s: read as %s %q, encoding/json says %v (%v)", raw, typ, text, v, err)
			}
		}
		enc, err := ks.keyOf(m)
		if err != nil {
			return
		}
		back, ok := ks.decodeKey(enc)
		if !ok {
			t.Fatalf("%s: encoding %x does not decode", m, enc)
		}
		again, err := ks.keyOf(back)
		if err != nil || !bytes.Equal(again, enc) {
			t.Fatalf("%s: decoded %s, encodes to %x, %v", m, back, again, err)
		}
	})
}

// FuzzEntry: a log entry decodes or is refused, never panics, and
// re-encodes to the same bytes.
func FuzzEntry(f *testing.F) {
	f.Add(newEntry([]byte("k"), []byte(`{"a":{"S":"x"}}`), nil, fixedNow).encode())
	f.Add(entry{Key: []byte("k"), Event: EventModify, Old: []byte("{}"), New: []byte(`{"a":1}`), Service: true, Time: -1}.encode())
	f.Add([]byte{1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 1, 'k', 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		e, ok := decodeEntry(b)
		if !ok {
			return
		}
		if again := e.encode(); !bytes.Equal(again, b) {
			// Only a varint spelled longer than needed may differ.
			e2, ok := decodeEntry(again)
			if !ok || !bytes.Equal(e2.Key, e.Key) || !bytes.Equal(e2.Old, e.Old) || !bytes.Equal(e2.New, e.New) || e2.Event != e.Event || e2.Service != e.Service || e2.Time != e.Time {
				t.Fatalf("%x: re-encoded as %x", b, again)
			}
		}
	})
}

// FuzzTopLevel: where encoding/json reads an object, the scanner finds
// the same key attribute values, or leaves the work to encoding/json.
func FuzzTopLevel(f *testing.F) {
	f.Add([]byte(`{"id":{"S":"a"},"n":{"N":"1"},"v":{"L":[{"S":"}]\"["}]}}`))
	f.Add([]byte(` { "n" : {"N":"1"} , "id":{"S":"x"} } `))
	f.Add([]byte(`{"id\u0041":{"S":"a"}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var want map[string]json.RawMessage
		if json.Unmarshal(b, &want) != nil || want == nil {
			return
		}
		got, ok := topLevel(b, []string{"id", "n"})
		if !ok {
			return
		}
		for _, n := range []string{"id", "n"} {
			if !bytes.Equal(got[n], want[n]) {
				t.Fatalf("%s: %s is %q, encoding/json says %q", b, n, got[n], want[n])
			}
		}
	})
}

// FuzzFastKeyOf checks keyOf's scan against encoding/json: a key it
// takes encodes as the decoded key does.
func FuzzFastKeyOf(f *testing.F) {
	for _, s := range []string{`{"pk":{"S":"a"},"n":{"N":"1.50"}}`, ` {"n":{"N":"1"} , "pk":{"S":"a"}}`, `{"pk":{"S":"a"},"pk":{"S":"b"}}`,
		`{"pk":{"S":"a"},"n":{"N":"1"},"x":{"S":"c"}}`, `{"pk":{"S":"a\u0000"},"n":{"N":"1"}}`, `{"pk":{"S":"a"},"n":{"N":"1"}}]`} {
		f.Add([]byte(s))
	}
	ks := KeySchema{Partition: Attr{"pk", TypeS}, Sort: Attr{"n", TypeN}}
	f.Fuzz(func(t *testing.T, key []byte) {
		got, ok := ks.fastKeyOf(key)
		if !ok {
			return
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(key, &m); err != nil || m == nil {
			t.Fatalf("%s: the scan takes a key encoding/json refuses (%v)", key, err)
		}
		want, err := ks.encodeKey(m, true)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%s: scan encodes %q, encoding/json %q, %v", key, got, want, err)
		}
	})
}
