package gateway

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/verge-edge/verge/internal/stack"
)

// cors is an HTTP API's CORS configuration, ready to answer with. As on
// AWS, the gateway answers preflight requests itself (whatever the routes)
// and its headers replace any CORS headers the function sent.
type cors struct {
	anyOrigin   bool
	origins     map[string]bool // lower case
	methods     string
	headers     string
	anyHeaders  bool
	expose      string
	maxAge      string
	credentials bool
}

func newCORS(c *stack.CORSConfig) *cors {
	if c == nil {
		return nil
	}
	out := &cors{origins: map[string]bool{}, methods: strings.Join(c.AllowMethods, ","),
		expose: strings.Join(c.ExposeHeaders, ","), credentials: c.AllowCredentials}
	for _, o := range c.AllowOrigins {
		if o == "*" {
			out.anyOrigin = true
		}
		out.origins[strings.ToLower(o)] = true
	}
	for _, h := range c.AllowHeaders {
		if h == "*" {
			out.anyHeaders = true
		}
	}
	out.headers = strings.Join(c.AllowHeaders, ",")
	if c.MaxAge != nil {
		out.maxAge = strconv.Itoa(*c.MaxAge)
	}
	return out
}

// isPreflight reports whether r is a CORS preflight request.
func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get(headerOrigin) != "" && r.Header.Get(headerRequestMethod) != ""
}

// allow returns the Access-Control-Allow-Origin value for origin, false
// when the origin is not allowed.
func (c *cors) allow(origin string) (string, bool) {
	switch {
	case origin == "":
		return "", false
	case c.anyOrigin && !c.credentials:
		return "*", true
	case c.anyOrigin || c.origins[strings.ToLower(origin)]:
		return origin, true
	}
	return "", false
}

// preflight answers a preflight request: 204, with the CORS headers when
// the origin is allowed.
func (c *cors) preflight(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	if allowed, ok := c.allow(r.Header.Get(headerOrigin)); ok {
		h.Set(headerAllowOrigin, allowed)
		h.Set(headerAllowMethods, c.methods)
		if c.anyHeaders {
			if req := r.Header.Get(headerRequestHeaders); req != "" {
				h.Set(headerAllowHeaders, req)
			} else {
				h.Set(headerAllowHeaders, "*")
			}
		} else if c.headers != "" {
			h.Set(headerAllowHeaders, c.headers)
		}
		if c.maxAge != "" {
			h.Set(headerMaxAge, c.maxAge)
		}
		if c.credentials {
			h.Set(headerAllowCredentials, "true")
		}
		if allowed != "*" {
			h.Add(headerVary, headerOrigin)
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

// decorate sets the CORS headers of an actual response to r.
func (c *cors) decorate(h http.Header, r *http.Request) {
	for _, k := range []string{headerAllowOrigin, headerAllowMethods, headerAllowHeaders, headerAllowCredentials, headerExposeHeaders, headerMaxAge} {
		h.Del(k)
	}
	allowed, ok := c.allow(r.Header.Get(headerOrigin))
	if !ok {
		return
	}
	h.Set(headerAllowOrigin, allowed)
	if c.expose != "" {
		h.Set(headerExposeHeaders, c.expose)
	}
	if c.credentials {
		h.Set(headerAllowCredentials, "true")
	}
	if allowed != "*" {
		h.Add(headerVary, headerOrigin)
	}
}
