package edge

import (
	"bufio"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/verge-edge/verge/internal/edge/cache"
)

// FuzzPathMeaning checks that a request path has one meaning: the
// behaviour chosen for it and the object served agree. The default
// behaviour's bucket holds files under private/; "/private/*" has a
// bucket of its own. A file of the default bucket's private/ folder
// coming back means a path reached it without its behaviour (and the
// functions that behaviour would run), as "//private/x" once did.
func FuzzPathMeaning(f *testing.F) {
	for _, p := range []string{"/private/report.txt", "//private/report.txt", "/%70rivate/report.txt",
		"/./private/report.txt", "/a/../private/report.txt", "/private//report.txt", "///private/sub/x.txt",
		"/%2fprivate/report.txt", "/private%2freport.txt", "/PRIVATE/report.txt", "/private/", "/private",
		"//private/", "/public.txt", "/%2Fprivate%2Freport.txt", "/private/%2e%2e/public.txt"} {
		f.Add(p)
	}
	site, guarded := f.TempDir(), f.TempDir()
	for _, name := range []string{"private/report.txt", "private/index.html", "private/sub/x.txt"} {
		writeFile(f, site, name, "private: "+name)
	}
	writeFile(f, site, "public.txt", "public")
	writeFile(f, site, "index.html", "home")
	writeFile(f, guarded, "report.txt", "guarded")
	d := distOf("site", bucketBehavior("/private/*", guarded, policy(0, 0, 0)), bucketBehavior("*", site, policy(0, 0, 0)))
	d.IndexDocument = "index.html"
	store := &cache.Tiered{Mem: cache.NewMemory(1 << 20)}
	s := New(Options{Store: store, Logger: slog.New(slog.DiscardHandler)})
	if err := s.Load(planOf(d), nil); err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close(context.Background()); store.Close() })
	f.Fuzz(func(t *testing.T, target string) {
		if strings.ContainsAny(target, " \r\n") || len(target) > 512 {
			return
		}
		// The request as net/http reads it off the wire.
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n")))
		if err != nil {
			return
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if body := w.Body.String(); strings.HasPrefix(body, "private:") {
			t.Errorf("%q (path %q) served %q through the default behaviour", target, r.URL.Path, body)
		}
	})
}
