package edge

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/verge-edge/verge/internal/jsonx"
)

// FuzzAppendJSONString checks that log fields always make valid JSON that
// decodes back to the input when the input is valid UTF-8.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", `q"uote\back`, "ctl\x00\x1f", "é✓", "bad\xff\xfeutf8"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := jsonx.AppendString(nil, s)
		var back string
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%q gave invalid JSON %s: %v", s, b, err)
		}
		if utf8.ValidString(s) && back != s {
			t.Errorf("%q round-tripped to %q", s, back)
		}
	})
}
