package pattern

import (
	"strings"
	"testing"
)

// TestCompileOptions checks the dialect switches SNS uses: a larger size
// limit and anything-but over every leaf.
func TestCompileOptions(t *testing.T) {
	big := `{"a":["` + strings.Repeat("x", MaxPatternSize) + `"]}`
	if _, err := Compile([]byte(big)); err == nil {
		t.Error("Compile accepted a pattern above MaxPatternSize")
	}
	if _, err := CompileOptions([]byte(big), Options{MaxSize: 2 * MaxPatternSize}); err != nil {
		t.Errorf("CompileOptions(MaxSize): %v", err)
	}
	type tc struct {
		pattern, event string
		any, every     bool
	}
	for _, c := range []tc{
		{`{"a":[{"anything-but":["x","y"]}]}`, `{"a":["x","z"]}`, true, false},
		{`{"a":[{"anything-but":["x","y"]}]}`, `{"a":["w","z"]}`, true, true},
		{`{"a":[{"anything-but":["x","y"]}]}`, `{"a":[]}`, false, false},
		{`{"a":[{"anything-but":{"prefix":"x"}}]}`, `{"a":["xa","b"]}`, true, false},
		{`{"a":[{"anything-but":[1,2]}]}`, `{"a":[3,4]}`, true, true},
		{`{"a":["x"]}`, `{"a":["x","y"]}`, true, true},
	} {
		for _, every := range []bool{false, true} {
			p, err := CompileOptions([]byte(c.pattern), Options{AnythingButEvery: every})
			if err != nil {
				t.Fatalf("%s: %v", c.pattern, err)
			}
			want := c.any
			if every {
				want = c.every
			}
			if got := p.Match([]byte(c.event)); got != want {
				t.Errorf("%s every=%v on %s = %v, want %v", c.pattern, every, c.event, got, want)
			}
		}
	}
}

// TestEventBuilder checks that an event built value by value matches as
// the same event flattened from JSON.
func TestEventBuilder(t *testing.T) {
	e := NewEvent()
	e.AddString("kind", "order")
	e.AddNumber("total", "3.015e2", 301.5)
	if err := e.AddJSON("tags", []byte(`["a", {"b": true}, 7]`)); err != nil {
		t.Fatal(err)
	}
	if err := e.AddJSON("bad", []byte(`[1,`)); err == nil {
		t.Error("AddJSON accepted broken JSON")
	}
	for pattern, want := range map[string]bool{
		`{"kind":["order"],"total":[{"numeric":["=",301.5]}]}`: true,
		`{"total":[301.5]}`:              false, // exact numbers compare text
		`{"tags":["a"],"tags.b":[true]}`: true,
		`{"tags":[7]}`:                   true,
		`{"kind":[{"exists":false}]}`:    false,
	} {
		p, err := Compile([]byte(pattern))
		if err != nil {
			t.Fatalf("%s: %v", pattern, err)
		}
		if got := p.MatchEvent(e); got != want {
			t.Errorf("%s = %v, want %v", pattern, got, want)
		}
	}
}
