package functions

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/logs"
	"github.com/verge-edge/verge/internal/sandbox"
	"github.com/verge-edge/verge/internal/stack"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	sandbox.Init()
	goleak.VerifyTestMain(m)
}

// fnSpec is a function written into a test's folder.
type fnSpec struct {
	name        string
	file        string // entry file name: index.js, app.py, main.go…
	code        string
	memory      int // default 128
	timeout     int // seconds, default 3
	env         []stack.EnvVar
	reserved    *int
	provisioned int
	runtime     string
}

// newService starts a Service with logs in a temporary folder.
func newService(t testing.TB, opts Options) (*Service, *logs.Store) {
	t.Helper()
	dir := t.TempDir()
	store, err := logs.Open(filepath.Join(dir, "logs"))
	if err != nil {
		t.Fatal(err)
	}
	if opts.DataDir == "" {
		opts.DataDir = dir
	}
	opts.Logs = store
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		store.Close()
	})
	return s, store
}

// deploy writes fns into a new folder and applies them.
func deploy(t testing.TB, s *Service, fns ...fnSpec) *stack.Plan {
	t.Helper()
	dir := t.TempDir()
	plan := &stack.Plan{Dir: dir, File: filepath.Join(dir, "verge.yaml"), Functions: map[string]*stack.Function{}}
	for _, f := range fns {
		src := filepath.Join(dir, f.name)
		if err := os.MkdirAll(src, 0o755); err != nil {
			t.Fatal(err)
		}
		entry := filepath.Join(src, f.file)
		if err := os.WriteFile(entry, []byte(f.code), 0o644); err != nil {
			t.Fatal(err)
		}
		plan.Functions[f.name] = &stack.Function{
			Name:                   f.name,
			Package:                stack.Package{Type: stack.PackagingBuildpack, EntryFile: entry},
			Runtime:                f.runtime,
			MemoryMB:               or(f.memory, 128),
			TimeoutSeconds:         or(f.timeout, 3),
			Environment:            f.env,
			Logging:                stack.Logging{RetentionDays: 1},
			ReservedConcurrency:    f.reserved,
			ProvisionedConcurrency: f.provisioned,
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := s.Apply(ctx, plan); err != nil {
		t.Fatal(err)
	}
	return plan
}

func or(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// invoke runs one invocation and fails the test on a service error.
func invoke(t testing.TB, s *Service, name, payload string) *Response {
	t.Helper()
	resp, err := s.Invoke(context.Background(), &Request{Function: name, Payload: []byte(payload), Tail: true})
	if err != nil {
		t.Fatalf("invoke %s: %v", name, err)
	}
	return resp
}
