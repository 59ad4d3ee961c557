package sandbox

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMechanisms(t *testing.T) {
	r := Mechanisms()
	s := r.String()
	t.Logf("%s (probe %v)", s, r.ProbeTime)
	for _, want := range []string{"memory: ", "; /tmp: ", "; tree kill: "} {
		if !strings.Contains(s, want) {
			t.Errorf("String() = %q, missing %q", s, want)
		}
	}
	if _, err := os.Stat(filepath.Join(cgroupRoot, "cgroup.controllers")); err != nil && r.Cgroup {
		t.Errorf("Cgroup = true without %s/cgroup.controllers", cgroupRoot)
	}
	if !r.Cgroup && !strings.Contains(r.Memory(), r.CgroupError) {
		t.Errorf("Memory() = %q does not say why cgroups are off (%q)", r.Memory(), r.CgroupError)
	}
}

func TestCleanEnvironment(t *testing.T) {
	t.Setenv("VERGE_SANDBOX_LEAK_MARKER", "leaked")
	for _, m := range modes(t) {
		t.Run(m.name, func(t *testing.T) {
			var out buffer
			state := t.TempDir()
			p := start(t, Spec{Path: "/usr/bin/env", Env: []string{"A=1", "PATH=/usr/bin:/bin", "TMPDIR=/host/tmp"},
				StateDir: state, Stdout: &out, noNamespaces: m.nons})
			wait(t, p)
			got := strings.Split(strings.TrimSpace(out.String()), "\n")
			slices.Sort(got)
			tmp, home := "/tmp", "/tmp"
			if m.nons {
				tmp, home = filepath.Join(p.dir, "tmp"), filepath.Join(p.dir, "home")
				if !strings.HasPrefix(p.dir, state+"/") {
					t.Errorf("sandbox folder %s not under StateDir %s", p.dir, state)
				}
			}
			want := []string{"A=1", "HOME=" + home, "PATH=/usr/bin:/bin", "TMPDIR=" + tmp}
			if !slices.Equal(got, want) {
				t.Errorf("environment = %q, want %q", got, want)
			}
		})
	}
}

func TestLimits(t *testing.T) {
	for _, m := range modes(t) {
		t.Run(m.name, func(t *testing.T) {
			var out buffer
			p := start(t, Spec{Path: "/bin/sh", Args: []string{"-c", "ulimit -n; ulimit -c; ulimit -f; ulimit -v; ls /proc/self/fd"},
				TmpLimitMB: 64, AddressSpace: 1 << 30, Stdout: &out, noNamespaces: m.nons})
			wait(t, p)
			// dash: -f in 512-byte blocks, -v in KiB; ls sees 0-2 and its own directory.
			want := fmt.Sprintf("1024\n0\n%d\n%d\n0\n1\n2\n3\n", 64<<11, 1<<20)
			if got := out.String(); got != want {
				t.Errorf("limits and descriptors =\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func TestTmp(t *testing.T) {
	for _, m := range modes(t) {
		t.Run(m.name, func(t *testing.T) {
			name := fmt.Sprintf("verge-sandbox-test-%d-%s", os.Getpid(), m.name)
			script := `echo x > /tmp/` + name + `; dd if=/dev/zero of=$TMPDIR/big bs=1M count=16 2>/dev/null; echo rc=$?`
			var out buffer
			p := start(t, Spec{Path: "/bin/sh", Args: []string{"-c", script}, TmpLimitMB: 4, Stdout: &out, noNamespaces: m.nons})
			wait(t, p)
			t.Cleanup(func() { os.Remove("/tmp/" + name) })
			got := strings.TrimSpace(out.String())
			if got == "rc=0" || !strings.HasPrefix(got, "rc=") {
				t.Errorf("writing 16 MB under a 4 MB cap: %q, want a failure", got)
			}
			_, err := os.Stat("/tmp/" + name)
			if private := err != nil; private != !m.nons {
				t.Errorf("file written to /tmp visible on the host: %v, want %v", !private, m.nons)
			}
		})
	}
}

func TestTaskRootUnderTmp(t *testing.T) {
	for _, m := range modes(t) {
		t.Run(m.name, func(t *testing.T) {
			root := t.TempDir() // under /tmp, which the private tmpfs hides
			boot := filepath.Join(root, "bootstrap")
			if err := os.WriteFile(boot, []byte("#!/bin/sh\npwd\ncat data.txt\n"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(root, "data.txt"), []byte("task data\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			var out buffer
			p := start(t, Spec{Path: boot, Dir: root, Stdout: &out, Stderr: &out, noNamespaces: m.nons})
			wait(t, p)
			if want := root + "\ntask data\n"; out.String() != want || p.ExitError() != nil {
				t.Errorf("bootstrap in %s printed %q (%v), want %q", root, out.String(), p.ExitError(), want)
			}
		})
	}
}

func TestExitError(t *testing.T) {
	type exitCase struct {
		name   string
		script string
		kill   bool
		want   string
	}
	cases := []exitCase{
		{"success", "exit 0", false, ""},
		{"status", "exit 3", false, "exit status 3"},
		{"killed", "echo up; sleep 1000", true, "signal: killed"},
	}
	for _, m := range modes(t) {
		for _, c := range cases {
			t.Run(m.name+"/"+c.name, func(t *testing.T) {
				var out buffer
				p := start(t, Spec{Path: "/bin/sh", Args: []string{"-c", c.script}, Stdout: &out, noNamespaces: m.nons})
				if c.kill {
					firstLine(t, &out)
					p.Kill()
					p.Kill()
				}
				wait(t, p)
				got := ""
				if err := p.ExitError(); err != nil {
					got = err.Error()
				}
				if got != c.want {
					t.Errorf("ExitError() = %q, want %q", got, c.want)
				}
				if p.OOM() {
					t.Error("OOM() = true without a memory kill")
				}
			})
		}
	}
}

func TestStartErrors(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain")
	garbage := filepath.Join(dir, "garbage")
	if err := os.WriteFile(plain, []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(garbage, []byte{0, 1, 2, 3, 'n', 'o', 'p', 'e'}, 0o755); err != nil {
		t.Fatal(err)
	}
	type startCase struct {
		name     string
		spec     Spec
		mentions string
	}
	cases := []startCase{
		{"missing", Spec{Path: filepath.Join(dir, "missing")}, filepath.Join(dir, "missing")},
		{"relative", Spec{Path: "bin/sh"}, "bin/sh"},
		{"not executable", Spec{Path: plain}, plain},
		{"directory", Spec{Path: dir}, dir},
		{"bad dir", Spec{Path: "/bin/sh", Dir: filepath.Join(dir, "nodir")}, filepath.Join(dir, "nodir")},
		{"dir is a file", Spec{Path: "/bin/sh", Dir: plain}, plain},
		{"exec format", Spec{Path: garbage}, garbage},
		{"reserved env", Spec{Path: "/bin/sh", Env: []string{shimEnv + "=x"}}, shimEnv},
		{"missing shim", Spec{Path: "/bin/sh", Shim: filepath.Join(dir, "noshim")}, filepath.Join(dir, "noshim")},
	}
	for _, m := range modes(t) {
		for _, c := range cases {
			t.Run(m.name+"/"+c.name, func(t *testing.T) {
				state := t.TempDir()
				c.spec.StateDir, c.spec.noNamespaces = state, m.nons
				p, err := Start(c.spec)
				if err == nil {
					p.Close()
					t.Fatalf("Start succeeded, want an error naming %s", c.mentions)
				}
				if !strings.Contains(err.Error(), c.mentions) {
					t.Errorf("error %q does not name %s", err, c.mentions)
				}
				if ents, _ := os.ReadDir(state); len(ents) != 0 {
					t.Errorf("StateDir not empty after a failed Start: %v", ents)
				}
			})
		}
	}
}

func TestTreeKill(t *testing.T) {
	for _, m := range modes(t) {
		t.Run(m.name, func(t *testing.T) {
			marker := fmt.Sprintf("tree-kill-%d-%s", os.Getpid(), m.name)
			// A daemon: double fork, setsid, ignore SIGTERM; and a plain grandchild.
			script := `(setsid sh -c 'trap "" TERM; echo $$; sleep 1000' ` + marker + `-daemon &) ; sleep 1000 & echo started; wait`
			var out buffer
			p := start(t, Spec{Path: "/bin/sh", Args: []string{"-c", script, marker}, Stdout: &out, noNamespaces: m.nons})
			poll(t, "the daemon to start", func() bool { return strings.Count(out.String(), "\n") >= 2 })
			poll(t, "the runtime, the daemon and two sleeps", func() bool { return len(leftovers(marker)) >= 4 })
			if err := p.Close(); err != nil {
				t.Fatal(err)
			}
			if got := p.ExitError(); got == nil || got.Error() != "signal: killed" {
				t.Errorf("ExitError() = %v, want signal: killed", got)
			}
			noLeftovers(t, marker)
		})
	}
}

// TestRuntimeExitKillsAll checks that a runtime's exit takes its children
// and daemons with it.
func TestRuntimeExitKillsAll(t *testing.T) {
	for _, m := range modes(t) {
		t.Run(m.name, func(t *testing.T) {
			marker := fmt.Sprintf("exit-kills-%d-%s", os.Getpid(), m.name)
			script := "(setsid sleep 1000 &); sh -c 'sleep 1000' " + marker + "-child & exit 0"
			p := start(t, Spec{Path: "/bin/sh", Args: []string{"-c", script, marker}, Env: []string{"TEST_MARKER=" + marker}, noNamespaces: m.nons})
			wait(t, p)
			if p.ExitError() != nil {
				t.Errorf("ExitError() = %v", p.ExitError())
			}
			noLeftovers(t, marker)
		})
	}
}

// TestStartFromExitingThread starts a sandbox from a goroutine that locks its
// thread and exits, so the thread dies: Pdeathsig must not fire (golang/go#27505).
func TestStartFromExitingThread(t *testing.T) {
	for _, m := range modes(t) {
		t.Run(m.name, func(t *testing.T) {
			var out buffer
			got := make(chan *Process, 1)
			errc := make(chan error, 1)
			go func() {
				runtime.LockOSThread() // never unlocked: the thread exits with the goroutine
				p, err := Start(Spec{Path: "/bin/sh", Args: []string{"-c", "sleep 0.5; echo alive"}, StateDir: t.TempDir(), Stdout: &out, noNamespaces: m.nons})
				errc <- err
				got <- p
			}()
			if err := <-errc; err != nil {
				t.Fatal(err)
			}
			p := <-got
			defer p.Close()
			wait(t, p)
			if out.String() != "alive\n" || p.ExitError() != nil {
				t.Errorf("sandbox started from an exiting thread: %q, %v; want alive, nil", out.String(), p.ExitError())
			}
		})
	}
}

// TestParentDeath kills a Verge process (a helper copy of this test binary)
// and checks its sandbox dies with it: the runtime through Pdeathsig, its
// children too when the runtime is a PID namespace's init.
func TestParentDeath(t *testing.T) {
	for _, m := range modes(t) {
		t.Run(m.name, func(t *testing.T) {
			marker := fmt.Sprintf("parent-death-%d-%s", os.Getpid(), m.name)
			cmd := exec.Command("/proc/self/exe", "-test.run=^$")
			cmd.Env = []string{helperEnv + "=sh -c 'sleep 1000' " + marker + "-child & wait; : " + marker, helperEnv + "_MARKER=" + marker}
			if m.nons {
				cmd.Env = append(cmd.Env, helperEnv+"_NONS=1")
			}
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
			var line [32]byte
			n, _ := stdout.Read(line[:])
			runtimePid, err := strconv.Atoi(strings.TrimSpace(string(line[:n])))
			if err != nil {
				t.Fatalf("helper said %q", line[:n])
			}
			poll(t, "the helper's sandbox and its child", func() bool { return len(leftovers(marker)) >= 2 })
			cmd.Process.Kill()
			if !m.nons {
				noLeftovers(t, marker)
				return
			}
			// Without a PID namespace only the runtime gets Pdeathsig; its
			// child is reparented, out of reach (a known gap, see Report).
			poll(t, "the orphaned runtime to die", func() bool { return !alive(runtimePid) })
			for _, l := range leftovers(marker) {
				if pid, err := strconv.Atoi(strings.Fields(l)[0]); err == nil {
					syscall.Kill(pid, syscall.SIGKILL)
				}
			}
		})
	}
}

// countingWriter counts bytes and fails the test on a write after Close.
type countingWriter struct {
	t      *testing.T
	n      atomic.Int64
	closed atomic.Bool
	delay  time.Duration
}

func (w *countingWriter) Write(b []byte) (int, error) {
	if w.closed.Load() {
		w.t.Errorf("write of %d bytes after Close", len(b))
	}
	time.Sleep(w.delay)
	w.n.Add(int64(len(b)))
	return len(b), nil
}

func TestOutput(t *testing.T) {
	const size = 16 << 20
	for _, m := range modes(t) {
		t.Run(m.name+"/unread", func(t *testing.T) {
			// Nobody reads stdout; stderr is a writer: neither may block the runtime.
			w := &countingWriter{t: t}
			script := fmt.Sprintf("head -c %d /dev/zero; head -c %d /dev/zero >&2", size, size)
			p := start(t, Spec{Path: "/bin/sh", Args: []string{"-c", script}, Stderr: w, noNamespaces: m.nons})
			wait(t, p)
			if w.n.Load() != size || p.ExitError() != nil {
				t.Errorf("stderr got %d bytes (%v), want %d", w.n.Load(), p.ExitError(), size)
			}
		})
		t.Run(m.name+"/close while writing", func(t *testing.T) {
			w := &countingWriter{t: t, delay: time.Millisecond}
			p := start(t, Spec{Path: "/bin/sh", Args: []string{"-c", "while :; do echo line; done"}, Stdout: w, Stderr: w, noNamespaces: m.nons})
			poll(t, "some output", func() bool { return w.n.Load() > 0 })
			if err := p.Close(); err != nil {
				t.Fatal(err)
			}
			w.closed.Store(true)
		})
	}
}

func TestPeakMemory(t *testing.T) {
	py := pythonPath(t)
	const alloc = 100 << 20
	for _, m := range modes(t) {
		t.Run(m.name+"/alive", func(t *testing.T) {
			var out buffer
			script := "import time\nb = b'x' * (100 << 20)\nprint('ready', flush=True)\ntime.sleep(1000)\n"
			p := start(t, Spec{Path: py, Args: []string{"-c", script}, Stdout: &out, noNamespaces: m.nons})
			firstLine(t, &out)
			if got := p.PeakMemory(); got < alloc {
				t.Errorf("PeakMemory() while alive = %d, want >= %d", got, alloc)
			}
			p.Close()
			if got := p.PeakMemory(); got < alloc {
				t.Errorf("PeakMemory() after Close = %d, want >= %d", got, alloc)
			}
		})
		t.Run(m.name+"/exited", func(t *testing.T) {
			p := start(t, Spec{Path: py, Args: []string{"-c", "b = b'x' * (100 << 20)"}, noNamespaces: m.nons})
			wait(t, p)
			if got := p.PeakMemory(); got < alloc || p.ExitError() != nil {
				t.Errorf("PeakMemory() after exit = %d (%v), want >= %d", got, p.ExitError(), alloc)
			}
		})
	}
}

func TestAddressSpace(t *testing.T) {
	py := pythonPath(t)
	script := "try:\n    b = bytearray(1 << 30)\n    print('allocated')\nexcept MemoryError:\n    print('MemoryError')\n"
	for _, m := range modes(t) {
		t.Run(m.name, func(t *testing.T) {
			var out buffer
			p := start(t, Spec{Path: py, Args: []string{"-c", script}, AddressSpace: 256 << 20, Stdout: &out, Stderr: &out, noNamespaces: m.nons})
			wait(t, p)
			if out.String() != "MemoryError\n" || p.ExitError() != nil {
				t.Errorf("1 GB under RLIMIT_AS 256 MB: %q, %v; want MemoryError", out.String(), p.ExitError())
			}
			if p.OOM() {
				t.Error("OOM() = true; a MemoryError is not a kill")
			}
		})
	}
}

// TestMany starts 200 sandboxes per mode (shell, node and python), closes
// them, and checks nothing is left: processes, descriptors, goroutines, folders.
func TestMany(t *testing.T) {
	if testing.Short() {
		t.Skip("200 sandboxes")
	}
	py := pythonPath(t)
	needNode(t)
	shim := smallShim(t) // the race-built test binary costs ~70 ms of CPU per start
	for _, m := range modes(t) {
		t.Run(m.name, func(t *testing.T) {
			marker := fmt.Sprintf("many-%d-%s", os.Getpid(), m.name)
			state := t.TempDir()
			warm := start(t, Spec{Path: "/bin/true", StateDir: state, Shim: shim, noNamespaces: m.nons})
			wait(t, warm)
			warm.Close()
			fds := fdCount(t)
			specs := func(i int) Spec {
				switch i % 10 {
				case 0:
					return Spec{Path: nodePath, Args: []string{"-e", "console.log(1)", marker}}
				case 1:
					return Spec{Path: py, Args: []string{"-c", "print(1)", marker}}
				case 2:
					return Spec{Path: "/bin/sh", Args: []string{"-c", "sleep 1000 & sleep 1000", marker}} // killed by Close
				}
				return Spec{Path: "/bin/sh", Args: []string{"-c", "echo 1; (setsid sleep 1000 &)", marker}}
			}
			var wg sync.WaitGroup
			errc := make(chan error, 200)
			sem := make(chan struct{}, 4)
			for i := range 200 {
				wg.Go(func() {
					sem <- struct{}{}
					defer func() { <-sem }()
					s := specs(i)
					s.StateDir, s.Shim, s.noNamespaces = state, shim, m.nons
					s.Env = []string{"TEST_MARKER=" + marker}
					var out buffer
					s.Stdout = &out
					p, err := Start(s)
					if err != nil {
						errc <- err
						return
					}
					if i%10 != 2 {
						select {
						case <-p.Done():
						case <-time.After(generous):
						}
					}
					if err := p.Close(); err != nil {
						errc <- err
					}
					if i%10 != 2 && (out.String() != "1\n" || p.ExitError() != nil) {
						errc <- fmt.Errorf("sandbox %d (%s): %q, %v", i, s.Path, out.String(), p.ExitError())
					}
				})
			}
			wg.Wait()
			close(errc)
			for err := range errc {
				t.Error(err)
			}
			noLeftovers(t, marker)
			if got := fdCount(t); got != fds {
				t.Errorf("open descriptors: %d after, %d before", got, fds)
			}
			if ents, _ := os.ReadDir(state); len(ents) != 0 {
				t.Errorf("StateDir not empty: %d entries", len(ents))
			}
			goleak.VerifyNone(t)
		})
	}
}

func TestCloseIdempotent(t *testing.T) {
	p := start(t, Spec{Path: "/bin/sh", Args: []string{"-c", "sleep 1000"}})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() { p.Kill(); _ = p.Close() })
	}
	wg.Wait()
	if err := p.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	p.Kill()
	if !errors.Is(p.ExitError(), p.ExitError()) || p.ExitError() == nil {
		t.Errorf("ExitError() = %v after Kill", p.ExitError())
	}
}

// TestLoopback checks that a sandboxed runtime reaches a server on the
// host's loopback, as it must to reach the Runtime API.
func TestLoopback(t *testing.T) {
	py := pythonPath(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "next invocation")
	}))
	defer srv.Close()
	script := "import sys, urllib.request\nprint(urllib.request.urlopen(sys.argv[1]).read().decode())\n"
	for _, m := range modes(t) {
		t.Run(m.name, func(t *testing.T) {
			var out buffer
			p := start(t, Spec{Path: py, Args: []string{"-c", script, srv.URL}, Stdout: &out, Stderr: &out, noNamespaces: m.nons})
			wait(t, p)
			if out.String() != "next invocation\n" || p.ExitError() != nil {
				t.Errorf("GET %s from the sandbox: %q, %v", srv.URL, out.String(), p.ExitError())
			}
		})
	}
}
