package async

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkEnqueue measures accepted events per second; each Enqueue
// returns only once JetStream has stored the event.
func BenchmarkEnqueue(b *testing.B) {
	for _, parallel := range []bool{false, true} {
		name := "serial"
		if parallel {
			name = "parallel"
		}
		b.Run(name, func(b *testing.B) {
			br := openBroker(b, b.TempDir())
			q := newQueue(b, br, Options{Invoker: newInvoker(nil)})
			// No consumer: Configure then remove it would forget the name,
			// so the function stays configured but its invocations block.
			q.Configure(map[string]Config{"f": DefaultConfig()})
			q.workers["f"].stop()
			payload := []byte(`{"order":12345,"items":["a","b","c"]}`)
			ctx := context.Background()
			b.ResetTimer()
			start := time.Now()
			if parallel {
				b.SetParallelism(8)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if _, err := q.Enqueue(ctx, "f", payload); err != nil {
							b.Error(err)
							return
						}
					}
				})
			} else {
				for range b.N {
					if _, err := q.Enqueue(ctx, "f", payload); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "accepted/s")
		})
	}
}

// noop is an Invoker that does nothing and counts.
type noop struct {
	n    atomic.Int64
	want int64
	done chan struct{}
}

func (n *noop) Invoke(context.Context, string, string, []byte) (Result, error) {
	if n.n.Add(1) == n.want {
		close(n.done)
	}
	return Result{}, nil
}

// BenchmarkDeliver measures events delivered per second to an Invoker
// that returns at once, from a queue filled beforehand.
func BenchmarkDeliver(b *testing.B) {
	br := openBroker(b, b.TempDir())
	inv := &noop{want: int64(b.N), done: make(chan struct{})}
	q := newQueue(b, br, Options{Invoker: inv})
	q.Configure(map[string]Config{"f": DefaultConfig()})
	q.workers["f"].stop()
	ctx := context.Background()
	for range b.N {
		if _, err := q.Enqueue(ctx, "f", []byte(`{}`)); err != nil {
			b.Fatal(err)
		}
	}
	q.mu.Lock()
	delete(q.workers, "f")
	q.mu.Unlock()
	b.ResetTimer()
	start := time.Now()
	q.Configure(map[string]Config{"f": DefaultConfig()})
	select {
	case <-inv.done:
	case <-time.After(10 * time.Minute):
		b.Fatalf("delivered %d of %d", inv.n.Load(), b.N)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "delivered/s")
}
