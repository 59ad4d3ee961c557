package attr

import (
	"errors"
	"strings"
	"testing"
)

func TestDecodeValue(t *testing.T) {
	tests := []struct{ in, out, code, msg string }{
		{`{"S":"x"}`, `{"S":"x"}`, "", ""},
		{`{"S":""}`, `{"S":""}`, "", ""},
		{`{"N":"001.50"}`, `{"N":"1.5"}`, "", ""},
		{`{"B":"AAEC"}`, `{"B":"AAEC"}`, "", ""},
		{`{"BOOL":false}`, `{"BOOL":false}`, "", ""},
		{`{"NULL":true}`, `{"NULL":true}`, "", ""},
		{`{"L":[{"S":"a"},{"N":"2"}]}`, `{"L":[{"S":"a"},{"N":"2"}]}`, "", ""},
		{`{"L":[]}`, `{"L":[]}`, "", ""},
		{`{"M":{"b":{"N":"1"},"a":{"NULL":true}}}`, `{"M":{"a":{"NULL":true},"b":{"N":"1"}}}`, "", ""},
		{`{"SS":["b","a"]}`, `{"SS":["b","a"]}`, "", ""},
		{`{"NS":["1.0","2E1"]}`, `{"NS":["1","20"]}`, "", ""},
		{`{"BS":["AA==","AQ=="]}`, `{"BS":["AA==","AQ=="]}`, "", ""},
		{`{"S":"x","Q":"ignored"}`, `{"S":"x"}`, "", ""},
		{`{"S":null,"N":"1"}`, `{"N":"1"}`, "", ""},
		{`{}`, "", CodeValidation, msgEmptyValue},
		{`{"S":"x","N":"1"}`, "", CodeValidation, msgTwoTypes},
		{`{"NULL":false}`, "", CodeValidation, msgNullFalse},
		{`{"SS":[]}`, "", CodeValidation, msgEmptySS},
		{`{"NS":[]}`, "", CodeValidation, msgEmptyNS},
		{`{"BS":[]}`, "", CodeValidation, msgEmptyBS},
		{`{"SS":["a","a"]}`, "", CodeValidation, "One or more parameter values were invalid: Input collection [a, a] contains duplicates."},
		{`{"NS":["1","1.0"]}`, "", CodeValidation, "Input collection contains duplicates"},
		{`{"BS":["Yg==","Yg=="]}`, "", CodeValidation, "One or more parameter values were invalid: Input collection [Yg==, Yg==]of type BS contains duplicates."},
		{`{"N":"x"}`, "", CodeValidation, msgNotNumber + ": x"},
		{`{"N":""}`, "", CodeValidation, msgNotNumber},
		{`{"N":"1E126"}`, "", CodeValidation, msgOverflow},
		{`{"NS":["1","1E-131"]}`, "", CodeValidation, msgUnderflow},
		{`{"L":[{"S":"a"},{}]}`, "", CodeValidation, msgEmptyValue},
		{`{"M":{"a":{"NULL":false}}}`, "", CodeValidation, msgNullFalse},
		{`{"S":1}`, "", CodeSerialization, ""},
		{`{"B":"!!"}`, "", CodeSerialization, ""},
		{`[]`, "", CodeSerialization, ""},
	}
	for _, tt := range tests {
		var v Value
		err := v.UnmarshalJSON([]byte(tt.in))
		if tt.code != "" {
			if !errors.Is(err, &Error{Code: tt.code, Message: tt.msg}) {
				t.Errorf("%s: err = %v, want %s %q", tt.in, err, tt.code, tt.msg)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if got := string(v.AppendJSON(nil)); got != tt.out {
			t.Errorf("%s encodes as %s, want %s", tt.in, got, tt.out)
		}
	}
}

func TestSize(t *testing.T) {
	tests := []struct {
		item string
		want int
	}{
		{`{"a":{"S":"héllo"}}`, 1 + 6},
		{`{"ab":{"N":"123"}}`, 2 + 3},
		{`{"n":{"N":"-1.5"}}`, 1 + 2},
		{`{"n":{"N":"0"}}`, 1 + 1},
		{`{"b":{"B":"AAEC"}}`, 1 + 3},
		{`{"t":{"BOOL":true},"u":{"NULL":true}}`, 2 + 2},
		{`{"l":{"L":[{"S":"ab"},{"N":"1"}]}}`, 1 + 3 + 2 + 2 + 2},
		{`{"m":{"M":{"k":{"S":"v"}}}}`, 1 + 3 + 1 + 1 + 1},
		{`{"s":{"SS":["a","bc"]},"n":{"NS":["1","22222"]}}`, 1 + 3 + 1 + 2 + 4},
	}
	for _, tt := range tests {
		item, err := DecodeItem([]byte(tt.item))
		if err != nil {
			t.Fatalf("%s: %v", tt.item, err)
		}
		if got := Size(item); got != tt.want {
			t.Errorf("Size(%s) = %d, want %d", tt.item, got, tt.want)
		}
	}
}

func TestEqualAndCompare(t *testing.T) {
	a := Value{Type: SS, Set: []string{"x", "y"}}
	b := Value{Type: SS, Set: []string{"y", "x"}}
	if !a.Equal(b) {
		t.Error("sets in another order are not equal")
	}
	if a.Equal(Value{Type: SS, Set: []string{"x"}}) {
		t.Error("sets of different sizes are equal")
	}
	if Str("1").Equal(mustNumV(t, "1")) {
		t.Error("S 1 equals N 1")
	}
	if c, ok := Compare(mustNumV(t, "10"), mustNumV(t, "9")); !ok || c != 1 {
		t.Errorf("Compare(10, 9) = %d, %v", c, ok)
	}
	if c, ok := Compare(Str("10"), Str("9")); !ok || c != -1 {
		t.Errorf(`Compare("10", "9") = %d, %v`, c, ok)
	}
	if _, ok := Compare(Str("a"), mustNumV(t, "1")); ok {
		t.Error("S and N compare")
	}
	if _, ok := Compare(Boolean(true), Boolean(true)); ok {
		t.Error("BOOL orders")
	}
}

func mustNumV(t *testing.T, s string) Value {
	v, err := ParseNum(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func FuzzDecodeValue(f *testing.F) {
	for _, s := range []string{`{"S":"x"}`, `{"M":{"a":{"L":[{"N":"1"},{"BS":["AA=="]}]}}}`, `{"NS":["1","2"]}`, `{}`, `{"NULL":true}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v Value
		if v.UnmarshalJSON(data) != nil {
			return
		}
		out := v.AppendJSON(nil)
		var w Value
		if err := w.UnmarshalJSON(out); err != nil {
			t.Fatalf("%s re-decodes with %v", out, err)
		}
		if !v.Equal(w) || string(w.AppendJSON(nil)) != string(out) {
			t.Fatalf("%s does not round-trip", out)
		}
		_ = v.Size()
	})
}

func TestCheckSize(t *testing.T) {
	name := "k"
	fits := Item{name: Str(strings.Repeat("x", MaxItemSize-len(name)))}
	if err := CheckSize(fits); err != nil {
		t.Errorf("item of exactly %d bytes: %v", MaxItemSize, err)
	}
	over := Item{name: Str(strings.Repeat("x", MaxItemSize-len(name)+1))}
	if err := CheckSize(over); !errors.Is(err, &Error{Code: CodeValidation, Message: msgItemTooLarge}) {
		t.Errorf("item one byte over: %v", err)
	}
}
