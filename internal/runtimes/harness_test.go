package runtimes

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/runtimeapi"
)

// sharedBootstrap is Install's folder, once per test binary.
var sharedBootstrap struct {
	once sync.Once
	dir  string // the temporary parent
	path string
	err  error
}

func bootstrapDir(t testing.TB) string {
	t.Helper()
	sharedBootstrap.once.Do(func() {
		sharedBootstrap.dir, sharedBootstrap.err = os.MkdirTemp("", "runtimes-bootstrap-")
		if sharedBootstrap.err == nil {
			sharedBootstrap.path, sharedBootstrap.err = Install(sharedBootstrap.dir)
		}
	})
	if sharedBootstrap.err != nil {
		t.Fatal(sharedBootstrap.err)
	}
	return sharedBootstrap.path
}

// syncBuffer collects a process's output while it runs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// process is one runtime process.
type process struct {
	cmd    *exec.Cmd
	out    syncBuffer
	exited chan struct{}
	err    error // the process's exit, once exited is closed
}

// sandbox is one function process of a runtime, against a real Server.
type sandbox struct {
	api *runtimeapi.Server
	*process
}

const testMemoryMB = 256

// startFunction writes files into a fresh task root and starts runtime id
// on it with a minimal environment, as the sandbox layer will.
func startFunction(t testing.TB, id, handler string, files map[string]string) *sandbox {
	t.Helper()
	return startFunctionVia(t, id, handler, files, nil)
}

// startFunctionVia is startFunction with the runtime given via(host:port)
// as its Runtime API address (a proxy in front of the Server), with the
// Server's secret prefix, unless via is nil.
func startFunctionVia(t testing.TB, id, handler string, files map[string]string, via func(addr string) string) *sandbox {
	t.Helper()
	api, err := runtimeapi.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = api.Close() }) // runs after the process's cleanup
	addr := api.Addr()
	if via != nil {
		addr = via(api.HostPort()) + strings.TrimPrefix(addr, api.HostPort())
	}
	return &sandbox{api: api, process: startProcess(t, id, handler, files, addr, api.Exited)}
}

// startProcess starts runtime id on a fresh task root holding files, with
// AWS_LAMBDA_RUNTIME_API=apiAddr; exited (if not nil) learns its exit.
func startProcess(t testing.TB, id, handler string, files map[string]string, apiAddr string, exited func(error)) *process {
	t.Helper()
	root := t.TempDir()
	for name, body := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	rt, _, err := Resolve(id)
	if err != nil {
		t.Fatal(err)
	}
	l := rt.Launch(LaunchSpec{TaskRoot: root, Handler: handler, BootstrapDir: bootstrapDir(t), MemoryMB: testMemoryMB})
	p := &process{exited: make(chan struct{})}
	p.cmd = exec.Command(l.Path, l.Args...)
	p.cmd.Dir = root
	p.cmd.Env = append([]string{
		"PATH=/usr/local/bin:/usr/bin:/bin", "LANG=en_US.UTF-8", "TZ=UTC", "HOME=" + root,
		"AWS_LAMBDA_RUNTIME_API=" + apiAddr, "LAMBDA_TASK_ROOT=" + root, "_HANDLER=" + handler,
		"AWS_REGION=us-east-1", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_LAMBDA_FUNCTION_NAME=fn", "AWS_LAMBDA_FUNCTION_VERSION=$LATEST", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256",
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/fn", "AWS_LAMBDA_LOG_STREAM_NAME=2026/11/22/[$LATEST]abc",
	}, l.Env...)
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		if exited != nil {
			exited(p.err)
		}
		close(p.exited)
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.exited
		if t.Failed() {
			t.Logf("%s output:\n%s", id, p.out.String())
		}
	})
	return p
}

func ctxFor(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// init waits for the runtime's init and fails the test on an error.
func (sb *sandbox) init(t testing.TB) {
	t.Helper()
	if err := sb.api.WaitInit(ctxFor(t)); err != nil {
		t.Fatalf("WaitInit: %v", err)
	}
}

// initError waits for the runtime's init error.
func (sb *sandbox) initError(t testing.TB) *runtimeapi.InitError {
	t.Helper()
	err := sb.api.WaitInit(ctxFor(t))
	var ie *runtimeapi.InitError
	if !errors.As(err, &ie) {
		t.Fatalf("WaitInit = %v, want an init error", err)
	}
	return ie
}

var testARN = "arn:aws:lambda:us-east-1:123456789012:function:fn"

func (sb *sandbox) invoke(t testing.TB, id, payload string) *runtimeapi.Outcome {
	t.Helper()
	o, err := sb.api.Invoke(ctxFor(t), &runtimeapi.Invocation{RequestID: id, Payload: []byte(payload),
		Deadline: time.Now().Add(time.Minute), FunctionARN: testARN})
	if err != nil {
		t.Fatalf("Invoke %s: %v", id, err)
	}
	return o
}

// waitExit waits for the process to end.
func (sb *sandbox) waitExit(t testing.TB) {
	t.Helper()
	select {
	case <-sb.exited:
	case <-time.After(30 * time.Second):
		t.Fatal("the runtime did not exit")
	}
}

func timeIn(t testing.TB, seconds int) time.Time {
	return time.Now().Add(time.Duration(seconds) * time.Second)
}

// waitOutput polls until the process's output contains sub (the copy from
// its pipe runs behind the process) and returns the output.
func (sb *sandbox) waitOutput(t testing.TB, sub string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		out := sb.out.String()
		if strings.Contains(out, sub) {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("output never contained %q:\n%s", sub, out)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
