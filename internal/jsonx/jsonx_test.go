package jsonx

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestAppendString(t *testing.T) {
	type tc struct{ in, want string }
	for _, c := range []tc{
		{"plain", `"plain"`},
		{`q"b\`, `"q\"b\\"`},
		{"a\nb\tc\rd\x01", `"a\nb\tc\rd\u0001"`},
		{"<&>", `"<&>"`},
		{"ls\u2028ps\u2029", `"ls\u2028ps\u2029"`},
		{"bad\xffutf8", `"bad\ufffdutf8"`},
		{"héllo", `"héllo"`},
	} {
		if got := string(AppendString(nil, c.in)); got != c.want {
			t.Errorf("AppendString(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

// FuzzAppendString: the output is valid JSON that decodes to the input
// (with invalid UTF-8 replaced), as encoding/json would decode it.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "a\"b", "\u2028", "\xff", "tab\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := AppendString(nil, s)
		var back string
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("AppendString(%q) = %s: %v", s, out, err)
		}
		if want := strings.ToValidUTF8(s, "\ufffd"); back != want && utf8.ValidString(s) {
			t.Errorf("round trip of %q gave %q", s, back)
		}
	})
}

func TestReadString(t *testing.T) {
	type tc struct {
		in, want, rest string
		ok             bool
	}
	for _, c := range []tc{
		{`"plain",x`, "plain", ",x", true},
		{`"q\"b\\s\/n\nt\t"`, "q\"b\\s/n\nt\t", "", true},
		{`"\u00e9\u2028"}`, "é\u2028", "}", true},
		{`"\ud83d\ude00"`, "", "", false}, // surrogates: encoding/json's job
		{`"unterminated`, "", "", false},
		{`nope`, "", "", false},
		{"\"ctl\x01\"", "", "", false},
		{"\"bad\xff\"", "", "", false},
	} {
		got, rest, ok := ReadString([]byte(c.in))
		if ok != c.ok || (ok && (string(got) != c.want || string(rest) != c.rest)) {
			t.Errorf("ReadString(%q) = %q, %q, %v; want %q, %q, %v", c.in, got, rest, ok, c.want, c.rest, c.ok)
		}
	}
}

// FuzzReadString: whatever ReadString accepts, encoding/json decodes to
// the same string; whatever AppendString writes, ReadString reads back.
func FuzzReadString(f *testing.F) {
	for _, s := range []string{`"a"`, `"\n\u0041"`, `"\ud800"`, `"x\"y"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, rest, ok := ReadString(b); ok {
			var want string
			if err := json.Unmarshal(b[:len(b)-len(rest)], &want); err != nil || want != string(got) {
				t.Errorf("ReadString(%q) = %q; encoding/json: %q, %v", b, got, want, err)
			}
		}
		if s := string(b); utf8.ValidString(s) {
			got, rest, ok := ReadString(AppendString(nil, s))
			if !ok || string(got) != s || len(rest) != 0 {
				t.Errorf("AppendString(%q) read back as %q, %v", s, got, ok)
			}
		}
	})
}
