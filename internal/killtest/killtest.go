// Package killtest runs the child of a kill -9 test: the test binary
// itself, started again to run one test with a store folder in an
// environment variable, whose output the parent reads until it kills it.
package killtest

import (
	"io"
	"os"
	"os/exec"
	"testing"
)

// Child returns the store folder when this process is a child that Start
// began for env.
func Child(env string) (dir string, ok bool) {
	dir = os.Getenv(env)
	return dir, dir != ""
}

// Start starts the test binary again, running only test, with dir in env,
// and returns the child and its standard output (its standard error is
// the parent's). Short runs skip the test: it starts a process.
func Start(t testing.TB, env, test, dir string) (*exec.Cmd, io.ReadCloser) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a process")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$")
	cmd.Env = append(os.Environ(), env+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, out
}
