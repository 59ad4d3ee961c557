package load

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Starts is a functions.Tap that hands on a handler's "START <start µs>
// <sent µs>" lines: handlers log their wall-clock start and the sender's
// clock that their event carries, so an event's way from send to handler
// start is timed on one clock.
type Starts struct{ starts chan [2]int64 }

// NewStarts returns a Starts with room for a few lines in flight.
func NewStarts() *Starts { return &Starts{starts: make(chan [2]int64, 16)} }

func (s *Starts) Line(function, line string) {
	_, rest, ok := strings.Cut(line, "START ")
	if !ok {
		return
	}
	f := strings.Fields(rest)
	if len(f) < 2 {
		return
	}
	start, _ := strconv.ParseInt(f[0], 10, 64)
	sent, _ := strconv.ParseInt(f[1], 10, 64)
	s.starts <- [2]int64{start, sent}
}

func (s *Starts) Failed(function, errorType, message string, stack []string) {}

// Latencies sends n events one at a time (after a warm-up), each naming
// the send's start in µs, and collects the handler's start minus that.
func (s *Starts) Latencies(n int, send func(sent int64) error) ([]time.Duration, error) {
	const warm = 10
	var out []time.Duration
	for i := range n + warm {
		sent := time.Now().UnixMicro()
		if err := send(sent); err != nil {
			return nil, err
		}
		if err := s.await(sent, i >= warm, &out); err != nil {
			return nil, fmt.Errorf("event %d: %w", i, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return out, nil
}

// await waits for the start of the event sent at sent, skipping late
// starts of earlier events, and records its latency when keep.
func (s *Starts) await(sent int64, keep bool, out *[]time.Duration) error {
	timeout := time.After(10 * time.Second)
	for {
		select {
		case st := <-s.starts:
			if st[1] != sent {
				continue
			}
			if keep {
				*out = append(*out, time.Duration(st[0]-st[1])*time.Microsecond)
			}
			return nil
		case <-timeout:
			return fmt.Errorf("the handler did not start")
		}
	}
}

// Q is the q-quantile of xs (unsorted).
func Q(xs []time.Duration, q float64) time.Duration {
	s := slices.Clone(xs)
	slices.Sort(s)
	return Quantile(s, q)
}

// A Measure is one way of sending an event whose way to the handler's
// start is timed; Send gets the send's start in µs to carry.
type Measure struct {
	Name, Target string
	Send         func(sent int64) error
}

// Table times n events of each measure per round, rounds times in turn
// (so drift hits all alike), and prints p50 and p99 as a Markdown table
// under title, each p50 beside the first measure's: the floor.
func (s *Starts) Table(title string, n, rounds int, ms []Measure) error {
	lats := make([][]time.Duration, len(ms))
	for range rounds {
		for i, m := range ms {
			got, err := s.Latencies(n, m.Send)
			if err != nil {
				return fmt.Errorf("%s: %w", m.Name, err)
			}
			lats[i] = append(lats[i], got...)
		}
	}
	fmt.Printf("# %s (%s, GOMAXPROCS=%s, %d rounds of %d)\n\n", title, time.Now().UTC().Format(time.RFC3339), os.Getenv("GOMAXPROCS"), rounds, n)
	fmt.Println("| measure | p50 | p99 | p50 / floor's | target |")
	fmt.Println("|---|---|---|---|---|")
	floor := Q(lats[0], 0.5)
	for i, m := range ms {
		p50 := Q(lats[i], 0.5)
		fmt.Printf("| %s | %s | %s | %.2fx | %s |\n", m.Name, Dur(p50), Dur(Q(lats[i], 0.99)), float64(p50)/float64(floor), m.Target)
	}
	return nil
}
