// Command engine measures what issue #11's engine may have cost, side by
// side in one run with another verge binary (the previous commit's): the
// reload time of a stack with 50 resources in `verge dev` (the "stack
// reloaded … took=" line: reading the stack file, then applying it to every
// part; function builds are cache hits) and 1 KiB cache hits through the
// viewer listener (a Go client, requests/s and p50; and wrk -t1 -c64 when
// wrk is installed: apt-get install wrk).
//
//	git worktree add /tmp/prev HEAD~1 && (cd /tmp/prev && go build -o /tmp/verge-prev ./cmd/verge)
//	go run ./bench/engine -old /tmp/verge-prev [-rounds 2] [-reloads 20] [-d 5s] [-c 8]
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/verge-edge/verge/bench/internal/load"
)

func main() {
	old := flag.String("old", "", "the verge binary to compare with (required)")
	cur := flag.String("new", "", "this tree's verge binary (default: built from ./cmd/verge)")
	rounds := flag.Int("rounds", 2, "rounds; each runs both binaries, alternating which goes first")
	reloads := flag.Int("reloads", 20, "reloads per run")
	dur := flag.Duration("d", 5*time.Second, "how long each cache-hit throughput run lasts")
	conc := flag.Int("c", 8, "concurrent callers for cache hits")
	write := flag.String("write", "", "only write the 50-resource stack into this folder")
	flag.Parse()
	if *write != "" {
		if err := writeStack(*write); err != nil {
			log.Fatal(err)
		}
		return
	}
	if *old == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*old, *cur, *rounds, *reloads, *dur, *conc); err != nil {
		log.Fatal(err)
	}
}

// result is one binary's figures over the rounds.
type result struct {
	reloads []time.Duration
	rps     []float64
	wrk     []float64 // wrk's requests/s, when wrk is installed
	p50     []time.Duration
}

func run(old, cur string, rounds, reloads int, dur time.Duration, conc int) error {
	tmp, err := os.MkdirTemp("", "verge-bench-engine-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if cur == "" {
		cur = filepath.Join(tmp, "verge")
		if out, err := exec.Command("go", "build", "-o", cur, "./cmd/verge").CombinedOutput(); err != nil {
			return fmt.Errorf("go build: %v\n%s", err, out)
		}
	}
	dir := filepath.Join(tmp, "stack")
	if err := writeStack(dir); err != nil {
		return err
	}
	bins := []struct{ name, path string }{{"previous", old}, {"this", cur}}
	res := map[string]*result{"previous": {}, "this": {}}
	for r := range rounds {
		order := bins
		if r%2 == 1 {
			order = []struct{ name, path string }{bins[1], bins[0]}
		}
		for _, b := range order {
			if err := measure(b.path, dir, filepath.Join(tmp, "data-"+b.name), reloads, dur, conc, res[b.name]); err != nil {
				return fmt.Errorf("%s: %w", b.name, err)
			}
		}
	}
	report(res, conc)
	return nil
}

// measure runs bin dev on dir: reloads, then cache hits.
func measure(bin, dir, data string, reloads int, dur time.Duration, conc int, res *result) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "dev", dir, "--listen", "127.0.0.1:18531", "--admin", "127.0.0.1:18532",
		"--data", data, "--access-log", "off")
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { cancel(); cmd.Wait() }() // interrupt, then wait for the shutdown
	lines := make(chan string, 1024)
	exited := make(chan struct{})
	var tail []string // the last lines, for a start that fails
	var mu sync.Mutex
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			mu.Lock()
			tail = append(tail[max(0, len(tail)-20):], sc.Text())
			mu.Unlock()
			lines <- sc.Text()
		}
		close(exited)
	}()
	if err := waitHealthy("http://127.0.0.1:18532/healthz", 120*time.Second, exited); err != nil {
		mu.Lock()
		defer mu.Unlock()
		return fmt.Errorf("%w:\n%s", err, strings.Join(tail, "\n"))
	}
	time.Sleep(500 * time.Millisecond) // provisioned starts and log lines settle
	drain(lines)
	took := regexp.MustCompile(`stack reloaded.*took=([0-9.]+[µmn]?s)`)
	stackFile := filepath.Join(dir, "verge.yaml")
	for i := range reloads {
		f, err := os.OpenFile(stackFile, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		fmt.Fprintf(f, "# reload %d\n", i)
		f.Close()
		d, err := waitLine(lines, took, 30*time.Second)
		if err != nil {
			return err
		}
		res.reloads = append(res.reloads, d)
	}
	url := "http://127.0.0.1:18531/1k.bin"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conc}}
	do := func() error {
		req, _ := http.NewRequest("GET", url, nil)
		req.Host = "site0.localhost"
		return load.Fetch(client, req, 1024)
	}
	lat, err := load.Latencies(do, 200, 3000)
	if err != nil {
		return err
	}
	res.p50 = append(res.p50, load.Quantile(lat, 0.5))
	rps, err := load.Throughput(do, conc, dur)
	if err != nil {
		return err
	}
	res.rps = append(res.rps, rps)
	if _, err := exec.LookPath("wrk"); err == nil {
		out, err := exec.Command("wrk", "-t1", "-c64", "-d"+dur.String(), "-H", "Host: site0.localhost", url).CombinedOutput()
		if err != nil {
			return fmt.Errorf("wrk: %v\n%s", err, out)
		}
		m := regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`).FindSubmatch(out)
		if m == nil {
			return fmt.Errorf("wrk printed no Requests/sec:\n%s", out)
		}
		var v float64
		fmt.Sscan(string(m[1]), &v)
		res.wrk = append(res.wrk, v)
	}
	return nil
}

func waitHealthy(url string, within time.Duration, exited <-chan struct{}) error {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return fmt.Errorf("verge exited")
		default:
		}
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("%s did not answer within %v", url, within)
}

func drain(lines chan string) {
	for {
		select {
		case <-lines:
		default:
			return
		}
	}
}

func waitLine(lines chan string, re *regexp.Regexp, within time.Duration) (time.Duration, error) {
	t := time.NewTimer(within)
	defer t.Stop()
	for {
		select {
		case l := <-lines:
			if strings.Contains(l, "could not apply") || strings.Contains(l, "has problems") {
				return 0, fmt.Errorf("reload failed: %s", l)
			}
			if m := re.FindStringSubmatch(l); m != nil {
				return time.ParseDuration(m[1])
			}
		case <-t.C:
			return 0, fmt.Errorf("no reload within %v", within)
		}
	}
}

func report(res map[string]*result, conc int) {
	prev, cur := res["previous"], res["this"]
	slices.Sort(prev.reloads)
	slices.Sort(cur.reloads)
	med := func(f []float64) float64 { s := slices.Clone(f); slices.Sort(s); return s[len(s)/2] }
	fmt.Printf("| figure | previous | this | this/previous |\n|---|---|---|---|\n")
	rp, rc := load.Quantile(prev.reloads, 0.5), load.Quantile(cur.reloads, 0.5)
	fmt.Printf("| reload, 50 resources, p50 | %s | %s | %.2fx |\n", load.Dur(rp), load.Dur(rc), float64(rc)/float64(rp))
	rp, rc = load.Quantile(prev.reloads, 0.9), load.Quantile(cur.reloads, 0.9)
	fmt.Printf("| reload, 50 resources, p90 | %s | %s | %.2fx |\n", load.Dur(rp), load.Dur(rc), float64(rc)/float64(rp))
	lp, lc := load.Median(prev.p50), load.Median(cur.p50)
	fmt.Printf("| 1 KiB hit p50 (1 caller) | %s | %s | %.2fx |\n", load.Dur(lp), load.Dur(lc), float64(lc)/float64(lp))
	tp, tc := med(prev.rps), med(cur.rps)
	fmt.Printf("| 1 KiB hits/s (Go client, %d callers) | %.0f | %.0f | %.2fx |\n", conc, tp, tc, tc/tp)
	if len(prev.wrk) > 0 {
		tp, tc = med(prev.wrk), med(cur.wrk)
		fmt.Printf("| 1 KiB hits/s (wrk -t1 -c64) | %.0f | %.0f | %.2fx |\n", tp, tc, tc/tp)
	}
}
