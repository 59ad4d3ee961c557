// Command collapse fires N concurrent GETs for one cold URL at a cache, all
// released together by a start barrier, then asks the benchmark origin
// (bench/origin) how many requests for that path reached it. A cache that
// collapses concurrent misses into one fill makes the origin see exactly 1.
//
//	go run ./bench/collapse -url http://127.0.0.1:8080/o/slow/k1?ms=200 \
//	    -origin http://127.0.0.1:9100
//
// It prints one line of key=value pairs (origin_count is -1 without -origin)
// and the X-Cache values seen, and exits 1 if any request failed.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

type result struct {
	status  int
	xcache  string
	body    []byte
	elapsed time.Duration
	err     error
}

func main() {
	target := flag.String("url", "", "the cold URL to request (required)")
	n := flag.Int("n", 100, "concurrent requests")
	originURL := flag.String("origin", "", "benchmark origin base URL, to read its request count for the path")
	countPath := flag.String("count-path", "", "path to read the origin count for (default: the URL's path)")
	timeout := flag.Duration("timeout", 30*time.Second, "overall time limit")
	flag.Parse()
	if *target == "" || *n < 1 {
		flag.Usage()
		os.Exit(2)
	}
	u, err := url.Parse(*target)
	if err != nil {
		fmt.Fprintln(os.Stderr, "collapse:", err)
		os.Exit(2)
	}
	if *countPath == "" {
		*countPath = u.Path
	}

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	client := &http.Client{Transport: &http.Transport{
		Proxy:               nil,
		MaxIdleConnsPerHost: *n,
		DisableCompression:  true,
	}}

	results := make([]result, *n)
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	for i := range *n {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, *target, nil)
			if err != nil {
				results[i].err = err
				ready.Done()
				return
			}
			ready.Done()
			<-start
			t0 := time.Now()
			resp, err := client.Do(req)
			if err != nil {
				results[i] = result{err: err, elapsed: time.Since(t0)}
				return
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			results[i] = result{status: resp.StatusCode, xcache: resp.Header.Get("X-Cache"), body: body,
				elapsed: time.Since(t0), err: err}
		}()
	}
	ready.Wait()
	t0 := time.Now()
	close(start)
	done.Wait()
	wall := time.Since(t0)

	ok, failed := 0, 0
	xcache := map[string]int{}
	var first []byte
	sameBody := true
	var maxLat time.Duration
	for _, r := range results {
		if r.err != nil || r.status != http.StatusOK {
			failed++
			if r.err != nil {
				fmt.Fprintln(os.Stderr, "collapse: request failed:", r.err)
			} else {
				fmt.Fprintln(os.Stderr, "collapse: status", r.status)
			}
			continue
		}
		ok++
		xcache[r.xcache]++
		if first == nil {
			first = r.body
		} else if !bytes.Equal(first, r.body) {
			sameBody = false
		}
		maxLat = max(maxLat, r.elapsed)
	}

	count := int64(-1)
	if *originURL != "" {
		count, err = originCount(ctx, *originURL, *countPath)
		if err != nil {
			fmt.Fprintln(os.Stderr, "collapse: reading origin count:", err)
		}
	}
	var xs []string
	for k, v := range xcache {
		xs = append(xs, fmt.Sprintf("%q:%d", k, v))
	}
	sort.Strings(xs)
	fmt.Printf("requests=%d ok=%d failed=%d origin_count=%d same_body=%t wall_ms=%d max_ms=%d\n",
		*n, ok, failed, count, sameBody, wall.Milliseconds(), maxLat.Milliseconds())
	fmt.Printf("x_cache={%s}\n", strings.Join(xs, ","))
	if failed > 0 {
		os.Exit(1)
	}
}

func originCount(ctx context.Context, base, path string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet,
		strings.TrimSuffix(base, "/")+"/_count?path="+url.QueryEscape(path), nil)
	if err != nil {
		return -1, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return -1, err
	}
	defer resp.Body.Close()
	var v struct {
		Count int64 `json:"count"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		return -1, err
	}
	return v.Count, nil
}
