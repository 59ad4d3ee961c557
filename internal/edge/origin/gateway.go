package origin

import (
	"net/http"
)

// gateway is an origin that is one of the stack's front doors for
// functions, called in process: no connection, no proxy hop.
type gateway struct {
	name string
	opts Options
}

func newGateway(name string, opts Options) *gateway { return &gateway{name: name, opts: opts} }

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if g.opts.Gateway == nil {
		renderError(g.opts.OnError, w, r, http.StatusBadGateway, "no gateway "+g.name+" in this process")
		return
	}
	g.opts.Gateway(g.name).ServeHTTP(w, r)
}

// Close has nothing to release.
func (g *gateway) Close() {}
