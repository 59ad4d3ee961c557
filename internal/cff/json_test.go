package cff

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// toAny converts a parsed value to what encoding/json decodes into any.
func toAny(t *testing.T, v *value) any {
	switch v.kind() {
	case kindObject:
		m := make(map[string]any, len(v.obj))
		for _, e := range v.obj {
			m[e.key] = toAny(t, e.val)
		}
		return m
	case kindArray:
		a := make([]any, 0, len(v.arr))
		for _, e := range v.arr {
			a = append(a, toAny(t, e))
		}
		return a
	case kindString:
		return v.str
	case kindNumber:
		f, err := strconv.ParseFloat(v.str, 64)
		if err != nil {
			return "number out of range"
		}
		return f
	case kindBool:
		return v.str == "true"
	}
	return nil
}

// FuzzParse checks parse against encoding/json: it accepts exactly the
// valid JSON, reads the same values, and each value's raw text decodes to
// the value.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"a":[1,-2.5e3,true,false,null],"b":{"c":"d\u00e9\ud83d\ude00"}}`, `"\ud800"`, "\"caf\xe9\"", `{"a":1,"a":2,"b":3}`, ` [ ] `, `{}`, `1e400`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, ok := parse(data)
		if ok != json.Valid(data) {
			t.Fatalf("parse ok=%v, json.Valid=%v", ok, !ok)
		}
		if !ok {
			return
		}
		var want any
		if err := json.Unmarshal(data, &want); err != nil {
			return // a number out of float64's range
		}
		if diff := cmp.Diff(want, toAny(t, v)); diff != "" {
			t.Fatalf("parse differs from encoding/json (-json +parse):\n%s", diff)
		}
		var raw any
		if err := json.Unmarshal(v.raw, &raw); err != nil || !cmp.Equal(want, raw) {
			t.Fatalf("raw %q does not decode to the value", v.raw)
		}
	})
}

func TestParseOrderAndDuplicates(t *testing.T) {
	var keys []string
	big := "{"
	for i := range 40 {
		if i > 0 {
			big += ","
		}
		big += `"k` + strconv.Itoa(i%20) + `":` + strconv.Itoa(i)
	}
	big += "}"
	for _, tc := range []struct {
		in        string
		keys      []string
		key, want string
	}{
		{`{"b":1,"a":2,"b":3}`, []string{"b", "a"}, "b", "3"},
		{big, nil, "k19", "39"},
	} {
		v, ok := parse([]byte(tc.in))
		if !ok {
			t.Fatalf("parse %s failed", tc.in)
		}
		keys = keys[:0]
		for _, m := range v.obj {
			keys = append(keys, m.key)
		}
		if tc.keys != nil && !cmp.Equal(keys, tc.keys) {
			t.Errorf("keys %v, want %v", keys, tc.keys)
		}
		if tc.keys == nil && len(keys) != 20 {
			t.Errorf("%d keys, want 20", len(keys))
		}
		if got := v.obj.get(tc.key).str; got != tc.want {
			t.Errorf("%s is %s, want %s", tc.key, got, tc.want)
		}
	}
}
