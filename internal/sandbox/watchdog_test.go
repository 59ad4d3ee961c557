package sandbox

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestTreeMemory: a process tree's memory counts its children's; the
// proportional count charges shared pages (the C library's) only in part.
func TestTreeMemory(t *testing.T) {
	buf := make([]byte, 2048)
	self := rss(os.Getpid(), buf)
	if self <= 0 {
		t.Fatalf("rss of this process = %d", self)
	}
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	// Measure once the child sleeps: before, it is exec'ing and loading
	// its libraries, and its pages change between two readings.
	poll(t, "the child to sleep", func() bool {
		stat, _ := os.ReadFile(fmt.Sprintf("/proc/%d/stat", cmd.Process.Pid))
		return strings.Contains(string(stat), "(sleep) S ")
	})
	child := rss(cmd.Process.Pid, buf)
	if child <= 0 {
		t.Fatalf("rss of the child = %d", child)
	}
	// This process's own memory may move a little between the readings.
	if tree := treeMemory(os.Getpid(), buf, rss); tree < child+self/2 {
		t.Errorf("tree rss = %d, want about %d + %d", tree, self, child)
	}
	if p := pss(cmd.Process.Pid, buf); p <= 0 || p >= child {
		t.Errorf("pss of the child = %d, want above 0 and below its rss %d", p, child)
	}
	if tree := treeMemory(os.Getpid(), buf, pss); tree <= 0 || tree > treeMemory(os.Getpid(), buf, rss) {
		t.Errorf("tree pss = %d, want above 0 and at most the tree's rss", tree)
	}
	for _, size := range []func(int, []byte) int64{rss, pss} {
		if got := treeMemory(1<<30, buf, size); got != 0 {
			t.Errorf("memory of no process = %d", got)
		}
	}
}
