// Package load drives a request function for the Go benchmark programs
// under bench/: sequential latencies and concurrent throughput.
package load

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Latencies runs do warm times, then n more, and returns those n
// durations sorted.
func Latencies(do func() error, warm, n int) ([]time.Duration, error) {
	for range warm {
		if err := do(); err != nil {
			return nil, err
		}
	}
	out := make([]time.Duration, n)
	for i := range out {
		start := time.Now()
		if err := do(); err != nil {
			return nil, err
		}
		out[i] = time.Since(start)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}

// Quantile returns the q quantile (0 to 1) of sorted durations.
func Quantile(sorted []time.Duration, q float64) time.Duration {
	return sorted[min(len(sorted)-1, int(float64(len(sorted))*q))]
}

// Throughput runs conc callers of do for d after a warm-up run as long
// (which starts whatever concurrency needs, such as sandboxes) and returns
// calls per second.
func Throughput(do func() error, conc int, d time.Duration) (float64, error) {
	if _, err := loop(do, conc, d); err != nil {
		return 0, err
	}
	return loop(do, conc, d)
}

func loop(do func() error, conc int, d time.Duration) (float64, error) {
	return Rate(func() (int, error) { return 1, do() }, conc, d)
}

// Rate runs conc callers of do for d, without a warm-up, and returns the
// units done (do's count; none when it fails) per second.
func Rate(do func() (int, error), conc int, d time.Duration) (float64, error) {
	var count atomic.Int64
	var firstErr atomic.Value
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				k, err := do()
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				count.Add(int64(k))
			}
		})
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return 0, err
	}
	return float64(count.Load()) / time.Since(start).Seconds(), nil
}

// Median returns the median of durations, in any order.
func Median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// Dur formats a duration for the reports: µs under a millisecond.
func Dur(d time.Duration) string {
	if d < time.Millisecond {
		return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
	}
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}

// Fetch does req and checks that it is answered 200 with size bytes.
func Fetch(client *http.Client, req *http.Request, size int64) error {
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	n, _ := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || n != size {
		return fmt.Errorf("%s: %s, %d bytes", req.URL, resp.Status, n)
	}
	return nil
}
