package stack

import (
	"reflect"
	"strings"
	"testing"
)

type patternTest struct {
	pattern string
	problem string // a substring of the problem; "" when valid
}

var patternTests = []patternTest{
	{"/", ""},
	{"/*", ""},
	{"*.jpg", ""},
	{"/api/*", ""},
	{"/images/????.png", ""},
	{"/a-b_c.d~e$f@g:h+i&j'k\"l", ""},
	{"/" + strings.Repeat("a", 254), ""},
	{"/" + strings.Repeat("a", 255), "256 characters long; the limit is 255"},
	{"", "must not be empty"},
	{"*", "default behaviour"},
	{"api/*", `must start with "/" or "*"`},
	{"?foo", `must start with "/" or "*"`},
	{"/a b", `character ' ' at position 3`},
	{"/a%20b", `character '%'`},
	{"/a#b", `character '#'`},
	{"/é", `character 'é'`},
	{"/a\x00", `character '\x00'`},
}

func TestCheckPathPattern(t *testing.T) {
	for _, tt := range patternTests {
		got := checkPathPattern(tt.pattern)
		if tt.problem == "" && got != "" || tt.problem != "" && !strings.Contains(got, tt.problem) {
			t.Errorf("checkPathPattern(%q) = %q, want %q", tt.pattern, got, tt.problem)
		}
	}
}

type urlTest struct {
	raw  string
	want string // the URL, or a substring of the error
	ok   bool
}

var originURLTests = []urlTest{
	{"http://127.0.0.1:9000/prefix", "http://127.0.0.1:9000/prefix", true},
	{"http://127.0.0.1:9000/prefix/", "http://127.0.0.1:9000/prefix", true},
	{"http://127.0.0.1:9000/", "http://127.0.0.1:9000", true},
	{"http://127.0.0.1:9000", "http://127.0.0.1:9000", true},
	{"https://Example.com", "https://example.com:443", true},
	{"http://example.com", "http://example.com:80", true},
	{"https://example.com:8443/a/b", "https://example.com:8443/a/b", true},
	{"http://[::1]/x", "http://[::1]:80/x", true},
	{"http://example.com/a%20b", "http://example.com:80/a%20b", true},
	{"example.com", "needs a scheme", false},
	{"127.0.0.1:9000", "needs a scheme", false},
	{"ftp://example.com", `scheme "ftp"`, false},
	{"http://", "no host", false},
	{"http://:80", "no host", false},
	{"http://a?x=1", "query", false},
	{"http://a/?", "query", false},
	{"http://a#f", "fragment", false},
	{"http://a/#", "fragment", false},
	{"http://u:p@a", "user or password", false},
	{"http://a:0", `port "0"`, false},
	{"http://a:65536", `port "65536"`, false},
	{"http://a b", "not a valid URL", false},
}

func TestOriginURL(t *testing.T) {
	for _, tt := range originURLTests {
		got, err := originURL(tt.raw)
		switch {
		case tt.ok && (err != nil || got != tt.want):
			t.Errorf("originURL(%q) = %q, %v; want %q", tt.raw, got, err, tt.want)
		case !tt.ok && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("originURL(%q) = %q, %v; want an error with %q", tt.raw, got, err, tt.want)
		}
	}
}

type domainTest struct {
	domain, protocol string
	port             int
	path             string
	want             string // the URL, or a substring of the error
	ok               bool
}

var domainURLTests = []domainTest{
	{"example.com", "https", 0, "", "https://example.com:443", true},
	{"example.com", "http", 0, "", "http://example.com:80", true},
	{"Example.com", "http", 8080, "/app", "http://example.com:8080/app", true},
	{"10.0.0.1", "http", 0, "/a/b", "http://10.0.0.1:80/a/b", true},
	{"::1", "http", 9000, "", "http://[::1]:9000", true},
	{"localhost", "http", 3000, "", "http://localhost:3000", true},
	{"example.com.", "https", 0, "", "https://example.com.:443", true},
	{"http://example.com", "https", 0, "", "use url", false},
	{"example.com:80", "https", 0, "", "put the port in port", false},
	{"example.com/x", "https", 0, "", "put a path prefix in path", false},
	{"bad_host", "https", 0, "", "not a valid host name", false},
	{"-bad.com", "https", 0, "", "not a valid host name", false},
	{"", "https", 0, "", "not a valid host name", false},
	{strings.Repeat("a.", 127) + "com", "https", 0, "", "longer than 253", false},
	{"example.com", "ftp", 0, "", "protocol must be http or https", false},
	{"example.com", "https", 70000, "", "port must be between 1 and 65535", false},
	{"example.com", "https", 0, "app", `must start with "/"`, false},
	{"example.com", "https", 0, "/app/", `must not end with "/"`, false},
	{"example.com", "https", 0, "/a//b", "clean path", false},
	{"example.com", "https", 0, "/a?b", "query", false},
}

func TestDomainURL(t *testing.T) {
	for _, tt := range domainURLTests {
		got, err := domainURL(tt.domain, tt.protocol, tt.port, tt.path)
		switch {
		case tt.ok && (err != nil || got != tt.want):
			t.Errorf("domainURL(%q, %q, %d, %q) = %q, %v; want %q", tt.domain, tt.protocol, tt.port, tt.path, got, err, tt.want)
		case !tt.ok && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("domainURL(%q, %q, %d, %q) = %q, %v; want an error with %q", tt.domain, tt.protocol, tt.port, tt.path, got, err, tt.want)
		}
	}
}

type nameTest struct {
	in, want string // want "" for an error
}

func TestHeaderName(t *testing.T) {
	tests := []nameTest{
		{"accept-language", "Accept-Language"},
		{"X-DEVICE", "X-Device"},
		{"CloudFront-Viewer-Country", "Cloudfront-Viewer-Country"},
		{"accept-encoding", ""},
		{"Accept-Encoding", ""},
		{"bad header", ""},
		{"a:b", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, err := headerName(tt.in)
		if got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("headerName(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestCookieAndQueryNames(t *testing.T) {
	cookies := []nameTest{{"session", "session"}, {"ab_test", "ab_test"}, {"a;b", ""}, {"a=b", ""}, {"", ""}}
	for _, tt := range cookies {
		if got, err := cookieName(tt.in); got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("cookieName(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	queries := []nameTest{{"page", "page"}, {"a b", "a b"}, {"utm[source]", "utm[source]"}, {"", ""}, {"a\nb", ""}}
	for _, tt := range queries {
		if got, err := queryName(tt.in); got != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("queryName(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestCustomHeader(t *testing.T) {
	tests := []struct {
		name, value string
		want        Header
		problem     string
	}{
		{"x-api-key", "abc", Header{"X-Api-Key", "abc"}, ""},
		{"X-Tab", "a\tb", Header{"X-Tab", "a\tb"}, ""},
		{"X-Empty", "", Header{"X-Empty", ""}, ""},
		{"host", "example.com", Header{}, "Host"},
		{"transfer-encoding", "chunked", Header{}, "Transfer-Encoding"},
		{"TE", "trailers", Header{}, "Te"},
		{"Upgrade", "h2c", Header{}, "Upgrade"},
		{"x key", "v", Header{}, "not a valid header name"},
		{"X-Line", "a\r\nb", Header{}, "control character"},
	}
	for _, tt := range tests {
		got, err := customHeader(tt.name, tt.value)
		if got != tt.want || tt.problem == "" && err != nil || tt.problem != "" && (err == nil || !strings.Contains(err.Error(), tt.problem)) {
			t.Errorf("customHeader(%q, %q) = %v, %v; want %v, %q", tt.name, tt.value, got, err, tt.want, tt.problem)
		}
	}
}

func TestBlockErrorLine(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       int
	}{
		{"mis-indented key", "a:\n  b: 1\n  c: 2\n d: 3\n", 4},
		{"mis-indented list item", "a:\n  - 1\n  - 2\n - 3\nb: 1\n", 4},
		{"tab", "a:\n\tb: 1\n", 2},
		{"unclosed flow", "a: {b: 1\nc: 2\n", 0}, // whatever the parser says
	}
	for _, tt := range tests {
		d := newDecoder()
		if root := d.parseYAML([]byte(tt.yaml)); root != nil || len(d.problems) != 1 {
			t.Fatalf("%s: parseYAML = %v, problems %v; want one problem", tt.name, root, d.problems)
		}
		if got := d.problems[0].line; tt.want != 0 && got != tt.want {
			t.Errorf("%s: error at line %d, want %d: %s", tt.name, got, tt.want, d.problems[0].msg)
		}
	}
}

// TestSchemaTags checks that every exported field of the schema structs is
// a key (or explicitly not one), so the schema has no silent fields.
func TestSchemaTags(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(typ reflect.Type) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || seen[typ] {
			return
		}
		seen[typ] = true
		for i := range typ.NumField() {
			f := typ.Field(i)
			if tag := f.Tag.Get("yaml"); f.IsExported() && tag == "" {
				t.Errorf("%s.%s has no yaml tag", typ.Name(), f.Name)
			}
			if v := f.Tag.Get("verge"); v != "" && v != "required" {
				t.Errorf("%s.%s: unknown verge tag %q", typ.Name(), f.Name, v)
			}
			walk(f.Type)
		}
	}
	walk(reflect.TypeFor[Stack]())
	walk(reflect.TypeFor[Resource]())
	for _, ts := range []typeSet{resourceTypes, routeTypes, packagingTypes, eventTypes, authorizerTypes, kafkaAuthTypes, cfTypes} {
		for _, newProps := range ts.supported {
			walk(reflect.TypeOf(newProps()))
		}
	}
	if len(seen) < 15 {
		t.Errorf("walked %d schema structs; the walk is missing some", len(seen))
	}
}
