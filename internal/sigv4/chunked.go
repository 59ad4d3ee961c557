package sigv4

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"maps"
	"net/http"
	"strconv"
	"strings"
)

// The aws-chunked encoding (S3's sigv4-streaming and
// sigv4-streaming-trailers):
//
//	HEXSIZE;chunk-signature=SIG\r\n DATA \r\n   (signed; unsigned: HEXSIZE\r\n)
//	…
//	0;chunk-signature=SIG\r\n
//	name:value\r\n …                             (with a trailer)
//	x-amz-trailer-signature:SIG\r\n              (signed trailer)
//	\r\n
//
// A chunk's signature chains on the previous one (the seed is the
// request's signature); the trailer's on the final chunk's.
const (
	chunkSignature     = "chunk-signature="
	trailerSignature   = "x-amz-trailer-signature"
	payloadAlgorithm   = "AWS4-HMAC-SHA256-PAYLOAD"
	trailerAlgorithm   = "AWS4-HMAC-SHA256-TRAILER"
	emptyHash          = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	maxSizeLine        = 4 << 10  // a chunk's size line, signature included
	maxTrailer         = 64 << 10 // the trailer section
	chunkedBufferSize  = 32 << 10
	maxChunkSizeDigits = 16
)

// chunked decodes an aws-chunked body as it is read. It holds no chunk:
// data passes through to the reader and is hashed on the way, and a
// chunk's signature is checked before its last bytes are returned.
type chunked struct {
	src     *bufio.Reader
	body    io.Closer
	trailer http.Header // the request's Trailer, filled at the end

	signed, trailing bool
	names            []string // the trailers X-Amz-Trailer declares

	declared int64 // X-Amz-Decoded-Content-Length, -1 unknown
	total    int64 // data bytes so far
	left     int64 // of the current chunk
	chunks   int

	h      hash.Hash // the current chunk's data (signed only)
	mac    hash.Hash // HMAC under the signing key; nil checks no signature
	prefix string    // "DATE\nSCOPE\n" of the strings to sign
	prev   string    // the previous signature
	want   string    // the current chunk's signature
	// A string to sign and the sums, held here so they are not allocated.
	buf  [384]byte
	sums [2][sha256.Size]byte
	err  error
}

// init reads from body.
func (c *chunked) init(body io.ReadCloser) {
	c.src = bufio.NewReaderSize(body, chunkedBufferSize)
	c.body = body
	if c.signed {
		c.h = sha256.New()
	}
}

func (c *chunked) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if c.left == 0 {
		if err := c.next(); err != nil {
			c.err = err
			return 0, err
		}
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.src.Read(p)
	c.left -= int64(n)
	c.total += int64(n)
	if c.signed {
		c.h.Write(p[:n])
	}
	switch {
	case err == io.EOF:
		err = c.malformed("the body ends inside chunk %d", c.chunks)
	case err == nil && c.left == 0:
		// The chunk's last bytes go out once its signature is checked,
		// and at the declared length once the final chunk and the
		// trailer are: a reader that stops at ContentLength (io.CopyN,
		// io.ReadFull) never gets the whole of a bad body.
		err = c.endChunk()
		if err == nil && c.total == c.declared {
			err = c.next()
		}
		if err != nil && err != io.EOF {
			n = 0
		}
	}
	if err != nil {
		c.err = err
	}
	return n, err
}

func (c *chunked) Close() error { return c.body.Close() }

// malformed is an error wrapping ErrChunk.
func (c *chunked) malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrChunk, fmt.Sprintf(format, args...))
}

// next reads a chunk's size line; the final chunk's ends the body with
// io.EOF or an error.
func (c *chunked) next() error {
	line, err := c.line(maxSizeLine)
	if err == io.EOF {
		return c.malformed("the body ends before its final chunk")
	}
	if err != nil {
		return err
	}
	sizeHex, ext, hasExt := strings.Cut(line, ";")
	size, err := strconv.ParseUint(sizeHex, 16, 63)
	if err != nil || len(sizeHex) > maxChunkSizeDigits {
		return c.malformed("chunk %d's size %q is not hexadecimal", c.chunks+1, sizeHex)
	}
	if c.signed {
		sig, ok := strings.CutPrefix(ext, chunkSignature)
		if !hasExt || !ok || !isHexHash(sig) {
			return c.malformed("chunk %d has no chunk-signature", c.chunks+1)
		}
		c.want = strings.ToLower(sig)
	}
	c.chunks++
	if c.declared >= 0 && c.total+int64(size) > c.declared {
		return ErrChunkLength
	}
	if size == 0 {
		return c.end()
	}
	c.left = int64(size)
	if c.signed {
		c.h.Reset()
	}
	return nil
}

// endChunk reads the CRLF after a chunk's data and checks its signature.
func (c *chunked) endChunk() error {
	if err := c.crlf(); err != nil {
		return err
	}
	if !c.signed {
		return nil
	}
	return c.verify(payloadAlgorithm, emptyHash+"\n", c.h.Sum(c.sums[0][:0]))
}

// verify checks c.want against the signature of algorithm's string to
// sign ending in middle and the hex of hash, and chains it; without a key
// (Decode) it checks nothing.
func (c *chunked) verify(algorithm, middle string, hash []byte) error {
	if c.mac == nil {
		return nil
	}
	b := append(c.buf[:0], algorithm...)
	b = append(b, '\n')
	b = append(b, c.prefix...)
	b = append(b, c.prev...)
	b = append(b, '\n')
	b = append(b, middle...)
	b = hex.AppendEncode(b, hash)
	c.mac.Reset()
	c.mac.Write(b)
	var got [2 * sha256.Size]byte
	hex.Encode(got[:], c.mac.Sum(c.sums[1][:0]))
	if !equal(got[:], c.want) {
		return fmt.Errorf("%w (chunk %d)", ErrChunkSignature, c.chunks)
	}
	c.prev = c.want
	return nil
}

// end reads what follows the final chunk: its signature, the trailer,
// the closing CRLF. It returns io.EOF when all is well.
func (c *chunked) end() error {
	if c.signed {
		if err := c.verify(payloadAlgorithm, emptyHash+"\n", sha256Empty[:]); err != nil {
			return err
		}
	}
	if c.trailing {
		if err := c.readTrailer(); err != nil {
			return err
		}
	} else if err := c.crlf(); err != nil {
		return err
	}
	if _, err := c.src.Peek(1); err != io.EOF {
		if err != nil {
			return err
		}
		return c.malformed("bytes follow the final chunk")
	}
	if c.declared >= 0 && c.total != c.declared {
		return ErrChunkLength
	}
	return io.EOF
}

var sha256Empty = sha256.Sum256(nil)

// readTrailer reads the trailing headers and checks their signature, then
// puts them in the request's Trailer. The SDKs send them right after the final
// chunk's line; AWS's example puts a blank line between: both are read.
func (c *chunked) readTrailer() error {
	trailer := http.Header{}
	var signed strings.Builder // "name:value\n" as signed
	sig := ""
	budget := maxTrailer
	for first := true; ; first = false {
		line, err := c.line(min(budget, chunkedBufferSize))
		if err == io.EOF {
			break // AWS's example ends with the signature's line
		}
		if err != nil {
			return err
		}
		budget -= len(line) + 2
		if line == "" {
			if _, err := c.src.Peek(1); first && err == nil {
				continue // the example's blank line before the trailer
			}
			break
		}
		name, value, ok := strings.Cut(line, ":")
		name, value = strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(value)
		switch {
		case !ok || name == "" || sig != "":
			return c.malformed("trailer line %q", line)
		case name == trailerSignature && c.signed:
			if !isHexHash(value) {
				return c.malformed("x-amz-trailer-signature %q", value)
			}
			sig = strings.ToLower(value)
		case !c.declaredTrailer(name):
			return c.malformed("trailer %q is not declared in X-Amz-Trailer", name)
		case trailer.Get(name) != "":
			return c.malformed("trailer %q is repeated", name)
		default:
			trailer.Set(name, value)
			signed.WriteString(name + ":" + value + "\n")
		}
	}
	for _, name := range c.names {
		if trailer.Get(name) == "" {
			return c.malformed("trailer %q, declared in X-Amz-Trailer, is missing", name)
		}
	}
	if c.signed {
		if sig == "" {
			return c.malformed("the trailer has no x-amz-trailer-signature")
		}
		c.want = sig
		sum := sha256.Sum256([]byte(signed.String()))
		if err := c.verify(trailerAlgorithm, "", sum[:]); err != nil {
			return err
		}
	}
	maps.Copy(c.trailer, trailer)
	return nil
}

// declaredTrailer says whether X-Amz-Trailer declares name.
func (c *chunked) declaredTrailer(name string) bool {
	for _, n := range c.names {
		if n == name {
			return true
		}
	}
	return false
}

// line reads a CRLF-terminated line of at most max bytes, without its
// CRLF; io.EOF when the body ends before it starts.
func (c *chunked) line(max int) (string, error) {
	b, err := c.src.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull) || len(b) > max:
		return "", c.malformed("a line is longer than %d bytes", max)
	case err == io.EOF && len(b) == 0:
		return "", io.EOF
	case err == io.EOF:
		return "", c.malformed("the body ends inside a line")
	case err != nil:
		return "", err
	case len(b) < 2 || b[len(b)-2] != '\r':
		return "", c.malformed("a line does not end in CRLF")
	}
	return string(b[:len(b)-2]), nil
}

// crlf reads the CRLF that ends a chunk.
func (c *chunked) crlf() error {
	b, err := c.src.Peek(2)
	switch {
	case err == io.EOF:
		return c.malformed("the body ends after chunk %d's data", c.chunks)
	case err != nil:
		return err
	case b[0] != '\r' || b[1] != '\n':
		return c.malformed("chunk %d's data is longer than its size", c.chunks)
	}
	c.src.Discard(2)
	return nil
}
