package edge

import (
	"net/http"
	"time"
)

// A LogLine is one line of the access log, for a reader outside the edge
// (the dev terminal).
type LogLine struct {
	Start   time.Time
	Elapsed time.Duration
	Method  string
	Host    string
	Path    string
	Query   string
	Status  int
	Bytes   int64
	// Result is CloudFront's x-edge-result-type (Hit, Miss, Error…); ""
	// for a front door's request, which no cache answers.
	Result string
	// ID is the request's x-edge-request-id.
	ID string
	// Target is the distribution or front door that answered; "" for none.
	Target string
}

func (rec *logRecord) export() *LogLine {
	return &LogLine{Start: rec.start, Elapsed: rec.elapsed, Method: rec.method, Host: rec.host, Path: rec.path,
		Query: rec.query, Status: rec.status, Bytes: rec.bytes, Result: rec.result, ID: rec.requestID, Target: rec.distribution}
}

// Logged wraps the handler of the front door called name so its requests
// go to the same access log (and Requests) as the CDN's, with no cache
// result. They are not counted in the edge's metrics: they would skew the
// hit ratio.
func (s *Server) Logged(name string, h http.Handler) http.Handler {
	if s.alog == nil && s.opts.Requests == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		s.log1(&logRecord{start: start, elapsed: time.Since(start), clientIP: clientIP(r), method: r.Method,
			host: r.Host, path: r.URL.Path, query: r.URL.RawQuery, status: sw.status, bytes: sw.bytes,
			requestID: s.ids.next(), distribution: name})
	})
}

// statusWriter notes the status and body size a handler writes.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

// Unwrap gives http.ResponseController the writer underneath (Flush for
// streamed responses).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
