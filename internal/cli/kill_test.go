package cli

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const killStack = `resources:
  slow:
    type: function
    properties:
      packaging: {type: stacktape-lambda-buildpack, properties: {entryfilePath: slow.js}}
`

// startVerge runs the verge binary as a child `serve` on random ports and
// returns it with its admin address.
func startVerge(t *testing.T, bin, dir string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, "serve", dir, "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0")
	cmd.Stderr = io.Discard
	out, err := cmd.StdoutPipe()
	must(t, err)
	must(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if f := strings.Fields(sc.Text()); len(f) >= 2 && f[0] == "admin" {
				addr <- strings.TrimSuffix(strings.TrimPrefix(f[1], "http://"), "/")
			}
		}
		io.Copy(io.Discard, out)
	}()
	select {
	case a := <-addr:
		return cmd, a
	case <-time.After(60 * time.Second):
		t.Fatal("verge did not start")
	}
	return nil, ""
}

// TestKillNineKeepsQueuedEvents kills a verge process (SIGKILL) while
// asynchronous events are queued and running, starts it again on the same
// data folder, and checks every event is delivered.
func TestKillNineKeepsQueuedEvents(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the verge binary")
	}
	bin := filepath.Join(t.TempDir(), "verge")
	build := exec.Command("go", "build", "-o", bin, "github.com/verge-edge/verge/cmd/verge")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := stackDir(t, killStack)
	writeFiles(t, dir, map[string]string{"slow.js": `exports.handler = async (e) => {
  await new Promise((r) => setTimeout(r, 2000));
  console.log('DONE ' + e.n);
};
`})
	cmd, adminAddr := startVerge(t, bin, dir)
	data := filepath.Join(dir, ".verge") // where the client commands find the token
	const n = 10
	for i := range n {
		code, out, stderr := run(t, "invoke", "slow", "--async", "--payload", `{"n":`+string(rune('0'+i))+`}`, "--admin", adminAddr, "--data", data)
		if code != 0 {
			t.Fatalf("invoke --async: %d %q %q", code, out, stderr)
		}
	}
	time.Sleep(500 * time.Millisecond) // the events are running, none done
	if _, out, _ := run(t, "logs", "slow", "--admin", adminAddr, "--data", data, "--since", "1h"); strings.Contains(out, "DONE") {
		t.Fatalf("events finished before the kill; the test proves nothing:\n%s", out)
	}
	must(t, cmd.Process.Signal(syscall.SIGKILL))
	cmd.Wait()

	_, adminAddr = startVerge(t, bin, dir)
	done := map[string]bool{}
	deadline := time.Now().Add(60 * time.Second)
	for len(done) < n && time.Now().Before(deadline) {
		_, out, _ := run(t, "logs", "slow", "--admin", adminAddr, "--data", data, "--since", "1h")
		for line := range strings.Lines(out) {
			if _, rest, ok := strings.Cut(line, "DONE "); ok {
				done[strings.TrimSpace(rest)] = true
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	if len(done) != n {
		t.Errorf("%d of %d events delivered after the restart: %v", len(done), n, done)
	}
	if _, err := os.Stat(filepath.Join(dir, ".verge", "nats")); err != nil {
		t.Errorf("the embedded broker's store: %v", err)
	}
}
