package alb

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// req builds a request from method, URL, remote address and header lines.
func req(method, url, remote string, headers ...string) *http.Request {
	r := httptest.NewRequest(method, url, nil)
	r.RemoteAddr = remote
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		if http.CanonicalHeaderKey(k) == "Host" {
			r.Host = v
			continue
		}
		r.Header.Add(k, v)
	}
	return r
}

type ruleCase struct {
	name string
	rule Rule
	req  *http.Request
	want bool
}

func TestRuleConditions(t *testing.T) {
	const ip = "10.1.2.3:5555"
	cases := []ruleCase{
		{"path exact", Rule{Paths: []string{"/a"}}, req("GET", "http://h/a", ip), true},
		{"path is case-sensitive", Rule{Paths: []string{"/a"}}, req("GET", "http://h/A", ip), false},
		{"path any value", Rule{Paths: []string{"/x", "/img/*"}}, req("GET", "http://h/img/1.png", ip), true},
		{"path ignores query", Rule{Paths: []string{"/a"}}, req("GET", "http://h/a?b=c", ip), true},
		{"path decoded", Rule{Paths: []string{"/a b"}}, req("GET", "http://h/a%20b", ip), true},
		{"method", Rule{Methods: []string{"GET", "POST"}}, req("POST", "http://h/", ip), true},
		{"method other", Rule{Methods: []string{"GET"}}, req("PUT", "http://h/", ip), false},
		{"method case-sensitive", Rule{Methods: []string{"get"}}, req("GET", "http://h/", ip), false},
		{"host wildcard, any case", Rule{Hosts: []string{"*.Example.com"}}, req("GET", "http://www.example.COM/", ip), true},
		{"host without port", Rule{Hosts: []string{"api.example.com"}}, req("GET", "http://api.example.com:8080/", ip), true},
		{"host other", Rule{Hosts: []string{"api.example.com"}}, req("GET", "http://www.example.com/", ip), false},
		{"header value wildcard", Rule{Headers: []HeaderCondition{{"User-Agent", []string{"*Mobile*"}}}},
			req("GET", "http://h/", ip, "User-Agent: Foo mobile Bar"), true},
		{"header any value of the header", Rule{Headers: []HeaderCondition{{"x-env", []string{"prod"}}}},
			req("GET", "http://h/", ip, "X-Env: dev", "X-Env: PROD"), true},
		{"header absent", Rule{Headers: []HeaderCondition{{"x-env", []string{"*"}}}}, req("GET", "http://h/", ip), false},
		{"header all conditions", Rule{Headers: []HeaderCondition{{"a", []string{"1"}}, {"b", []string{"2"}}}},
			req("GET", "http://h/", ip, "A: 1", "B: 3"), false},
		{"header host", Rule{Headers: []HeaderCondition{{"Host", []string{"h"}}}}, req("GET", "http://h/", ip), true},
		{"query pair", Rule{QueryParams: []QueryParamCondition{{"version", []string{"v1", "v2"}}}},
			req("GET", "http://h/?version=V2", ip), true},
		{"query other value", Rule{QueryParams: []QueryParamCondition{{"version", []string{"v1"}}}},
			req("GET", "http://h/?version=v3", ip), false},
		{"query any name", Rule{QueryParams: []QueryParamCondition{{"", []string{"x*"}}}},
			req("GET", "http://h/?a=1&b=xyz", ip), true},
		{"query raw, not decoded", Rule{QueryParams: []QueryParamCondition{{"q", []string{"a%20b"}}}},
			req("GET", "http://h/?q=a%20b", ip), true},
		{"query literal star", Rule{QueryParams: []QueryParamCondition{{"q", []string{`\*`}}}},
			req("GET", "http://h/?q=x", ip), false},
		{"source ip v4", Rule{SourceIPs: []string{"10.0.0.0/8"}}, req("GET", "http://h/", ip), true},
		{"source ip outside", Rule{SourceIPs: []string{"192.168.0.0/16"}}, req("GET", "http://h/", ip), false},
		{"source ip ignores forwarded-for", Rule{SourceIPs: []string{"192.168.0.0/16"}},
			req("GET", "http://h/", ip, "X-Forwarded-For: 192.168.1.1"), false},
		{"source ip v6", Rule{SourceIPs: []string{"2001:db8::/32"}}, req("GET", "http://h/", "[2001:db8::1]:80"), true},
		{"source ip mapped v4", Rule{SourceIPs: []string{"10.0.0.0/8"}}, req("GET", "http://h/", "[::ffff:10.0.0.1]:80"), true},
		{"all conditions", Rule{Paths: []string{"/a"}, Methods: []string{"GET"}, Hosts: []string{"h"}},
			req("GET", "http://h/a", ip), true},
		{"one condition fails", Rule{Paths: []string{"/a"}, Methods: []string{"POST"}}, req("GET", "http://h/a", ip), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.rule.Priority = 1
			rt, err := NewRouter([]Rule{c.rule})
			if err != nil {
				t.Fatal(err)
			}
			if _, got := rt.Match(c.req); got != c.want {
				t.Errorf("match = %v, want %v", got, c.want)
			}
		})
	}
}

func TestRouterPriority(t *testing.T) {
	rt, err := NewRouter([]Rule{
		{Priority: 30, Paths: []string{"*"}, Target: "catch-all"},
		{Priority: 10, Paths: []string{"/api/*"}, Target: "api"},
		{Priority: 20, Paths: []string{"/api/v2/*"}, Target: "v2"},
		{Priority: 5, Paths: []string{"/static/*"}, Methods: []string{"GET"}, Target: "static"},
	})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		method, url, want string
	}{
		{"GET", "http://h/api/v2/x", "api"}, // lower priority wins, not the more specific rule
		{"GET", "http://h/static/a.css", "static"},
		{"POST", "http://h/static/a.css", "catch-all"},
		{"GET", "http://h/other", "catch-all"},
	}
	for _, c := range cases {
		r, ok := rt.Match(req(c.method, c.url, "1.2.3.4:1"))
		if !ok || r.Target != c.want {
			t.Errorf("%s %s matched %v (%v), want %s", c.method, c.url, r, ok, c.want)
		}
	}
	rt, err = NewRouter([]Rule{{Priority: 1, Paths: []string{"/a"}}})
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := rt.Match(req("GET", "http://h/b", "1.2.3.4:1")); ok {
		t.Errorf("no rule should match, got %+v", r)
	}
}

func TestNewRouterErrors(t *testing.T) {
	cases := []struct {
		name  string
		rules []Rule
		want  string
	}{
		{"priority zero", []Rule{{Paths: []string{"/"}}}, "priority 0 outside"},
		{"priority too high", []Rule{{Priority: 50001, Paths: []string{"/"}}}, "outside"},
		{"priority twice", []Rule{{Priority: 1, Paths: []string{"/"}}, {Priority: 1, Paths: []string{"/b"}}}, "used twice"},
		{"no condition", []Rule{{Priority: 1}}, "no condition"},
		{"bad cidr", []Rule{{Priority: 1, SourceIPs: []string{"10.0.0.1"}}}, "source IP"},
		{"header without values", []Rule{{Priority: 1, Headers: []HeaderCondition{{HeaderName: "a"}}}}, "header condition"},
		{"query without values", []Rule{{Priority: 1, QueryParams: []QueryParamCondition{{ParamName: "a"}}}}, "query condition"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewRouter(c.rules)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want it to contain %q", err, c.want)
			}
		})
	}
}
