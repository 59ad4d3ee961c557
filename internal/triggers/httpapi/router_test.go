package httpapi

import (
	"maps"
	"strings"
	"testing"
)

// routerRoutes is one API with every kind of route; each target is its key.
var routerRoutes = []string{
	"GET /pets",
	"ANY /pets",
	"POST /pets",
	"GET /pets/dog",
	"GET /pets/{id}",
	"* /pets/{id}/toys",
	"GET /pets/{id}/toys/{toy}",
	"GET /pets/{proxy+}",
	"ANY /{proxy+}",
	"GET /",
	"DELETE /files/{path+}",
	"$default",
}

type matchCase struct {
	name, method, path string
	wantKey            string
	wantParams         map[string]string
}

func TestRouterMatch(t *testing.T) {
	routes := make([]Route, len(routerRoutes))
	for i, k := range routerRoutes {
		routes[i] = Route{Key: k, Target: k}
	}
	r, err := NewRouter(routes)
	if err != nil {
		t.Fatal(err)
	}
	cases := []matchCase{
		{"exact method and path", "GET", "/pets", "GET /pets", nil},
		{"specific method beats ANY", "POST", "/pets", "POST /pets", nil},
		{"ANY when no specific method", "PUT", "/pets", "ANY /pets", nil},
		{"method case-insensitive", "get", "/pets", "GET /pets", nil},
		{"literal beats param", "GET", "/pets/dog", "GET /pets/dog", nil},
		{"param beats greedy", "GET", "/pets/7", "GET /pets/{id}", map[string]string{"id": "7"}},
		{"star is ANY", "PATCH", "/pets/7/toys", "* /pets/{id}/toys", map[string]string{"id": "7"}},
		{"two params", "GET", "/pets/7/toys/ball", "GET /pets/{id}/toys/{toy}", map[string]string{"id": "7", "toy": "ball"}},
		{"greedy takes the rest", "GET", "/pets/7/toys/ball/red", "GET /pets/{proxy+}", map[string]string{"proxy": "7/toys/ball/red"}},
		{"method before greedy depth", "POST", "/pets/7", "ANY /{proxy+}", map[string]string{"proxy": "pets/7"}},
		{"root", "GET", "/", "GET /", nil},
		{"root other method goes to $default", "POST", "/", "$default", nil},
		{"greedy needs a segment", "DELETE", "/files", "ANY /{proxy+}", map[string]string{"proxy": "files"}},
		{"greedy with trailing slash", "DELETE", "/files/a/b/", "DELETE /files/{path+}", map[string]string{"path": "a/b/"}},
		{"param not empty", "GET", "/pets//toys", "GET /pets/{proxy+}", map[string]string{"proxy": "/toys"}},
		{"case-sensitive literal", "GET", "/PETS", "ANY /{proxy+}", map[string]string{"proxy": "PETS"}},
		{"decoded param", "GET", "/pets/a b", "GET /pets/{id}", map[string]string{"id": "a b"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, ok := r.Match(c.method, c.path)
			if !ok {
				t.Fatalf("Match(%s %s): no route", c.method, c.path)
			}
			if m.RouteKey != c.wantKey || m.Target != c.wantKey {
				t.Errorf("Match(%s %s) = %q (target %v), want %q", c.method, c.path, m.RouteKey, m.Target, c.wantKey)
			}
			if !maps.Equal(m.PathParameters, c.wantParams) {
				t.Errorf("Match(%s %s) params = %v, want %v", c.method, c.path, m.PathParameters, c.wantParams)
			}
		})
	}
}

func TestRouterNoDefault(t *testing.T) {
	r, err := NewRouter([]Route{{Key: "GET /a/{proxy+}"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/a", "/a/", "/b/c", "/"} {
		if m, ok := r.Match("GET", p); ok {
			t.Errorf("Match(GET %s) = %q, want no route", p, m.RouteKey)
		}
	}
}

type badRoutesCase struct {
	name   string
	routes []string
	errHas string
}

func TestNewRouterErrors(t *testing.T) {
	cases := []badRoutesCase{
		{"no method", []string{"/pets"}, "METHOD /path"},
		{"bad method", []string{"FETCH /pets"}, "unknown method"},
		{"no slash", []string{"GET pets"}, "does not start with /"},
		{"greedy not last", []string{"GET /{proxy+}/x"}, "last segment"},
		{"partial param", []string{"GET /a{b}"}, "want {name}"},
		{"brace inside", []string{"GET /a{b/c"}, "whole segment"},
		{"empty param", []string{"GET /{}"}, "want {name}"},
		{"empty segment", []string{"GET /a//b"}, "empty segment"},
		{"param twice", []string{"GET /{a}/{a}"}, "twice"},
		{"duplicate", []string{"GET /a/{x}", "GET /a/{y}"}, "duplicate"},
		{"ANY and star", []string{"ANY /a", "* /a"}, "duplicate"},
		{"two defaults", []string{"$default", "$default"}, "duplicate"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var routes []Route
			for _, k := range c.routes {
				routes = append(routes, Route{Key: k})
			}
			_, err := NewRouter(routes)
			if err == nil || !strings.Contains(err.Error(), c.errHas) {
				t.Errorf("NewRouter(%q) error = %v, want it to contain %q", c.routes, err, c.errHas)
			}
		})
	}
}

// FuzzRouterMatch checks that any valid route key parses and that a match
// is always a route whose pattern really covers the request.
func FuzzRouterMatch(f *testing.F) {
	f.Add("GET /pets/{id}", "GET", "/pets/1")
	f.Add("ANY /{proxy+}", "POST", "/a/b/c")
	f.Add("* /", "GET", "/")
	f.Add("GET /a{b}", "GET", "/a")
	f.Fuzz(func(t *testing.T, key, method, path string) {
		if ParseRouteKey(key) != nil {
			return
		}
		r, err := NewRouter([]Route{{Key: key, Target: 1}})
		if err != nil {
			t.Fatalf("ParseRouteKey(%q) ok but NewRouter: %v", key, err)
		}
		m, ok := r.Match(method, path)
		if !ok {
			return
		}
		if m.RouteKey != key || m.Target != 1 {
			t.Fatalf("Match = %+v for route %q", m, key)
		}
		for k, v := range m.PathParameters {
			if v == "" || !strings.Contains(key, "{"+k) {
				t.Fatalf("route %q, %s %s: parameter %q=%q", key, method, path, k, v)
			}
		}
	})
}
