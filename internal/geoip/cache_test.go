package geoip

import "testing"

func TestCodeCache(t *testing.T) {
	var c codeCache
	if _, ok := c.get(0); ok {
		t.Fatal("an empty cache hits offset 0")
	}
	// Two offsets that share a slot must not answer for each other.
	a := uintptr(0)
	b := a + 1
	for slot(b) != slot(a) {
		b++
	}
	type step struct {
		put      bool
		offset   uintptr
		code     string
		wantCode string
		wantOK   bool
	}
	for i, s := range []step{
		{put: true, offset: a, code: ""},
		{offset: a, wantCode: "", wantOK: true},
		{offset: b, wantOK: false},
		{put: true, offset: b, code: "GB"},
		{offset: b, wantCode: "GB", wantOK: true},
		{offset: a, wantOK: false},
		{put: true, offset: 1 << 40, code: "ZZ"},
		{offset: 1 << 40, wantCode: "ZZ", wantOK: true},
	} {
		if s.put {
			c.put(s.offset, s.code)
			continue
		}
		if code, ok := c.get(s.offset); code != s.wantCode || ok != s.wantOK {
			t.Errorf("step %d: get(%d) = %q, %v; want %q, %v", i, s.offset, code, ok, s.wantCode, s.wantOK)
		}
	}
}

func TestCodeString(t *testing.T) {
	for i := byte('A'); i <= 'Z'; i++ {
		for j := byte('A'); j <= 'Z'; j++ {
			want := string([]byte{i, j})
			if got := codeString(uint16(i)<<8 | uint16(j)); got != want {
				t.Fatalf("codeString(%q) = %q", want, got)
			}
		}
	}
	if got := codeString(0); got != "" {
		t.Errorf("codeString(0) = %q", got)
	}
}
