// Command fill requests N distinct objects (BASE/PREFIX0 .. BASE/PREFIX{N-1})
// with C workers, to push more bytes through a cache than its budget holds
// (bench/run.sh's memory test).
//
//	go run ./bench/fill -base http://127.0.0.1:8080 -prefix /o/blob/ -n 2000 -c 16
//
// It prints one line of key=value pairs and exits 1 if any request failed.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	base := flag.String("base", "", "cache base URL, e.g. http://127.0.0.1:8080 (required)")
	prefix := flag.String("prefix", "/o/blob/", "path prefix; the object number is appended")
	n := flag.Int("n", 2000, "distinct objects")
	c := flag.Int("c", 16, "concurrent workers")
	timeout := flag.Duration("timeout", 120*time.Second, "overall time limit")
	flag.Parse()
	if *base == "" || *n < 1 || *c < 1 {
		flag.Usage()
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	client := &http.Client{Transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: *c, DisableCompression: true}}

	var next, ok, failed, bytes, hits atomic.Int64
	var wg sync.WaitGroup
	t0 := time.Now()
	for range *c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(*n) || ctx.Err() != nil {
					return
				}
				u := strings.TrimSuffix(*base, "/") + *prefix + strconv.FormatInt(i, 10)
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				m, err := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK {
					failed.Add(1)
					continue
				}
				ok.Add(1)
				bytes.Add(m)
				if strings.HasPrefix(strings.ToLower(resp.Header.Get("X-Cache")), "hit") {
					hits.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	el := time.Since(t0)
	fmt.Printf("requests=%d ok=%d failed=%d hits=%d bytes=%d elapsed_ms=%d\n",
		*n, ok.Load(), failed.Load(), hits.Load(), bytes.Load(), el.Milliseconds())
	if failed.Load() > 0 || ctx.Err() != nil {
		os.Exit(1)
	}
}
