// Command devterm measures how long a function's console.log takes to
// reach the developer's terminal under `verge dev`: a Node.js handler
// behind an http-api-gateway logs a mark carrying its wall-clock time
// (performance.timeOrigin + performance.now(), in microseconds), and the
// terminal (verge dev's stdout, here a writer that notes when each write
// arrives) measures the delay. The goal (issue 13) is under 100 ms.
//
//	go run ./bench/devterm [-n 500] [-gap 5ms]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/verge-edge/verge/bench/internal/load"
	"github.com/verge-edge/verge/internal/cli"
	"github.com/verge-edge/verge/internal/sandbox"
)

func main() {
	sandbox.Init()
	n := flag.Int("n", 500, "invocations, one at a time")
	gap := flag.Duration("gap", 5*time.Millisecond, "pause between invocations")
	flag.Parse()
	if err := run(*n, *gap); err != nil {
		log.Fatal(err)
	}
}

// terminal is verge dev's stdout: it notes the delay of every mark line.
type terminal struct {
	mu     sync.Mutex
	delays []time.Duration
	got    chan struct{}
}

func (t *terminal) Write(p []byte) (int, error) {
	now := time.Now()
	for line := range strings.Lines(string(p)) {
		_, mark, ok := strings.Cut(line, "MARK ")
		if !ok {
			continue
		}
		us, err := strconv.ParseInt(strings.TrimSpace(mark), 10, 64)
		if err != nil {
			continue
		}
		t.mu.Lock()
		t.delays = append(t.delays, now.Sub(time.UnixMicro(us)))
		t.mu.Unlock()
		t.got <- struct{}{}
	}
	return len(p), nil
}

func run(n int, gap time.Duration) error {
	dir, err := os.MkdirTemp("", "verge-bench-devterm-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := load.WriteMarkerStack(dir); err != nil {
		return err
	}
	term := &terminal{got: make(chan struct{}, n+10)}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan int, 1)
	env := &cli.Env{Stdout: term, Stderr: io.Discard, Getenv: func(string) string { return "" },
		Ready: func(listen, _ string) { ready <- listen }}
	go func() {
		done <- cli.Run(ctx, env, []string{"dev", dir, "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0"})
	}()
	var listen string
	select {
	case listen = <-ready:
	case code := <-done:
		cancel()
		return fmt.Errorf("verge dev exited %d", code)
	}
	defer func() { cancel(); <-done }()
	url := "http://" + listen + "/mark"
	for i := 0; i < n+1; i++ { // the first is the cold start, not counted
		resp, err := http.Get(url)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		select {
		case <-term.got:
		case <-time.After(5 * time.Second):
			return fmt.Errorf("invocation %d: no mark in the terminal after 5s", i)
		}
		time.Sleep(gap)
	}
	term.mu.Lock()
	d := slices.Clone(term.delays[1:])
	term.mu.Unlock()
	slices.Sort(d)
	q := func(p float64) time.Duration { return d[int(p*float64(len(d)-1))] }
	fmt.Printf("console.log to the dev terminal, %d warm invocations: p50 %v  p90 %v  p99 %v  max %v\n",
		len(d), q(0.5).Round(time.Microsecond), q(0.9).Round(time.Microsecond), q(0.99).Round(time.Microsecond), d[len(d)-1].Round(time.Microsecond))
	return nil
}
