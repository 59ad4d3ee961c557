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
		err            string // the error's message, when it fails
	}
	for _, c := range []tc{
		{in: `"plain",x`, want: "plain", rest: ",x"},
		{in: `""`, want: ""},
		{in: `"q\"b\\s\/n\nt\t\b\f\r"`, want: "q\"b\\s/n\nt\t\b\f\r"},
		{in: `"\u00e9\u2028"}`, want: "é\u2028", rest: "}"},
		{in: `"\ud83d\ude00"`, want: "😀"},
		{in: `"\ud83d"`, want: "\ufffd"},
		{in: `"\ude00\ud83d"`, want: "\ufffd\ufffd"},
		{in: `"\ud83dx"`, want: "\ufffdx"},
		{in: `"\ud83d\u0041"`, want: "\ufffdA"},
		{in: "\"bad\xff\"", want: "bad\ufffd"},
		{in: "\"\\n\xff\"", want: "\n\ufffd"},
		{in: `"unterminated`, err: "invalid JSON string at offset 13: unterminated string"},
		{in: `"ends in \`, err: "unterminated string"},
		{in: `nope`, err: "invalid JSON string at offset 0: expected a string"},
		{in: "\"ctl\x01\"", err: "invalid JSON string at offset 4: control character in string"},
		{in: `"a\x"`, err: "invalid JSON string at offset 2: invalid escape \\x"},
		{in: `"\u12"`, err: `invalid JSON string at offset 1: invalid \u escape`},
		{in: `"\ud83d\u12"`, err: `invalid JSON string at offset 7: invalid \u escape`},
	} {
		got, rest, err := ReadString([]byte(c.in))
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("ReadString(%q) error %v, want %q", c.in, err, c.err)
		case c.err == "" && (err != nil || string(got) != c.want || string(rest) != c.rest):
			t.Errorf("ReadString(%q) = %q, %q, %v; want %q, %q", c.in, got, rest, err, c.want, c.rest)
		}
	}
	plain := []byte(`"abc"`)
	if got, _, _ := ReadString(plain); &got[0] != &plain[1] {
		t.Error("a plain string is copied")
	}
}

// FuzzReadString: ReadString decodes as encoding/json does and fails where
// it fails; whatever AppendString writes, ReadString reads back.
func FuzzReadString(f *testing.F) {
	for _, s := range []string{`"a"`, `"\n\u0041"`, `"\ud800"`, `"x\"y"`, `"\ud83d\ude00"`, "\"\xff\"", `"\ud800\u"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, rest, err := ReadString(b)
		if err == nil {
			var want string
			if err := json.Unmarshal(b[:len(b)-len(rest)], &want); err != nil || want != string(got) {
				t.Errorf("ReadString(%q) = %q; encoding/json: %q, %v", b, got, want, err)
			}
		} else if len(b) > 0 && b[0] == '"' {
			// A string ReadString refuses, encoding/json refuses.
			var s string
			if json.Unmarshal(b, &s) == nil {
				t.Errorf("ReadString(%q): %v; encoding/json reads %q", b, err, s)
			}
		}
		if s := string(b); utf8.ValidString(s) {
			got, rest, err := ReadString(AppendString(nil, s))
			if err != nil || string(got) != s || len(rest) != 0 {
				t.Errorf("AppendString(%q) read back as %q, %v", s, got, err)
			}
		}
	})
}

func TestSkipValue(t *testing.T) {
	for in, want := range map[string]int{
		`"a\"b",`: 6, `{"a":["}",{"b":1}]} x`: 19, `[]`: 2, `12.5e3,`: 6, `true}`: 4, `"\\"x`: 4,
	} {
		if n, ok := SkipValue([]byte(in)); !ok || n != want {
			t.Errorf("SkipValue(%s) = %d, %v; want %d", in, n, ok, want)
		}
	}
	for _, in := range []string{``, `"abc`, `{"a":[1}`, `,`} {
		if n, ok := SkipValue([]byte(in)); ok {
			t.Errorf("SkipValue(%s) = %d, true; want false", in, n)
		}
	}
}
