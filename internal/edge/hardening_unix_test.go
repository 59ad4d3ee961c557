//go:build unix

package edge

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestOutOfDescriptors runs an edge, on each path, in a child process
// limited to 64 file descriptors, holds 100 idle connections to it, then
// lets them go: the edge must still be serving (the fast path used to exit
// on "accept4: too many open files").
func TestOutOfDescriptors(t *testing.T) {
	if path := os.Getenv("VERGE_TEST_EMFILE_CHILD"); path != "" {
		emfileChild(t, path == pathName(true))
		return
	}
	if testing.Short() {
		t.Skip("starts child processes")
	}
	for _, fast := range []bool{true, false} {
		t.Run(pathName(fast), func(t *testing.T) { outOfDescriptors(t, fast) })
	}
}

func outOfDescriptors(t *testing.T, fast bool) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestOutOfDescriptors$")
	cmd.Env = append(os.Environ(), "VERGE_TEST_EMFILE_CHILD="+pathName(fast))
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	defer func() {
		stdin.Close()
		if err := <-exited; err != nil {
			t.Errorf("child: %v", err)
		}
	}()
	addr, err := bufio.NewReader(stdout).ReadString('\n')
	go func() { io.Copy(io.Discard, stdout); exited <- cmd.Wait() }()
	if err != nil {
		t.Fatal(err)
	}
	addr = strings.TrimSpace(addr)
	var idle []net.Conn
	for range 100 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			break
		}
		idle = append(idle, c)
	}
	time.Sleep(300 * time.Millisecond) // the child hits EMFILE and backs off
	select {
	case err := <-exited:
		exited <- err
		t.Fatalf("the edge exited under %d idle connections: %v", len(idle), err)
	default:
	}
	for _, c := range idle {
		c.Close()
	}
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := client.Get("http://" + addr + "/a.txt")
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(b) != "a" {
				t.Errorf("body %q", b)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not serving after the idle connections closed: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// emfileChild serves a bucket with at most 64 descriptors, prints its
// address and stops when stdin closes.
func emfileChild(t *testing.T, fast bool) {
	dir := t.TempDir()
	writeFile(t, dir, "a.txt", "a")
	ln := listen(t)
	e := startEdgeOn(t, Options{}, planOf(distOf("site", bucketBehavior("*", dir, policy(0, 0, 0)))), nil, ln, fast)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: 64, Max: 64}); err != nil {
		t.Skipf("setrlimit: %v", err)
	}
	fmt.Println(strings.TrimPrefix(e.url, "http://"))
	io.Copy(io.Discard, os.Stdin)
}
