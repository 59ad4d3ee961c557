package runtimeapi

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var lambdaGo struct {
	once sync.Once
	dir  string
	bin  string
	err  error
	out  []byte
}

// buildLambdaGo builds testdata/lambdago once per test binary.
func buildLambdaGo(t *testing.T) string {
	t.Helper()
	lambdaGo.once.Do(func() {
		lambdaGo.dir, lambdaGo.err = os.MkdirTemp("", "runtimeapi-lambdago-")
		if lambdaGo.err != nil {
			return
		}
		lambdaGo.bin = filepath.Join(lambdaGo.dir, "bootstrap")
		cmd := exec.Command("go", "build", "-o", lambdaGo.bin, "./testdata/lambdago")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		lambdaGo.out, lambdaGo.err = cmd.CombinedOutput()
	})
	if lambdaGo.err != nil {
		t.Fatalf("go build testdata/lambdago: %v\n%s", lambdaGo.err, lambdaGo.out)
	}
	return lambdaGo.bin
}

func cleanupLambdaGo() {
	if lambdaGo.dir != "" {
		os.RemoveAll(lambdaGo.dir)
	}
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

func TestLambdaGo(t *testing.T) {
	bin := buildLambdaGo(t)
	s := startServer(t)
	var out syncBuffer
	cmd := exec.Command(bin)
	cmd.Env = []string{"AWS_LAMBDA_RUNTIME_API=" + s.Addr(), "PATH=/usr/bin:/bin", "_HANDLER=bootstrap",
		"AWS_LAMBDA_FUNCTION_NAME=f", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128", "AWS_LAMBDA_FUNCTION_VERSION=$LATEST"}
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() {
		s.Exited(cmd.Wait())
		close(exited)
	}()
	defer func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("function output:\n%s", out.String())
		}
	}()
	if err := s.WaitInit(testContext(t)); err != nil {
		t.Fatalf("WaitInit: %v", err)
	}
	tests := []struct {
		name      string
		payload   string
		wantError string
		want      string
	}{
		{"success", `{"name":"verge"}`, "", `{"hello":"verge","requestId":"req-success","arn":"arn:aws:lambda:us-east-1:123456789012:function:f","deadline":true}`},
		{"error", `{"fail":true}`, "errorString", `"errorMessage":"asked to fail"`},
		{"success after error", `{"name":"again"}`, "", `"hello":"again"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := "req-" + strings.ReplaceAll(tt.name, " ", "-")
			o, err := s.Invoke(testContext(t), &Invocation{RequestID: id, Payload: []byte(tt.payload),
				Deadline: time.Now().Add(time.Minute), FunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:f"})
			if err != nil {
				t.Fatal(err)
			}
			if o.Error != (tt.wantError != "") || o.ErrorType != tt.wantError || !strings.Contains(string(o.Payload), tt.want) {
				t.Errorf("outcome = %+v (%s), want error type %q and %s", o, o.Payload, tt.wantError, tt.want)
			}
			if o.Error {
				var e map[string]any
				if json.Unmarshal(o.Payload, &e) != nil || e["errorType"] == nil {
					t.Errorf("error payload %s is not aws-lambda-go's error JSON", o.Payload)
				}
			}
		})
	}
}
