package sandbox

import (
	"os"
	"os/exec"
	"testing"
)

// TestTreeRSS: a process tree's memory counts its children's.
func TestTreeRSS(t *testing.T) {
	buf := make([]byte, 512)
	self := rss(os.Getpid(), buf)
	if self <= 0 {
		t.Fatalf("rss of this process = %d", self)
	}
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	child := rss(cmd.Process.Pid, buf)
	if child <= 0 {
		t.Fatalf("rss of the child = %d", child)
	}
	// This process's own memory may move a little between the readings.
	if tree := treeRSS(os.Getpid(), buf); tree < child+self/2 {
		t.Errorf("treeRSS = %d, want about %d + %d", tree, self, child)
	}
	if got := treeRSS(1<<30, buf); got != 0 {
		t.Errorf("treeRSS of no process = %d", got)
	}
}
