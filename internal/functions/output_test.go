package functions

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/logs"
)

// TestLogCaps: output over an invocation's cap, or over the function's
// budget for the minute, is dropped and reported in one marker line before
// Verge's next line; the next invocation starts a new cap.
func TestLogCaps(t *testing.T) {
	line := bytes.Repeat([]byte{'x'}, 1023)
	line = append(line, '\n') // 1 KiB a line
	for _, c := range []struct {
		name         string
		sandboxes    int // sharing one function's budget
		kib          int // each writes this much per invocation
		invocations  int
		wantLogged   int64 // KiB of output logged in all
		wantDroppedK int64 // KiB dropped in all
	}{
		{"under the cap", 1, 1024, 1, 1024, 0},
		{"one invocation over the cap", 1, 20 << 10, 1, LogInvocationBytes >> 10, 20<<10 - LogInvocationBytes>>10},
		{"a new cap per invocation", 1, 10 << 10, 2, 2 * LogInvocationBytes >> 10, 2 * (10<<10 - LogInvocationBytes>>10)},
		{"the function's budget per minute", 10, 8 << 10, 1, LogFunctionBytesPerMinute >> 10, 80<<10 - LogFunctionBytesPerMinute>>10},
	} {
		t.Run(c.name, func(t *testing.T) {
			store, err := logs.OpenOptions(filepath.Join(t.TempDir(), "logs"), logs.Options{MaxPendingBytes: 256 << 20, FlushInterval: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			g := store.Group("/aws/lambda/loud", 0)
			budget := &logBudget{}
			for s := range c.sandboxes {
				o := &output{group: g, budget: budget, stream: fmt.Sprint("stream", s)}
				for range c.invocations {
					o.begin()
					o.Line("START")
					for range c.kib {
						o.Write(line)
					}
					o.Line("END")
				}
			}
			evs, err := store.Query(g.Name(), logs.Query{})
			if err != nil {
				t.Fatal(err)
			}
			var logged, dropped int64
			for _, ev := range evs {
				if strings.HasPrefix(ev.Message, "xxx") {
					logged += int64(len(ev.Message)) + 1
				}
				if m, ok := strings.CutPrefix(ev.Message, "[verge] "); ok {
					var d int64
					fmt.Sscanf(m, "%d", &d)
					dropped += d
				}
			}
			if logged>>10 != c.wantLogged || dropped>>10 != c.wantDroppedK {
				t.Errorf("logged %d KiB, dropped %d KiB; want %d and %d", logged>>10, dropped>>10, c.wantLogged, c.wantDroppedK)
			}
		})
	}
}
