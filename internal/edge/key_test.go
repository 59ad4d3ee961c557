package edge

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/verge-edge/verge/internal/stack"
)

func TestCacheKey(t *testing.T) {
	d := &dist{name: "site"}
	mk := func(p stack.CachePolicy) *behavior {
		b := &behavior{policy: p}
		if p.QueryStrings.Mode == stack.KeyAllowList {
			b.queryAllow = setOf(p.QueryStrings.Names)
		}
		if len(p.Cookies) > 0 {
			b.cookieSet = setOf(p.Cookies)
		}
		return b
	}
	none := mk(defaultPolicy)
	allQ := defaultPolicy
	allQ.QueryStrings.Mode = stack.KeyAll
	all := mk(allQ)
	allowP := defaultPolicy
	allowP.QueryStrings = stack.KeyParts{Mode: stack.KeyAllowList, Names: []string{"page", "lang"}}
	allowP.Headers = []string{"Accept-Language"}
	allowP.Cookies = []string{"session"}
	allow := mk(allowP)
	req := func(rawURL string, hdr ...string) *http.Request {
		u, _ := url.Parse(rawURL)
		r := &http.Request{URL: u, Header: http.Header{}}
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Add(hdr[i], hdr[i+1])
		}
		return r
	}
	type tc struct {
		name string
		b    *behavior
		a, z *http.Request
		same bool
	}
	for _, c := range []tc{
		{"query ignored", none, req("/p?a=1"), req("/p?a=2"), true},
		{"path differs", none, req("/p"), req("/q"), false},
		{"all: query differs", all, req("/p?a=1"), req("/p?a=2"), false},
		{"allow: other param ignored", allow, req("/p?page=1&utm=a"), req("/p?page=1&utm=b"), true},
		{"allow: listed param differs", allow, req("/p?page=1"), req("/p?page=2"), false},
		{"allow: header differs", allow, req("/p", "Accept-Language", "en"), req("/p", "Accept-Language", "fr"), false},
		{"allow: unlisted header ignored", allow, req("/p", "X-A", "1"), req("/p", "X-A", "2"), true},
		{"allow: cookie differs", allow, req("/p", "Cookie", "session=1; x=1"), req("/p", "Cookie", "session=2; x=1"), false},
		{"allow: unlisted cookie ignored", allow, req("/p", "Cookie", "session=1; x=1"), req("/p", "Cookie", "x=2; session=1"), true},
		{"no collision across parts", allow, req("/p?page=1", "Accept-Language", "x"), req("/p?page=1x"), false},
	} {
		ka := string(c.b.appendKey(nil, d, c.a))
		kz := string(c.b.appendKey(nil, d, c.z))
		if (ka == kz) != c.same {
			t.Errorf("%s: keys %q and %q, same=%v want %v", c.name, ka, kz, ka == kz, c.same)
		}
	}
	if got := allow.forwardedQuery("page=1&utm=a&lang=en"); got != "page=1&lang=en" {
		t.Errorf("forwarded query %q", got)
	}
}

func TestCacheKeyAllocs(t *testing.T) {
	d := &dist{name: "site"}
	p := defaultPolicy
	p.QueryStrings = stack.KeyParts{Mode: stack.KeyAllowList, Names: []string{"page"}}
	b := &behavior{policy: p, queryAllow: setOf([]string{"page"})}
	u, _ := url.Parse("/a/b/c.html?page=2&utm=x")
	r := &http.Request{URL: u, Header: http.Header{"Accept": {"*/*"}}}
	buf := make([]byte, 0, 256)
	if n := testing.AllocsPerRun(100, func() { buf = b.appendKey(buf[:0], d, r) }); n != 0 {
		t.Errorf("appendKey allocates %v times", n)
	}
}
