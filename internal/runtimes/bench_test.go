package runtimes

import (
	"context"
	"os/exec"
	"sort"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/runtimeapi"
)

// BenchmarkNodeWarmInvoke is one warm invoke round-trip through
// Server.Invoke with a trivial node handler.
func BenchmarkNodeWarmInvoke(b *testing.B) {
	id := nodeID(b)
	sb := startFunction(b, id, "index.handler", map[string]string{"index.js": `exports.handler = async (e) => e;`})
	if err := sb.api.WaitInit(context.Background()); err != nil {
		b.Fatal(err)
	}
	inv := &runtimeapi.Invocation{RequestID: "bench", Payload: []byte(`{"k":"v"}`), FunctionARN: testARN}
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := sb.api.Invoke(ctx, inv); err != nil {
			b.Fatal(err)
		}
	}
}

// TestColdStart compares the node bootstrap's init (process start to its
// first /next) with a bare `node -e 0`. It logs the figures; the bound is
// loose because the machine is shared.
func TestColdStart(t *testing.T) {
	if testing.Short() {
		t.Skip("timing")
	}
	id := nodeID(t)
	rt, _, _ := Resolve(id)
	median := func(f func() time.Duration) time.Duration {
		var d []time.Duration
		for range 7 {
			d = append(d, f())
		}
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		return d[len(d)/2]
	}
	bare := median(func() time.Duration {
		start := time.Now()
		if err := exec.Command(rt.Interpreter, "-e", "0").Run(); err != nil {
			t.Fatal(err)
		}
		return time.Since(start)
	})
	boot := median(func() time.Duration {
		start := time.Now()
		sb := startFunction(t, id, "index.handler", map[string]string{"index.js": `exports.handler = async () => 1;`})
		sb.init(t)
		return time.Since(start)
	})
	t.Logf("node -e 0: %v; bootstrap to first /next: %v (%.2fx)", bare, boot, float64(boot)/float64(bare))
	if boot > 10*bare {
		t.Errorf("bootstrap init %v is over 10x node -e 0 (%v)", boot, bare)
	}
}
