package sandbox

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// helperEnv makes the test binary act as a Verge process that starts one
// sandbox, prints its pid and waits to be killed (the Pdeathsig test).
const helperEnv = "VERGE_SANDBOX_TEST_PARENT"

func TestMain(m *testing.M) {
	Init()
	if os.Getenv(helperEnv) != "" {
		helperParent()
		return
	}
	goleak.VerifyTestMain(m, goleak.Cleanup(func(code int) {
		if shimDir != "" {
			os.RemoveAll(shimDir)
		}
		os.Exit(code)
	}))
}

// helperParent starts `sh -c <script>` in a sandbox, prints its pid and
// blocks until killed.
func helperParent() {
	p, err := Start(Spec{Path: "/bin/sh", Args: []string{"-c", os.Getenv(helperEnv), "helper-sandbox"}, StateDir: os.TempDir(),
		Env:          []string{"TEST_MARKER=" + os.Getenv(helperEnv+"_MARKER")},
		noNamespaces: os.Getenv(helperEnv+"_NONS") != ""})
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println(p.Pid())
	select {}
}

// mode is one way of running sandboxes: with or without namespaces.
type mode struct {
	name string
	nons bool
}

// modes returns the modes available here; the namespaced one is skipped
// where the kernel refuses user namespaces.
func modes(t *testing.T) []mode {
	if !Mechanisms().Namespaces {
		t.Logf("namespaces unavailable: %s", Mechanisms().NamespaceError)
		return []mode{{"fallback", true}}
	}
	return []mode{{"namespaces", false}, {"fallback", true}}
}

// buffer is a goroutine-safe bytes.Buffer.
type buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// generous bounds every wait: tests run with -race on a loaded 2-core machine.
const generous = 60 * time.Second

// start starts a sandbox and closes it when the test ends.
func start(t *testing.T, s Spec) *Process {
	t.Helper()
	if s.StateDir == "" {
		s.StateDir = t.TempDir()
	}
	p, err := Start(s)
	if err != nil {
		t.Fatalf("Start(%s %q): %v", s.Path, s.Args, err)
	}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return p
}

// wait waits for p to be done.
func wait(t *testing.T, p *Process) {
	t.Helper()
	select {
	case <-p.Done():
	case <-time.After(generous):
		t.Fatalf("sandbox %d not done after %v", p.Pid(), generous)
	}
}

// poll calls cond until it is true, failing after generous.
func poll(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(generous)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

var python = sync.OnceValues(func() (string, error) {
	out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
	return strings.TrimSpace(string(out)), err
})

// pythonPath returns the real python interpreter, or skips.
func pythonPath(t testing.TB) string {
	p, err := python()
	if err != nil || p == "" {
		t.Skipf("no python3: %v", err)
	}
	return p
}

const nodePath = "/usr/bin/node"

var buildShim = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "verge-sandbox-shim-")
	if err != nil {
		return "", err
	}
	shimDir = dir
	bin := dir + "/verge-sandbox"
	out, err := exec.Command("go", "build", "-o", bin, "github.com/verge-edge/verge/cmd/verge-sandbox").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build cmd/verge-sandbox: %v\n%s", err, out)
	}
	return bin, nil
})

// shimDir holds the small shim built for the tests; TestMain removes it.
var shimDir string

// smallShim returns the path of cmd/verge-sandbox, built once for the tests.
func smallShim(t testing.TB) string {
	bin, err := buildShim()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

func needNode(t testing.TB) {
	if _, err := os.Stat(nodePath); err != nil {
		t.Skipf("no node: %v", err)
	}
}

// leftovers returns the live processes whose command line or environment
// carries marker, or whose parent chain leads to this test process.
func leftovers(marker string) []string {
	self := os.Getpid()
	par := parents()
	var out []string
	for pid := range par {
		if pid == self {
			continue
		}
		stat, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if i := bytes.LastIndexByte(stat, ')'); i > 0 && len(stat) > i+2 && stat[i+2] == 'Z' {
			continue
		}
		cmdline, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
		environ, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
		ours := marker != "" && (bytes.Contains(cmdline, []byte(marker)) || bytes.Contains(environ, []byte(marker)))
		for p, n := par[pid], 0; p > 1 && n < 64 && !ours; p, n = par[p], n+1 {
			ours = p == self
		}
		if ours {
			out = append(out, fmt.Sprintf("%d %q", pid, bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '})))
		}
	}
	return out
}

// fdCount is the number of descriptors this process has open.
func fdCount(t *testing.T) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// firstLine waits for the first line of the output and returns it.
func firstLine(t *testing.T, out *buffer) string {
	t.Helper()
	var line string
	poll(t, "a line of output", func() bool {
		s := bufio.NewScanner(strings.NewReader(out.String()))
		if s.Scan() && strings.Contains(out.String(), "\n") {
			line = s.Text()
			return true
		}
		return false
	})
	return line
}

// noLeftovers waits until no process of the test or with marker is left.
func noLeftovers(t *testing.T, marker string) {
	t.Helper()
	deadline := time.Now().Add(generous)
	for {
		l := leftovers(marker)
		if len(l) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("processes left behind: %q", l)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// alive reports whether pid is a live (not zombie) process.
func alive(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(stat, ')')
	return i < 0 || len(stat) < i+3 || stat[i+2] != 'Z'
}
