package load

import (
	"fmt"
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
