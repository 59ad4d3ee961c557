package sandbox

import (
	"os/exec"
	"testing"
	"time"
)

// BenchmarkStart measures /bin/true and `node -e 0` from start to exit
// (ns/op) and from start to the runtime's exec (ms-to-exec: Start returning,
// or cmd.Start for plain os/exec): plain os/exec, then through the shim
// (this test binary, or the small cmd/verge-sandbox) without and with
// namespaces.
func BenchmarkStart(b *testing.B) {
	type target struct {
		name string
		path string
		args []string
	}
	targets := []target{{"true", "/bin/true", nil}, {"node", nodePath, []string{"-e", "0"}}}
	small := smallShim(b)
	for _, tg := range targets {
		if tg.path == nodePath {
			needNode(b)
		}
		b.Run(tg.name+"/exec", func(b *testing.B) {
			var toExec time.Duration
			for b.Loop() {
				cmd := exec.Command(tg.path, tg.args...)
				t0 := time.Now()
				if err := cmd.Start(); err != nil {
					b.Fatal(err)
				}
				toExec += time.Since(t0)
				if err := cmd.Wait(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(toExec.Microseconds())/1000/float64(b.N), "ms-to-exec")
		})
		for _, shim := range []struct{ name, path string }{{"self", ""}, {"small", small}} {
			for _, nons := range []bool{true, false} {
				name := tg.name + "/shim-" + shim.name
				if !nons {
					if !Mechanisms().Namespaces {
						continue
					}
					name += "+namespaces"
				}
				b.Run(name, func(b *testing.B) {
					state := b.TempDir()
					var toExec time.Duration
					for b.Loop() {
						t0 := time.Now()
						p, err := Start(Spec{Path: tg.path, Args: tg.args, StateDir: state, Shim: shim.path, noNamespaces: nons})
						if err != nil {
							b.Fatal(err)
						}
						toExec += time.Since(t0)
						<-p.Done()
						if err := p.Close(); err != nil || p.ExitError() != nil {
							b.Fatal(err, p.ExitError())
						}
					}
					b.ReportMetric(float64(toExec.Microseconds())/1000/float64(b.N), "ms-to-exec")
				})
			}
		}
	}
}

// BenchmarkScan measures the /proc scans of the fallback tree kill.
func BenchmarkScan(b *testing.B) {
	b.Run("descendants", func(b *testing.B) {
		for b.Loop() {
			descendants(1)
		}
	})
	b.Run("environ", func(b *testing.B) {
		for b.Loop() {
			withEnv("TMPDIR=/nonexistent")
		}
	})
}
