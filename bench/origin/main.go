// Command origin is the benchmark origin that Verge and nginx both sit in
// front of (bench/run.sh). It serves generated objects and counts the
// requests it sees per path, so a benchmark can assert how many requests
// reached it.
//
//	GET /o/1k             1 KiB, Cache-Control: max-age=3600, an ETag
//	GET /o/100k           100 KiB, likewise
//	GET /f/1k, /f/100k    the same objects as /o/1k and /o/100k (the
//	                      route with a cdn-function in bench/run.sh's fn test)
//	GET /o/blob/N         -blob-size bytes (100 KiB), different per N
//	GET /o/slow[/ANY]     a small object after sleeping ?ms=N milliseconds
//	                      (-slow-ms when absent: a cache that forwards no
//	                      query string still gets a slow answer)
//	GET /_count?path=P    {"path":P,"count":N}; without path, every count
//	GET|POST /_reset      zeroes the counts
//
// Bodies are application/octet-stream so that neither proxy compresses
// them, and pseudo-random so that nothing on the way could either.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// object is a generated response body and its validator.
type object struct {
	body []byte
	etag string
}

func newObject(seed uint64, size int) object {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, size)
	for i := 0; i < size; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8 && i+j < size; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	sum := sha256.Sum256(b)
	return object{body: b, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
}

// counter counts requests per path.
type counter struct {
	mu sync.Mutex
	m  map[string]int64
}

func (c *counter) inc(path string) {
	c.mu.Lock()
	c.m[path]++
	c.mu.Unlock()
}

func (c *counter) get(path string) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[path]
}

func (c *counter) all() map[string]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int64, len(c.m))
	for k, v := range c.m {
		out[k] = v
	}
	return out
}

func (c *counter) reset() {
	c.mu.Lock()
	c.m = map[string]int64{}
	c.mu.Unlock()
}

type origin struct {
	counts   counter
	fixed    map[string]object
	blobSize int
	slowMS   int
	// blobs caches generated /o/blob/N objects (generation costs more than
	// serving, and the fill test asks for each one once per cache).
	blobs sync.Map // string -> object
}

func (o *origin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == "/_count":
		w.Header().Set("Content-Type", "application/json")
		if q := r.URL.Query().Get("path"); q != "" {
			json.NewEncoder(w).Encode(struct {
				Path  string `json:"path"`
				Count int64  `json:"count"`
			}{q, o.counts.get(q)})
			return
		}
		json.NewEncoder(w).Encode(o.counts.all())
		return
	case p == "/_reset":
		o.counts.reset()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	o.counts.inc(p)
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch {
	case o.fixed[p].body != nil:
		o.serve(w, r, o.fixed[p])
	case strings.HasPrefix(p, "/o/blob/"):
		o.serve(w, r, o.blob(p))
	case p == "/o/slow" || strings.HasPrefix(p, "/o/slow/"):
		ms := o.slowMS
		if v, err := strconv.Atoi(r.URL.Query().Get("ms")); err == nil && v >= 0 {
			ms = min(v, 60_000)
		}
		select {
		case <-time.After(time.Duration(ms) * time.Millisecond):
		case <-r.Context().Done():
			return
		}
		body := []byte("slow " + p + " after " + strconv.Itoa(ms) + "ms\n")
		sum := sha256.Sum256(body)
		o.serve(w, r, object{body: body, etag: `"` + hex.EncodeToString(sum[:8]) + `"`})
	default:
		http.NotFound(w, r)
	}
}

func (o *origin) blob(p string) object {
	if v, ok := o.blobs.Load(p); ok {
		return v.(object)
	}
	sum := sha256.Sum256([]byte(p))
	var seed uint64
	for _, b := range sum[:8] {
		seed = seed<<8 | uint64(b)
	}
	obj := newObject(seed, o.blobSize)
	v, _ := o.blobs.LoadOrStore(p, obj)
	return v.(object)
}

func (o *origin) serve(w http.ResponseWriter, r *http.Request, obj object) {
	h := w.Header()
	h["Cache-Control"] = []string{"max-age=3600"}
	h["Content-Type"] = []string{"application/octet-stream"}
	h["Etag"] = []string{obj.etag}
	if inm := r.Header.Get("If-None-Match"); inm != "" && (inm == obj.etag || inm == "*") {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h["Content-Length"] = []string{strconv.Itoa(len(obj.body))}
	if r.Method == http.MethodHead {
		return
	}
	w.Write(obj.body)
}

func main() {
	listen := flag.String("listen", "127.0.0.1:9100", "address to listen on")
	blobSize := flag.Int("blob-size", 100<<10, "size of each /o/blob/N object in bytes")
	slowMS := flag.Int("slow-ms", 200, "how long /o/slow sleeps when the request has no ?ms=")
	flag.Parse()

	o1k, o100k := newObject(1, 1<<10), newObject(100, 100<<10)
	o := &origin{
		fixed: map[string]object{
			"/o/1k":   o1k,
			"/o/100k": o100k,
			// the fn test's route: same bodies and ETags, separate counts
			"/f/1k":   o1k,
			"/f/100k": o100k,
		},
		blobSize: *blobSize,
		slowMS:   *slowMS,
	}
	o.counts.reset()
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("origin listening on %s", ln.Addr())
	srv := &http.Server{Handler: o, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	log.Fatal(srv.Serve(ln))
}
