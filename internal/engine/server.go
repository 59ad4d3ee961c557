package engine

import (
	"log"
	"net"
	"net/http"
	"time"

	"github.com/verge-edge/verge/internal/edge"
)

// Timeouts of every listener Verge serves.
const (
	readHeaderTimeout = 10 * time.Second
	idleTimeout       = 120 * time.Second
)

// newServer returns a net/http server for one of Verge's listeners: each
// request body's reads under an idle deadline, and the timeouts above.
// Every server the engine starts comes from here and serves a listener
// from guard, so a new listener cannot miss a defence.
// Each speaks HTTP/1.1, HTTP/2 over TLS, and unencrypted HTTP/2 with
// prior knowledge (h2c), which AWS's SDKs use for event streams
// (Kinesis's SubscribeToShard).
func newServer(h http.Handler, errLog *log.Logger) *http.Server {
	var p http.Protocols
	p.SetHTTP1(true)
	p.SetHTTP2(true)
	p.SetUnencryptedHTTP2(true)
	return &http.Server{Handler: edge.LimitBodyIdle(h), ReadHeaderTimeout: readHeaderTimeout,
		IdleTimeout: idleTimeout, ErrorLog: errLog, Protocols: &p}
}

// guard returns ln for srv with failed Accepts counted under name (srv
// retries them) and requests with both Content-Length and
// Transfer-Encoding refused.
func guard(srv *http.Server, name string, ln net.Listener, m *edge.Metrics) net.Listener {
	return edge.GuardFraming(srv, m.Listener(name, ln))
}
