package edge

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
)

// Request framing.
//
// A request with both Content-Length and Transfer-Encoding is a smuggling
// attempt or a broken client: RFC 9112 §6.3 lets a server answer it and
// close the connection, which Verge does with 400, as CloudFront does.
// net/http (Go 1.26) instead drops Content-Length, reads the chunked body
// and keeps the connection, and its handlers cannot tell the header was
// there. So a framingConn sits between the socket and net/http: it follows
// the request stream's framing (heads, Content-Length bodies, chunks and
// trailers, as net/http reads them), holds each head until it is whole, and
// when a head carries both headers adds a header line net/http refuses
// ("400 Bad Request", then close). The fast path hands off such heads
// (isPipelineHeader), so the same answer comes on every path.

// maxHeldHead bounds a head the guard holds: past net/http's own limit it
// answers 431 and closes, so the guard lets the bytes through.
const maxHeldHead = MaxHeaderBytes + 4096

// refusal is the line added to a refused head: a space in a field name is
// a malformed header to net/http.
var refusal = []byte("Content-Length with Transfer-Encoding: refused\r\n")

// GuardFraming returns ln with its connections guarded, for hs to serve:
// hs answers a request with both Content-Length and Transfer-Encoding 400
// and closes the connection. It sets hs.ConnState (keeping hs's own) to
// learn of hijacked connections, which stop being HTTP.
func GuardFraming(hs *http.Server, ln net.Listener) net.Listener {
	followHijacks(hs)
	return guardListener{ln}
}

type guardListener struct{ net.Listener }

func (l guardListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return newFramingConn(c), nil
}

// followHijacks makes hs tell its framingConns when a handler hijacks them.
func followHijacks(hs *http.Server) {
	next := hs.ConnState
	hs.ConnState = func(c net.Conn, st http.ConnState) {
		if fc, ok := c.(*framingConn); ok && st == http.StateHijacked {
			fc.hijacked.Store(true)
		}
		if next != nil {
			next(c, st)
		}
	}
}

// framingConn states: where the next byte of the request stream belongs.
const (
	inHead      = iota
	inBody           // a Content-Length body: left bytes
	inChunkSize      // a chunk-size line
	inChunk          // chunk data: left bytes, then CRLF
	inTrailer        // trailer lines up to an empty one
	passing          // not HTTP the guard follows: bytes pass as they are
	refusedHead = -1 // a head with both Content-Length and Transfer-Encoding
)

// h2Preface starts an HTTP/2 connection with prior knowledge, which the
// servers accept unencrypted (h2c) for the AWS endpoint's event streams.
var h2Preface = []byte("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")

// chunkCRLF is the length of the CRLF after chunk data.
const chunkCRLF = 2

// A framingConn is a connection whose reads follow the request framing.
type framingConn struct {
	net.Conn
	hijacked atomic.Bool

	state int
	left  int64  // bytes left in a body or a chunk (and its CRLF)
	held  []byte // a head or a chunk-size or trailer line, incomplete
	out   []byte // bytes ready for the reader from off on
	off   int
	buf   [4096]byte
}

func newFramingConn(c net.Conn) *framingConn { return &framingConn{Conn: c} }

func (c *framingConn) Read(p []byte) (int, error) {
	for c.off == len(c.out) {
		c.out, c.off = c.out[:0], 0
		if c.hijacked.Load() && c.state != passing {
			// The connection is a tunnel now: release what was held.
			c.state, c.out, c.held = passing, append(c.out, c.held...), nil
			continue
		}
		n, err := c.Conn.Read(c.buf[:])
		if n == 0 && err == io.EOF && len(c.held) > 0 {
			// The viewer stopped mid-head or mid-line: net/http gets it as sent.
			c.state, c.out, c.held = passing, append(c.out, c.held...), nil
			continue
		}
		if n == 0 {
			return 0, err
		}
		c.follow(c.buf[:n])
	}
	n := copy(p, c.out[c.off:])
	c.off += n
	return n, nil
}

// follow moves b into out, holding back what is not yet a whole head or
// line, and refusing the heads it must.
func (c *framingConn) follow(b []byte) {
	for len(b) > 0 {
		switch c.state {
		case passing:
			c.out, b = append(c.out, b...), nil
		case inBody, inChunk:
			n := int(min(c.left, int64(len(b))))
			c.out, b, c.left = append(c.out, b[:n]...), b[n:], c.left-int64(n)
			if c.left == 0 {
				c.state = c.afterData()
			}
		case inHead:
			b = c.followHead(b)
		default: // inChunkSize, inTrailer: one line at a time
			b = c.followLine(b)
		}
	}
}

// afterData is the state after a body or a chunk ends.
func (c *framingConn) afterData() int {
	if c.state == inChunk {
		return inChunkSize
	}
	return inHead
}

// followHead holds bytes until the head is whole, then releases it, refused
// if need be, and returns the bytes after it.
func (c *framingConn) followHead(b []byte) []byte {
	start := len(c.held)
	c.held = append(c.held, b...)
	if bytes.HasPrefix(c.held, h2Preface) {
		// HTTP/2 with prior knowledge (h2c): frames, no heads to follow.
		c.state, c.out, c.held = passing, append(c.out, c.held...), nil
		return nil
	}
	n := headEnd(c.held)
	if n == 0 {
		if len(c.held) > maxHeldHead {
			c.state, c.out, c.held = passing, append(c.out, c.held...), nil
		}
		return nil
	}
	head := c.held[:n]
	c.state, c.left = c.bodyOf(head)
	if c.state == refusedHead {
		c.out = append(c.out, refuse(head)...)
		c.state = passing
	} else {
		c.out = append(c.out, head...)
	}
	rest := b[n-start:]
	c.held = c.held[:0]
	return rest
}

// bodyOf reads head as net/http does to know what follows it: a body of
// Content-Length bytes, a chunked body, or the next head. A head net/http
// refuses itself (it then closes the connection) lets the rest pass.
func (c *framingConn) bodyOf(head []byte) (state int, left int64) {
	line, rest, _ := bytes.Cut(head, lf)
	// Any version but HTTP/1.0 is at least 1.1 to net/http, or refused.
	http10 := bytes.HasSuffix(bytes.TrimSuffix(line, cr), []byte(" HTTP/1.0"))
	var cl, te [][]byte
	for len(rest) > 0 {
		line, rest, _ = bytes.Cut(rest, lf)
		name, value, _ := bytes.Cut(bytes.TrimSuffix(line, cr), colon)
		value = bytes.Trim(value, " \t")
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			cl = append(cl, value)
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			te = append(te, value)
		}
	}
	switch {
	case len(cl) > 0 && len(te) > 0:
		return refusedHead, 0
	case len(te) > 0 && http10:
		return inHead, 0 // net/http ignores Transfer-Encoding before HTTP/1.1
	case len(te) > 0:
		if len(te) == 1 && bytes.EqualFold(te[0], []byte("chunked")) {
			return inChunkSize, 0
		}
		return passing, 0
	case len(cl) > 0:
		n, err := strconv.ParseInt(string(cl[0]), 10, 64)
		switch {
		case err != nil || n < 0:
			return passing, 0
		case n > 0:
			return inBody, n
		}
	}
	return inHead, 0
}

// refuse returns head with the refusal line after its request line.
func refuse(head []byte) []byte {
	i := bytes.IndexByte(head, '\n') + 1
	out := make([]byte, 0, len(head)+len(refusal))
	out = append(out, head[:i]...)
	out = append(out, refusal...)
	return append(out, head[i:]...)
}

// followLine holds a chunk-size or trailer line until it is whole, then
// releases it and moves on; it returns the bytes after it.
func (c *framingConn) followLine(b []byte) []byte {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		c.held = append(c.held, b...)
		if len(c.held) > maxHeldHead {
			c.state, c.out, c.held = passing, append(c.out, c.held...), nil
		}
		return nil
	}
	c.held = append(c.held, b[:i+1]...)
	c.out = append(c.out, c.held...)
	line := bytes.TrimSuffix(bytes.TrimSuffix(c.held, lf), cr)
	c.held = c.held[:0]
	if c.state == inTrailer {
		if len(line) == 0 {
			c.state = inHead
		}
		return b[i+1:]
	}
	size, _, _ := bytes.Cut(line, []byte(";"))
	n, err := strconv.ParseUint(string(bytes.Trim(size, " \t")), 16, 63)
	switch {
	case err != nil:
		c.state = passing // net/http fails the body and closes
	case n == 0:
		c.state = inTrailer
	default:
		c.state, c.left = inChunk, int64(n)+chunkCRLF
	}
	return b[i+1:]
}

// CloseWrite half-closes the socket, as prefixConn's.
func (c *framingConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

var cr, colon = []byte("\r"), []byte(":")
