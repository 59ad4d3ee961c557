package edge

import (
	"errors"
	"net"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Accept errors.
//
// Accept fails when the process is out of file descriptors (EMFILE,
// ENFILE) or a viewer gave up before it was accepted (ECONNABORTED). None
// of that is the listener's end: a server that returned would take the
// whole edge down under load (1,100 idle viewers on a 1,024-descriptor
// limit did). Every listener of Verge sleeps and retries instead, as
// net/http's Server does, and counts the errors.

// acceptBackoff is the delay before the next Accept after an error:
// 5 ms doubling to 1 s, as net/http's Server.
type acceptBackoff struct{ delay time.Duration }

// retry reports whether Accept may be tried again after err, sleeping
// first; it is false for a closed listener or a permanent error.
func (a *acceptBackoff) retry(err error) bool {
	if !temporary(err) {
		return false
	}
	a.delay = min(max(2*a.delay, 5*time.Millisecond), time.Second)
	time.Sleep(a.delay)
	return true
}

// reset is called after a successful Accept.
func (a *acceptBackoff) reset() { a.delay = 0 }

// temporary reports an Accept error that passes: the net package marks
// EMFILE, ENFILE, ECONNABORTED, ECONNRESET and timeouts Temporary.
func temporary(err error) bool {
	var ne interface{ Temporary() bool }
	return errors.As(err, &ne) && ne.Temporary() && !errors.Is(err, net.ErrClosed)
}

// Listener returns ln counting its Accept errors in
// verge_accept_errors_total{listener=name}; ln itself when m is nil. The
// server on it retries them: net/http's and the Frontend both do.
func (m *Metrics) Listener(name string, ln net.Listener) net.Listener {
	if m == nil {
		return ln
	}
	return &countingListener{Listener: ln, errors: m.acceptErrors.WithLabelValues(name)}
}

type countingListener struct {
	net.Listener
	errors prometheus.Counter
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil && !errors.Is(err, net.ErrClosed) {
		l.errors.Inc()
	}
	return c, err
}
