package sandbox

import (
	"strings"
	"testing"
	"time"
)

// TestFreeze: a frozen sandbox's runtime and its child make no progress
// until Thaw; Freeze and Thaw after the runtime's exit do nothing.
func TestFreeze(t *testing.T) {
	for _, m := range modes(t) {
		t.Run(m.name, func(t *testing.T) {
			var out buffer
			script := `(while :; do echo c; sleep 0.01; done) & while :; do echo r; sleep 0.01; done`
			p := start(t, Spec{Path: "/bin/sh", Args: []string{"-c", script}, Stdout: &out, noNamespaces: m.nons})
			ticks := func(who string) int { return strings.Count(out.String(), who+"\n") }
			poll(t, "both loops to tick", func() bool { return ticks("r") > 2 && ticks("c") > 2 })
			p.Freeze()
			time.Sleep(50 * time.Millisecond) // what was written before the stop arrives
			p.Sync()
			r, c := ticks("r"), ticks("c")
			time.Sleep(300 * time.Millisecond)
			p.Sync()
			if ticks("r") != r || ticks("c") != c {
				t.Errorf("frozen for 300ms, the runtime ticked %d times and its child %d", ticks("r")-r, ticks("c")-c)
			}
			p.Thaw()
			poll(t, "both loops to tick again", func() bool { return ticks("r") > r+2 && ticks("c") > c+2 })
			if p.Exited() {
				t.Fatal("Exited() = true for a running sandbox")
			}
			p.Freeze()
			p.Kill() // a frozen sandbox still dies
			wait(t, p)
			if !p.Exited() {
				t.Error("Exited() = false after Done")
			}
			p.Freeze()
			p.Thaw()
		})
	}
}
