package edge

import (
	"bytes"
	"io"
	"net/http"
)

// viewerBody is a viewer's request body read ahead for functions with
// includeBody: it holds at most what the widest trigger shows (one byte
// more, so truncation shows), and reads as the whole body, those bytes
// followed by the rest, streamed, so the origin still gets all of it.
type viewerBody struct {
	head []byte // read ahead
	off  int    // of head, already read
	rest io.ReadCloser
	err  error // the read-ahead's error, returned once head is read
	eof  bool
}

// peek reads ahead until n bytes are held or the body ends, and returns
// what is held. Call it before the first Read.
func (b *viewerBody) peek(n int) []byte {
	if want := n - len(b.head); want > 0 && !b.eof && b.err == nil {
		more, err := io.ReadAll(io.LimitReader(b.rest, int64(want)))
		b.head = append(b.head, more...)
		switch {
		case err != nil:
			b.err = err
		case len(more) < want:
			b.eof = true
		}
	}
	return b.head
}

func (b *viewerBody) Read(p []byte) (int, error) {
	if b.off < len(b.head) {
		n := copy(p, b.head[b.off:])
		b.off += n
		return n, nil
	}
	switch {
	case b.err != nil:
		return 0, b.err
	case b.eof:
		return 0, io.EOF
	}
	return b.rest.Read(p)
}

func (b *viewerBody) Close() error { return b.rest.Close() }

// peekBody returns the first n bytes of the viewer's body (fewer when it is
// shorter), reading them ahead once; nil for a request without a body.
func (ex *exchange) peekBody(n int) []byte {
	r := ex.r
	if ex.body == nil {
		if r.Body == nil || r.Body == http.NoBody {
			return nil
		}
		ex.body = &viewerBody{rest: r.Body}
		r.Body = ex.body
	}
	return ex.body.peek(n)
}

// setBody makes body the whole body of r, with its length: the body a
// function replaced. GET and HEAD keep theirs: the edge sends them to the
// origin without a body when the response may be shared.
func setBody(r *http.Request, body []byte) {
	if isGetOrHead(r.Method) {
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	r.GetBody = nil
	r.TransferEncoding = nil
	r.Header.Del(hdrContentLength)
}
