package build

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/evanw/esbuild/pkg/api"

	"github.com/verge-edge/verge/internal/errs"
	"github.com/verge-edge/verge/internal/runtimes"
)

// Node.js bundle settings.
const (
	// importMetaURL stands for import.meta.url in a CommonJS bundle, where
	// esbuild would otherwise leave it empty.
	importMetaURL = "__verge_import_meta_url"
	cjsBanner     = `var ` + importMetaURL + ` = require("url").pathToFileURL(__filename).href;`
	// esmBanner lets bundled CommonJS dependencies require Node built-ins
	// from an ESM bundle: esbuild's require shim uses a `require` in scope.
	esmBanner = `import { createRequire as __vergeCreateRequire } from "node:module";
const require = __vergeCreateRequire(import.meta.url);`
	// cjsFooter exposes an ESM entry's default export as `handler` in a
	// CommonJS bundle: Node's import() of CommonJS yields module.exports as
	// the default, so the bootstrap's default-export fallback would find
	// only {default: fn}.
	cjsFooter = `if (module.exports.handler === undefined && typeof module.exports.default === "function") module.exports.handler = module.exports.default;`
	// tlaMessage starts esbuild's error for top-level await in CommonJS.
	tlaMessage = "Top-level await is currently not supported"
	// fallbackNodeMajor is the target when no node is installed.
	fallbackNodeMajor = "20"
)

// Files whose content decides how esbuild resolves imports in their folder.
var nodeConfigFiles = []string{"package.json", "tsconfig.json", "jsconfig.json"}

// nodeLoaders are esbuild's default loaders for the files our load hook
// reads itself; other files esbuild reads.
var nodeLoaders = map[string]api.Loader{
	".js": api.LoaderJS, ".mjs": api.LoaderJS, ".cjs": api.LoaderJS, ".jsx": api.LoaderJSX,
	".ts": api.LoaderTS, ".mts": api.LoaderTS, ".cts": api.LoaderTS, ".tsx": api.LoaderTSX,
	".json": api.LoaderJSON,
}

// buildNode bundles a Node.js entry into index.js (or index.mjs).
func (b *Builder) buildNode(ctx context.Context, j *job) (*Artifact, error) {
	work := packageRoot(filepath.Dir(j.path))
	major := nodeMajor(j.runtime)
	recipe := j.recipe(work, "node"+major, "esbuild "+esbuildVersion())
	if a := b.cached(recipe); a != nil {
		return a, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, errs.E(errs.Timeout, err)
	}
	tmp, err := b.tempDir()
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp) // a no-op once committed (renamed)
	in, res := b.bundleEntry(j, work, tmp, major)
	if len(res.Errors) > 0 {
		return nil, errs.E(errs.Invalid, j.path, fmt.Errorf("esbuild failed:\n%s", strings.Join(formatMessages(res.Errors, work), "\n")))
	}
	size, err := writeBundle(res.OutputFiles, tmp)
	if err != nil {
		return nil, err
	}
	if err := recordNodeConfig(in, j.path, work); err != nil {
		return nil, errs.E(errs.IO, err)
	}
	hash := in.hash(recipe)
	m, err := in.manifest(hash)
	if err != nil {
		return nil, err
	}
	a, err := b.commit(tmp, &Artifact{Handler: j.handler, Runtime: j.runtime, Hash: hash, Size: size, Warnings: formatMessages(res.Warnings, work)})
	if err != nil {
		return nil, err
	}
	return a, b.remember(recipe, m)
}

// bundleEntry bundles as CommonJS, or as ESM when the entry needs
// top-level await, and returns the inputs esbuild read.
func (b *Builder) bundleEntry(j *job, work, outdir, major string) (*inputs, api.BuildResult) {
	in := newInputs()
	aliasDefault := j.handler == nodeModule+"."+defaultHandlerFunction
	res := b.bundle(j.path, work, outdir, major, in, false, aliasDefault)
	if needsESM(res.Errors) {
		in = newInputs()
		res = b.bundle(j.path, work, outdir, major, in, true, false)
	}
	return in, res
}

// bundle runs esbuild once, recording every file it loads in in. A
// CommonJS bundle exports a default export as handler when aliasDefault.
func (b *Builder) bundle(entry, work, outdir, major string, in *inputs, esm, aliasDefault bool) api.BuildResult {
	b.esbuild.Add(1)
	opts := api.BuildOptions{
		EntryPoints:   []string{entry},
		EntryNames:    nodeModule,
		Bundle:        true,
		Write:         false,
		Outdir:        outdir,
		AbsWorkingDir: work,
		Platform:      api.PlatformNode,
		Format:        api.FormatCommonJS,
		Engines:       []api.Engine{{Name: api.EngineNode, Version: major}},
		Sourcemap:     api.SourceMapLinked,
		Charset:       api.CharsetUTF8,
		LogLevel:      api.LogLevelSilent,
		Define:        map[string]string{"import.meta.url": importMetaURL},
		Banner:        map[string]string{"js": cjsBanner},
		Plugins:       []api.Plugin{inputsPlugin(in), awsSDKPlugin()},
	}
	if aliasDefault {
		opts.Footer = map[string]string{"js": cjsFooter}
	}
	if esm {
		opts.Footer = nil
		opts.Format = api.FormatESModule
		opts.Define = nil
		opts.Banner = map[string]string{"js": esmBanner}
		opts.OutExtension = map[string]string{".js": ".mjs"}
	}
	return api.Build(opts)
}

// needsESM reports whether a CommonJS build failed only for top-level await.
func needsESM(msgs []api.Message) bool {
	if len(msgs) == 0 {
		return false
	}
	for _, m := range msgs {
		if !strings.Contains(m.Text, tlaMessage) {
			return false
		}
	}
	return true
}

// inputsPlugin reads the sources esbuild loads, recording exactly the
// content it bundles.
func inputsPlugin(in *inputs) api.Plugin {
	return api.Plugin{Name: "verge-inputs", Setup: func(pb api.PluginBuild) {
		pb.OnLoad(api.OnLoadOptions{Filter: ".", Namespace: "file"}, func(args api.OnLoadArgs) (api.OnLoadResult, error) {
			loader, ok := nodeLoaders[strings.ToLower(filepath.Ext(args.Path))]
			if !ok || len(args.With) > 0 {
				// esbuild reads it; record it as it is now.
				return api.OnLoadResult{}, in.add(args.Path)
			}
			data, err := in.read(args.Path)
			if err != nil {
				return api.OnLoadResult{}, err
			}
			s := string(data)
			return api.OnLoadResult{Contents: &s, Loader: loader}, nil
		})
	}}
}

// resolvingSDK marks the plugin's own resolution of an @aws-sdk import.
type resolvingSDK struct{}

// awsSDKPlugin leaves @aws-sdk/* imports external when the package is not
// installed where the importer can reach it, as AWS's runtimes provide it.
func awsSDKPlugin() api.Plugin {
	return api.Plugin{Name: "verge-aws-sdk", Setup: func(pb api.PluginBuild) {
		pb.OnResolve(api.OnResolveOptions{Filter: `^@aws-sdk/`}, func(args api.OnResolveArgs) (api.OnResolveResult, error) {
			if _, ok := args.PluginData.(resolvingSDK); ok {
				return api.OnResolveResult{}, nil
			}
			r := pb.Resolve(args.Path, api.ResolveOptions{
				Importer: args.Importer, Namespace: args.Namespace, ResolveDir: args.ResolveDir,
				Kind: args.Kind, With: args.With, PluginData: resolvingSDK{},
			})
			if len(r.Errors) > 0 {
				return api.OnResolveResult{Path: args.Path, External: true}, nil
			}
			return api.OnResolveResult{}, nil // installed: esbuild resolves and bundles it
		})
	}}
}

// writeBundle writes esbuild's outputs, rewriting the source maps' sources
// to absolute paths so stack traces name the user's files wherever the task
// root is mounted.
func writeBundle(files []api.OutputFile, dir string) (int64, error) {
	var size int64
	for _, f := range files {
		data := f.Contents
		if strings.HasSuffix(f.Path, ".map") {
			var err error
			if data, err = absoluteSources(data, filepath.Dir(f.Path)); err != nil {
				return 0, errs.E(errs.Internal, f.Path, err)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f.Path)), data, 0o644); err != nil {
			return 0, errs.E(errs.IO, err)
		}
		size += int64(len(data))
	}
	return size, nil
}

// absoluteSources rewrites a source map's relative sources against dir.
func absoluteSources(data []byte, dir string) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	var sources []string
	if err := json.Unmarshal(m["sources"], &sources); err != nil {
		return nil, err
	}
	for i, s := range sources {
		if !strings.Contains(s, ":") && !filepath.IsAbs(s) {
			sources[i] = filepath.Join(dir, filepath.FromSlash(s))
		}
	}
	raw, err := json.Marshal(sources)
	if err != nil {
		return nil, err
	}
	m["sources"] = raw
	return json.Marshal(m)
}

// recordNodeConfig records the folders whose listing decides resolution (the
// loaded files' folders and the entry's folders up to the working folder)
// and the config files in them.
func recordNodeConfig(in *inputs, entry, work string) error {
	dirs := map[string]bool{}
	in.mu.Lock()
	for p := range in.files {
		dirs[filepath.Dir(p)] = true
	}
	in.mu.Unlock()
	for d := filepath.Dir(entry); ; d = filepath.Dir(d) {
		dirs[d] = true
		if d == work || d == filepath.Dir(d) || !strings.HasPrefix(d, work) {
			break
		}
	}
	for d := range dirs {
		in.addDir(d)
		for _, name := range nodeConfigFiles {
			if err := in.add(filepath.Join(d, name)); err != nil {
				return err
			}
		}
	}
	return nil
}

// packageRoot returns the nearest folder from dir upwards with a
// package.json, or dir itself.
func packageRoot(dir string) string {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "package.json")); err == nil {
			return d
		}
		if d == filepath.Dir(d) {
			return dir
		}
	}
}

// formatMessages renders esbuild messages as file:line:col: text, with
// absolute paths and 1-based columns.
func formatMessages(msgs []api.Message, work string) []string {
	out := make([]string, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, formatMessage(m, work))
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func formatMessage(m api.Message, work string) string {
	text := m.Text
	if m.PluginName != "" {
		text = "[" + m.PluginName + "] " + text
	}
	l := m.Location
	if l == nil {
		return text
	}
	file := l.File
	if !filepath.IsAbs(file) {
		file = filepath.Join(work, file)
	}
	return fmt.Sprintf("%s:%d:%d: %s", file, l.Line, l.Column+1, text)
}

// nodeMajor is the major version of the node that runs runtime: the
// bundle's target. Without an installed node it is the runtime id's.
func nodeMajor(runtime string) string {
	if rt, _, err := runtimes.Resolve(runtime); err == nil {
		if major, _, _ := strings.Cut(rt.Version, "."); major != "" {
			return major
		}
	}
	if _, major, err := runtimes.ParseID(runtime); err == nil {
		return major
	}
	return fallbackNodeMajor
}

// esbuildVersion is the linked esbuild's module version, part of a node
// recipe so an upgrade rebuilds.
var esbuildVersion = sync.OnceValue(func() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/evanw/esbuild" {
				return d.Version
			}
		}
	}
	return "unknown"
})
