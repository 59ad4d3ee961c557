package edge

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/verge-edge/verge/internal/edge/cache"
)

// nopWriter is a ResponseWriter that discards, so the benchmark measures the
// edge and not a network stack.
type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *nopWriter) WriteHeader(int)             {}

// BenchmarkHit measures the cache-hit path from ServeHTTP to the last body
// byte: route, behaviour match, key, lookup, headers, access log line.
// Allocations here are Verge's own; net/http's per-request costs come on top.
func BenchmarkHit(b *testing.B) {
	for _, size := range []int{1 << 10, 100 << 10} {
		b.Run(sizeName(size), func(b *testing.B) {
			s := benchServer(b, size)
			req := httptest.NewRequest("GET", "http://site.example/static/app.js", nil)
			req.Header.Set("Accept-Encoding", "gzip, br")
			w := &nopWriter{h: http.Header{}}
			s.ServeHTTP(w, req) // fill the cache
			if w.h.Get("X-Cache") != "Miss from verge" {
				b.Fatalf("first request: %v", w.h)
			}
			b.ReportAllocs()
			b.SetBytes(int64(size))
			b.ResetTimer()
			for b.Loop() {
				clear(w.h)
				s.ServeHTTP(w, req)
			}
			if w.h.Get("X-Cache") != "Hit from verge" {
				b.Fatalf("not a hit: %v", w.h)
			}
		})
	}
}

func sizeName(n int) string {
	if n >= 1<<10 {
		return strings.TrimSuffix(strings.TrimSuffix(itoa(n>>10), "")+"KiB", "")
	}
	return itoa(n) + "B"
}

// BenchmarkFastHit measures the fast path's work for a hit: parse the head,
// route, key, lookup, write the response into a buffer. The syscalls that
// move the bytes come on top.
func BenchmarkFastHit(b *testing.B) {
	for _, size := range []int{1 << 10, 100 << 10} {
		b.Run(sizeName(size), func(b *testing.B) {
			s := benchServer(b, size)
			s.ServeHTTP(&nopWriter{h: http.Header{}}, httptest.NewRequest("GET", "http://site.example/static/app.js", nil))
			head := []byte("GET /static/app.js HTTP/1.1\r\nHost: site.example\r\nUser-Agent: wrk\r\nAccept-Encoding: gzip, br\r\n\r\n")
			bw := bufio.NewWriterSize(io.Discard, 8<<10)
			b.ReportAllocs()
			b.SetBytes(int64(size))
			for b.Loop() {
				if ok, _ := s.fastHit(bw, string(head), "127.0.0.1:5555"); !ok {
					b.Fatal("not a fast hit")
				}
			}
		})
	}
}

// benchServer is a Server in front of an origin serving size-byte objects
// for an hour, behind an uncached /api/* route and a cached default.
func benchServer(b *testing.B, size int) *Server {
	body := strings.Repeat("x", size)
	o := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=3600")
		w.Header().Set("Content-Type", "application/octet-stream")
		io.WriteString(w, body)
	}))
	b.Cleanup(o.Close)
	store := &cache.Tiered{Mem: cache.NewMemory(64 << 20)}
	s := New(Options{Store: store, AccessLog: io.Discard, Logger: slog.New(slog.DiscardHandler)})
	b.Cleanup(func() { s.Close(context.Background()); store.Close() })
	plan := planOf(distOf("site", httpBehavior("/api/*", o.URL, policy(0, 0, 0)), httpBehavior("*", o.URL, defaultPolicy)))
	if err := s.Load(plan, nil); err != nil {
		b.Fatal(err)
	}
	return s
}
