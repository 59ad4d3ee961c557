package build

import (
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkBuildTypeScript is a cold build of a small TS handler with a
// local import and a node_modules package: a fresh folder each time.
func BenchmarkBuildTypeScript(b *testing.B) {
	src := tsProject.write(b, b.TempDir())
	fn := buildpack(filepath.Join(src, "src/app.ts"), "", "")
	dir := b.TempDir()
	for i := 0; b.Loop(); i++ {
		mustBuild(b, New(filepath.Join(dir, fmt.Sprint(i))), fn)
	}
}

// BenchmarkBuildTypeScriptCached is an unchanged rebuild: inputs checked, no esbuild.
func BenchmarkBuildTypeScriptCached(b *testing.B) {
	src := tsProject.write(b, b.TempDir())
	fn := buildpack(filepath.Join(src, "src/app.ts"), "", "")
	bl := New(b.TempDir())
	mustBuild(b, bl, fn)
	for b.Loop() {
		mustBuild(b, bl, fn)
	}
	if bl.esbuild.Load() != 1 {
		b.Fatalf("esbuild ran %d times", bl.esbuild.Load())
	}
}

// BenchmarkBuildGoCached is an unchanged rebuild of a Go function: inputs
// checked, go not run.
func BenchmarkBuildGoCached(b *testing.B) {
	b.Setenv("GOPROXY", "off")
	src := goProject(b)
	fn := buildpack(filepath.Join(src, "cmd/fn/main.go"), "", "")
	bl := New(b.TempDir())
	mustBuild(b, bl, fn)
	runs := bl.goRuns.Load()
	for b.Loop() {
		mustBuild(b, bl, fn)
	}
	if bl.goRuns.Load() != runs {
		b.Fatalf("go ran %d times", bl.goRuns.Load()-runs)
	}
}

// BenchmarkBuildGo is a build of a Go function into a fresh folder: go env,
// go list and go build (with go's own build cache warm after the first).
func BenchmarkBuildGo(b *testing.B) {
	b.Setenv("GOPROXY", "off")
	src := goProject(b)
	fn := buildpack(filepath.Join(src, "cmd/fn/main.go"), "", "")
	dir := b.TempDir()
	for i := 0; b.Loop(); i++ {
		mustBuild(b, New(filepath.Join(dir, fmt.Sprint(i))), fn)
	}
}
