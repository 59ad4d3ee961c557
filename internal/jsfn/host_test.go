package jsfn

import (
	"bytes"
	"testing"
)

func TestByteStrings(t *testing.T) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	if got := bytesOf(byteString(all)); !bytes.Equal(got, all) {
		t.Errorf("round trip: %x", got)
	}
	if got := bytesOf("Ā"); !bytes.Equal(got, []byte{0}) {
		t.Errorf("U+0100 keeps its low byte: %x", got)
	}
}

type decodeTest struct {
	in, enc string
	want    []byte
}

var decodeTests = []decodeTest{
	{"aGk=", "base64", []byte("hi")},
	{"aG k\n", "base64", []byte("hi")},
	{"aGk=zzzz", "base64", []byte("hi")},
	{"-_8", "base64url", []byte{0xfb, 0xff}},
	{"+/8=", "base64url", []byte{0xfb, 0xff}},
	{"a", "base64", []byte{}},
	{"6869", "hex", []byte("hi")},
	{"686", "hex", []byte("h")},
	{"68zz69", "hex", []byte("h")},
	{"héllo", "utf8", []byte("héllo")},
	{"\u00e9\u00ff", "latin1", []byte{0xe9, 0xff}},
	{"a😀", "utf16le", []byte{'a', 0, 0x3d, 0xd8, 0x00, 0xde}},
}

func TestDecodeData(t *testing.T) {
	for _, c := range decodeTests {
		got, err := decodeData(c.in, c.enc)
		if err != nil || !bytes.Equal(got, c.want) {
			t.Errorf("decodeData(%q, %s) = %x, %v; want %x", c.in, c.enc, got, err, c.want)
		}
	}
	if _, err := decodeData("x", "utf7"); err == nil {
		t.Error("unknown encoding accepted")
	}
}

type atobTest struct {
	in   string
	want string
	ok   bool
}

var atobTests = []atobTest{
	{"aGVsbG8=", "hello", true},
	{"aGVsbG8", "hello", true},
	{" aG\tVs\nbG8= ", "hello", true},
	{"", "", true},
	{"aGk", "hi", true},
	{"aGl=", "hi", true}, // non-zero trailing bits are ignored
	{"a", "", false},
	{"aGVsbG8*", "", false},
	{"aGVsbG8==", "", false},
	{"-_8", "", false},
	{"=", "", false},
}

func TestForgivingBase64(t *testing.T) {
	for _, c := range atobTests {
		got, ok := decodeForgivingBase64(c.in)
		if ok != c.ok || (ok && string(got) != c.want) {
			t.Errorf("atob(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestQSUnescapeBuffer(t *testing.T) {
	for in, want := range map[string]string{
		"%41%zz":    "A%zz",
		"%E4%B8%AD": "中",
		"%E4":       "\uFFFD",
		"100%":      "100%",
		"%4":        "%4",
		"a+b":       "a+b",
	} {
		if got := qsUnescapeBuffer(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

// hostVM returns a VM for calling the host function directly.
func hostVM(t testing.TB) *vm {
	t.Helper()
	v, err := newVM(mustCompile(t, `function handler() { return 1; }`, Runtime20, roomy))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.close)
	return v
}

// TestHostBadArgs: the host function rejects malformed calls with an
// error and never panics.
func TestHostBadArgs(t *testing.T) {
	v := hostVM(t)
	v.run.reset(nil)
	for _, a := range [][]any{
		nil, {}, {"1"}, {1.5}, {99}, {opLog}, {opLog, 3}, {opB64Enc}, {opHashUpd, 1, "x", "utf8"},
		{opHashUpd, "1"}, {opHashDig, 12345, "hex"}, {opHashNew, "md5", 5, "utf8"}, {opHashNew, "md5", "k", "bogus"},
		{opKVSGet, "k"}, {opKVSGet, 1}, {opOrigin, 1, "{", ""}, {opOrigin, 7, "{}", ""}, {opOrigin, 1, "{}", "x"},
		{opOrigin}, {opHashNew}, {opUTF8Dec}, {opQSUnesc, nil},
	} {
		r, err := v.call(a)
		if err == nil && r != nil {
			t.Errorf("%v: %v, want an error", a, r)
		}
	}
	if v.run.panicked != "" {
		t.Errorf("panicked: %s", v.run.panicked)
	}
	// A hash too many.
	for range maxHashes {
		if _, err := v.call([]any{opHashNew, "md5", nil, ""}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := v.call([]any{opHashNew, "md5", nil, ""}); err == nil {
		t.Errorf("hash %d accepted", maxHashes+1)
	}
	v.run.reset(nil)
	if len(v.run.hashes) != 0 {
		t.Error("reset keeps the hashes")
	}
}

// FuzzHostCall calls the host function with arbitrary operations and
// strings: it may fail, never panic.
func FuzzHostCall(f *testing.F) {
	for op := opLog; op <= opQSUnesc; op++ {
		f.Add(op, "aGk=", "hex", true)
	}
	v := hostVM(f)
	f.Fuzz(func(t *testing.T, op int, s1, s2 string, b bool) {
		v.run.reset(mapHost{"k": "v"})
		id, _ := v.call([]any{opHashNew, "sha256", nil, ""})
		for _, a := range [][]any{{op, s1, s2}, {op, s1, b}, {op, id, s1, s2}, {op, 1, s1, s2}, {op, s1, s2, s1}} {
			_, _ = v.call(a)
		}
		if v.run.panicked != "" {
			t.Fatalf("panicked: %s", v.run.panicked)
		}
	})
}
