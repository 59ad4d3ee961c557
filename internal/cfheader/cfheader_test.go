package cfheader

import "testing"

func TestRules(t *testing.T) {
	type tc struct {
		in                    string
		disallowed, name, ctl bool
	}
	for _, c := range []tc{
		{in: "x-amz-cf-id", disallowed: true, name: true},
		{in: "x-edge-location", disallowed: true, name: true},
		{in: "connection", disallowed: true, name: true},
		{in: "x-forwarded-proto", disallowed: true, name: true},
		{in: "x-custom", name: true},
		{in: "bad name", ctl: false},
		{in: "tab\tok", ctl: false},
		{in: "nl\n", ctl: true},
		{in: "del\x7f", ctl: true},
		{in: ""},
	} {
		if got := Disallowed(c.in); got != c.disallowed {
			t.Errorf("Disallowed(%q) = %v", c.in, got)
		}
		if got := ValidName(c.in); got != c.name {
			t.Errorf("ValidName(%q) = %v", c.in, got)
		}
		if got := HasCTL(c.in); got != c.ctl {
			t.Errorf("HasCTL(%q) = %v", c.in, got)
		}
	}
	for in, want := range map[string]string{"plain": "plain", "caf\xe9": "café", "ünï": "ünï"} {
		if got := ToUTF8(in); got != want {
			t.Errorf("ToUTF8(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzToUTF8(f *testing.F) {
	f.Add("caf\xe9")
	f.Fuzz(func(t *testing.T, s string) {
		out := ToUTF8(s)
		if len(out) < len(s) {
			t.Errorf("ToUTF8(%q) = %q lost bytes", s, out)
		}
	})
}
