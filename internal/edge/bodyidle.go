package edge

import (
	"io"
	"net/http"
	"sync"
	"time"
)

// bodyIdleTimeout is how long a request body may go without a byte.
// http.Server's ReadTimeout bounds the whole request, which would cut
// legitimate slow uploads; a pause this long between reads is a viewer
// holding a connection (and an origin request) open, 1 byte a second.
var bodyIdleTimeout = 15 * time.Second

// LimitBodyIdle returns h with each request body's reads under a deadline
// of bodyIdleTimeout (15 s) from the previous one, for the servers in
// front of the edge, the front doors and the admin API: a body that pauses
// longer fails to read, which ends the request and closes the connection.
func LimitBodyIdle(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody {
			h.ServeHTTP(w, r)
			return
		}
		b := &idleBody{ReadCloser: r.Body, rc: http.NewResponseController(w)}
		r.Body = b
		defer b.stop(time.Now().Add(bodyIdleTimeout))
		h.ServeHTTP(w, r)
	})
}

// idleBody sets the connection's read deadline before each Read.
type idleBody struct {
	io.ReadCloser
	rc *http.ResponseController

	mu   sync.Mutex
	done bool // the body ended or the handler returned
}

func (b *idleBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	if !b.done {
		b.rc.SetReadDeadline(time.Now().Add(bodyIdleTimeout))
	}
	b.mu.Unlock()
	n, err := b.ReadCloser.Read(p)
	switch {
	case err == io.EOF:
		// Past the body, net/http reads ahead in the background while the
		// handler works: a deadline left set would cancel the request.
		b.stop(time.Time{})
	case err != nil:
		// A body that failed fails the connection: the expired deadline
		// stays, so net/http's discarding the rest fails too and it closes.
		b.stop(time.Now())
	}
	return n, err
}

// stop sets the last deadline, for good: a transport may still read the
// body after the handler returned, when the connection is no longer its.
// At the end of the body there is none; when the handler returns first,
// net/http discards what is left under one more idle timeout.
func (b *idleBody) stop(deadline time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.done {
		b.done = true
		b.rc.SetReadDeadline(deadline)
	}
}
