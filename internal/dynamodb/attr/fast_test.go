package attr

import (
	"reflect"
	"testing"
)

// slowDecodeItem is DecodeItem by encoding/json alone.
func slowDecodeItem(t *testing.T, b []byte) (Item, error) {
	t.Helper()
	fastDecoding = false
	defer func() { fastDecoding = true }()
	return DecodeItem(b)
}

var fastSeeds = []string{
	`{"pk":{"S":"a"},"sk":{"N":"01.50"},"b":{"B":"AAE="},"t":{"BOOL":true},"z":{"NULL":true}}`,
	`{"m":{"M":{"a":{"L":[{"N":"1"},{"BS":["AA==","AQ=="]}]},"e":{"M":{}}}},"l":{"L":[]}}`,
	`{"ss":{"SS":["x","y"]},"ns":{"NS":["1","1.5"]},"s":{"S":"\u00e9\ud83d\ude00\n"}}`,
	`{}`, `{"a":{"B":"AA=\n="}}`, "{\"a\":{\"S\":\"\xff\"}}",
}

// fastRefused are documents whose meaning is not plain (repeats, nulls,
// unknown members, errors, trailing data): the slow path must answer them.
var fastRefused = []string{
	` { "a" : { "S" : "x" } , "a" : { "N" : "1" } } `, `{"a":{"S":null,"N":"1"}}`, `{"a":{"NULL":false}}`,
	`{"a":{"S":"x","X":1}}`, `null`, `{"a":{"SS":[null]}}`, `{"a":{"N":"1e200"}}`, `{"a":{"S":"x"}} x`,
	`{"a":{"L":[{"S":"x"},]}}`, `{"a":{"NS":["1","1.0"]}}`,
}

// FuzzFastDecodeItem checks the fast reader against encoding/json: what it
// accepts decodes to the same item, of the same size.
func FuzzFastDecodeItem(f *testing.F) {
	for _, s := range append(fastSeeds, fastRefused...) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		item, ok := FastDecodeItem(b)
		want, err := slowDecodeItem(t, b)
		if ok {
			if err != nil {
				t.Fatalf("%s: fast reader accepts what DecodeItem refuses: %v", b, err)
			}
			if !reflect.DeepEqual(item, want) {
				t.Fatalf("%s: fast reader decodes %#v, DecodeItem %#v", b, item, want)
			}
		}
		n, sizeOK := FastSize(b)
		if sizeOK != ok {
			t.Fatalf("%s: FastSize accepts it: %v, FastDecodeItem: %v", b, sizeOK, ok)
		}
		if sizeOK && n != Size(want) {
			t.Fatalf("%s: FastSize %d, Size %d", b, n, Size(want))
		}
	})
}

// FuzzFastDecodeValue checks Value.UnmarshalJSON's fast path the same way.
func FuzzFastDecodeValue(f *testing.F) {
	for _, s := range []string{`{"S":"x"}`, `{"M":{"a":{"N":"1"}}}`, `{"NS":["2","1"]}`, `null`, `{"BOOL":false}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var fast, slow Value
		errFast := fast.UnmarshalJSON(b)
		fastDecoding = false
		errSlow := slow.UnmarshalJSON(b)
		fastDecoding = true
		if !reflect.DeepEqual(errFast, errSlow) || !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%s: %#v, %v; encoding/json: %#v, %v", b, fast, errFast, slow, errSlow)
		}
	})
}

// TestFastAccepts keeps the fast readers honest about what they take:
// the plain items the API writes most must not fall back.
func TestFastAccepts(t *testing.T) {
	for _, s := range fastSeeds {
		if _, ok := FastDecodeItem([]byte(s)); !ok {
			t.Errorf("FastDecodeItem falls back on %s", s)
		}
		if _, ok := FastSize([]byte(s)); !ok {
			t.Errorf("FastSize falls back on %s", s)
		}
	}
	for _, s := range fastRefused {
		if _, ok := FastDecodeItem([]byte(s)); ok {
			t.Errorf("FastDecodeItem takes %s", s)
		}
	}
}
