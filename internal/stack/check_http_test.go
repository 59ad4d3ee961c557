package stack

import (
	"strings"
	"testing"
)

func TestCheckRoutePath(t *testing.T) {
	type tc struct {
		path string
		want string // "" for valid, else a fragment of the message
	}
	for _, c := range []tc{
		{"/", ""},
		{"$default", ""},
		{"/users", ""},
		{"/users/{id}", ""},
		{"/users/{id}/orders/{order}", ""},
		{"/{proxy+}", ""},
		{"/files/{path+}", ""},
		{"/a-b_c.d~e", ""},
		{"", "must not be empty"},
		{"users", `must start with "/"`},
		{"/users/", `must not end with "/"`},
		{"/a//b", "empty segment"},
		{"/a/x{id}", "whole segment"},
		{"/a/{id}x", "written {name}"},
		{"/a/{id", "written {name}"},
		{"/{proxy+}/more", "last segment"},
		{"/a/{i d}", "parameter name"},
		{"/a/{id}/b/{id}", "twice"},
		{"/a b", "not allowed"},
	} {
		got := checkRoutePath(c.path)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("checkRoutePath(%q) = %q, want %q", c.path, got, c.want)
		}
	}
}

func TestRouteMethod(t *testing.T) {
	type tc struct{ in, want string }
	for _, c := range []tc{{"get", "GET"}, {"*", MethodAny}, {"any", MethodAny}, {"PATCH", "PATCH"}, {"FETCH", ""}} {
		got, err := routeMethod(c.in)
		if got != c.want || (err != nil) != (c.want == "") {
			t.Errorf("routeMethod(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestBlankParams(t *testing.T) {
	if a, b := blankParams("/a/{id}/{rest+}"), blankParams("/a/{name}/{path+}"); a != b {
		t.Errorf("%q != %q: routes differing only in parameter names must compare equal", a, b)
	}
	if a, b := blankParams("/a/{id}"), blankParams("/a/{id+}"); a == b {
		t.Errorf("a parameter and a greedy parameter compared equal (%q)", a)
	}
}

func TestCheckIdentitySource(t *testing.T) {
	type tc struct{ in, want string }
	for _, c := range []tc{
		{"$request.header.Authorization", ""},
		{"$request.querystring.token", ""},
		{"$context.identity.sourceIp", ""},
		{"$stageVariables.key", ""},
		{"$request.header.Bad Name", "not a valid header name"},
		{"$request.querystring.a&b", "not a valid query parameter name"},
		{"$context.a..b", "not a variable name"},
		{"header.Authorization", "must be"},
	} {
		got := checkIdentitySource(c.in)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("checkIdentitySource(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestCheckHTTPURLAndOrigin(t *testing.T) {
	type tc struct {
		in       string
		url, org bool // valid as a JWKS URL, as a CORS origin
	}
	for _, c := range []tc{
		{"https://example.com/.well-known/jwks.json", true, false},
		{"http://localhost:8080", true, true},
		{"https://example.com", true, true},
		{"*", false, true},
		{"example.com", false, false},
		{"https://user@example.com", false, false},
	} {
		if got := checkHTTPURL(c.in) == ""; got != c.url {
			t.Errorf("checkHTTPURL(%q) valid = %v, want %v (%s)", c.in, got, c.url, checkHTTPURL(c.in))
		}
		if got := checkOrigin(c.in) == ""; got != c.org {
			t.Errorf("checkOrigin(%q) valid = %v, want %v (%s)", c.in, got, c.org, checkOrigin(c.in))
		}
	}
}

func TestCheckALBConditions(t *testing.T) {
	type tc struct {
		name  string
		check func(string) (string, error)
		in    string
		ok    bool
	}
	for _, c := range []tc{
		{"path", checkALBPath, "/api/*", true},
		{"path without slash", checkALBPath, "api", false},
		{"method", checkALBMethod, "GET", true},
		{"lower-case method", checkALBMethod, "get", false},
		{"host", checkALBHost, "*.Example.com", true},
		{"source ip", checkSourceIP, "10.0.0.0/8", true},
		{"source ip without prefix", checkSourceIP, "10.0.0.1", false},
		{"ipv6 source", checkSourceIP, "2001:db8::/32", true},
	} {
		_, err := c.check(c.in)
		if (err == nil) != c.ok {
			t.Errorf("%s %q: err %v, want ok=%v", c.name, c.in, err, c.ok)
		}
	}
}
