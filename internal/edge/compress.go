package edge

import (
	"bytes"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
	"github.com/verge-edge/verge/internal/edge/cache"
)

// variantFor returns the representation of e to send: a gzip or brotli
// variant when the distribution compresses, the type is compressible, the
// size is in CloudFront's range (1,000 bytes to 10 MB) and the viewer
// accepts it. Variants of stored entries are cached under their own keys.
func (ex *exchange) variantFor(e *cache.Entry) *cache.Entry {
	if !ex.d.compress || e.Encoding != "" || e.Status != 200 ||
		len(e.Body) < minCompressBytes || len(e.Body) > maxCompressBytes ||
		e.Header[hdrContentEncoding] != nil || !cache.Compressible(headerValue(e.Header, hdrContentType)) {
		return e
	}
	enc := acceptedEncoding(ex.r.Header[hdrAcceptEncoding])
	if enc == "" {
		return e
	}
	var key string
	if e.Key != "" {
		key = e.Key + "\x00" + enc
		if v, ok := ex.s.store.Get(key); ok && v.ResponseTime.Equal(e.ResponseTime) {
			return v
		}
	}
	v := compressEntry(e, enc)
	if key != "" {
		v.Key = key
		ex.s.store.Set(v)
	}
	return v
}

// compressEntry builds the enc variant of e. Its ETag is made weak: the
// bytes differ from the identity representation's (RFC 9110 §8.8.1).
func compressEntry(e *cache.Entry, enc string) *cache.Entry {
	var buf bytes.Buffer
	buf.Grow(len(e.Body) / 3)
	if enc == "br" {
		w := brotli.NewWriterLevel(&buf, 5)
		w.Write(e.Body)
		w.Close()
	} else {
		w := gzipPool.Get().(*gzip.Writer)
		w.Reset(&buf)
		w.Write(e.Body)
		w.Close()
		gzipPool.Put(w)
	}
	v := &cache.Entry{Dist: e.Dist, Path: e.Path, Status: e.Status, Encoding: enc, Body: buf.Bytes(),
		Vary: e.Vary, ResponseTime: e.ResponseTime, InitialAge: e.InitialAge, TTL: e.TTL,
		StaleWhileRevalidate: e.StaleWhileRevalidate, StaleIfError: e.StaleIfError,
		MustRevalidate: e.MustRevalidate, ETag: e.ETag, LastModified: e.LastModified, ModTime: e.ModTime}
	v.Header = e.Header.Clone()
	v.Header[hdrContentEncoding] = []string{enc}
	v.Header[hdrContentLength] = []string{itoa(len(v.Body))}
	v.Header[hdrVary] = addVary(v.Header[hdrVary], hdrAcceptEncoding)
	if et := e.ETag; et != "" && !strings.HasPrefix(et, "W/") {
		v.ETag = "W/" + et
		v.Header[hdrETag] = []string{v.ETag}
	}
	return v
}

var gzipPool = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression)
	return w
}}

// acceptedEncoding picks "br", then "gzip", from Accept-Encoding, honouring
// q=0 refusals; "" when neither is acceptable.
func acceptedEncoding(values []string) string {
	br, gz := false, false
	for _, v := range values {
		for v != "" {
			var item string
			item, v, _ = strings.Cut(v, ",")
			name, params, _ := strings.Cut(item, ";")
			name = strings.TrimSpace(name)
			if refused(params) {
				continue
			}
			switch {
			case strings.EqualFold(name, "br"):
				br = true
			case strings.EqualFold(name, "gzip"):
				gz = true
			}
		}
	}
	switch {
	case br:
		return "br"
	case gz:
		return "gzip"
	}
	return ""
}

// refused reports a q=0 parameter.
func refused(params string) bool {
	params = strings.TrimSpace(params)
	q, ok := strings.CutPrefix(params, "q=")
	if !ok {
		return false
	}
	q = strings.TrimRight(strings.TrimSpace(q), "0")
	return q == "0." || q == "0" || q == ""
}
