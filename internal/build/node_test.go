package build

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A TS handler importing a local module and a package from node_modules.
var tsProject = files{
	"package.json":                     `{"name":"app","private":true}`,
	"src/app.ts":                       "import { greet } from './lib/greet';\nimport pad from 'padder';\n\nexport const handler = async (event: { name: string }) => {\n  return { msg: pad(greet(event.name)) };\n};\n",
	"src/lib/greet.ts":                 "export function greet(name: string): string {\n  return `hello ${name}`;\n}\n",
	"node_modules/padder/package.json": `{"name":"padder","main":"lib/index.js"}`,
	"node_modules/padder/lib/index.js": "const path = require('path');\nmodule.exports = function pad(s) { return '[' + s + ']' + path.sep; };\n",
}

func TestNodeTypeScript(t *testing.T) {
	src := tsProject.write(t, t.TempDir())
	b := New(t.TempDir())
	a := mustBuild(t, b, buildpack(filepath.Join(src, "src/app.ts"), "", ""))
	if a.Handler != "index.handler" || a.Runtime != "nodejs20.x" {
		t.Errorf("handler %q runtime %q", a.Handler, a.Runtime)
	}
	if a.Dir != filepath.Join(b.dir, a.Hash) {
		t.Errorf("Dir %s is not DIR/<hash>", a.Dir)
	}
	for _, name := range []string{"index.js", "index.js.map"} {
		if _, err := os.Stat(filepath.Join(a.Dir, name)); err != nil {
			t.Error(err)
		}
	}
	if a.Size <= 0 {
		t.Errorf("Size %d", a.Size)
	}
	t.Setenv("HANDLER", a.Handler)
	t.Setenv("EVENT", `{"name":"ann"}`)
	if got := runNode(t, a.Dir, loadHandler); got != `{"msg":"[hello ann]/"}` {
		t.Errorf("handler returned %s", got)
	}
	noLeftovers(t, b.dir)
}

func TestNodeSourceMap(t *testing.T) {
	src := files{
		"app.ts": "type Ev = { n: number };\n\nexport async function handler(e: Ev): Promise<number> {\n  if (e.n > 1) {\n    throw new Error('boom');\n  }\n  return e.n;\n}\n",
	}.write(t, t.TempDir())
	a := mustBuild(t, New(t.TempDir()), buildpack(filepath.Join(src, "app.ts"), "", "nodejs20.x"))
	got := runNode(t, a.Dir, `require("./index.js").handler({n:2}).catch(e => console.log(e.stack))`, "--enable-source-maps")
	want := filepath.Join(src, "app.ts") + ":5:11"
	if !strings.Contains(got, want) {
		t.Errorf("stack does not name %s:\n%s", want, got)
	}
}

// loadHandler loads a task root's handler as the Node.js bootstrap does
// for an ES module (internal/runtimes/bootstrap/bootstrap.cjs requires
// CommonJS and imports ESM; import() is the stricter of the two): import()
// the module, then the named export, module.exports' property, or the
// default export.
const loadHandler = `
const path = require("path"), fs = require("fs"), url = require("url");
const [mod, name] = process.env.HANDLER.split(".");
const file = [".js", ".mjs", ".cjs"].map((e) => path.resolve(mod + e)).find((f) => fs.existsSync(f));
import(url.pathToFileURL(file).href).then(async (ns) => {
  let fn = ns[name];
  if (fn === undefined && ns.default && typeof ns.default === "object") fn = ns.default[name];
  if (fn === undefined && name === "handler" && ns.default !== undefined) fn = typeof ns.default === "function" ? ns.default : ns.default.handler;
  console.log(JSON.stringify(await fn(JSON.parse(process.env.EVENT))));
});
`

func TestNodeFormats(t *testing.T) {
	type tc struct {
		name    string
		entry   string
		body    string
		fn      string // handlerFunction
		handler string // want
		file    string // the bundle
		event   string
		want    string // the handler's result as JSON
	}
	cases := []tc{
		{
			name: "esm export const", entry: "h.mjs",
			body:    "export const handler = async (e) => ({ ok: e.x });\n",
			handler: "index.handler", file: "index.js", event: `{"x":1}`, want: `{"ok":1}`,
		},
		{
			name: "esm default export", entry: "h.mts",
			body:    "export default async function (e: any) { return 'default ' + e.x; }\n",
			handler: "index.handler", file: "index.js", event: `{"x":2}`, want: `"default 2"`,
		},
		{
			name: "esm default export and a handler", entry: "h.mjs",
			body:    "export default async () => 'default';\nexport const handler = async () => 'handler';\n",
			handler: "index.handler", file: "index.js", event: `{}`, want: `"handler"`,
		},
		{
			name: "commonjs named handler function", entry: "h.js",
			body:    "exports.main = async () => 'main';\n",
			fn:      "main",
			handler: "index.main", file: "index.js", event: `{}`, want: `"main"`,
		},
		{
			name: "import.meta.url in CommonJS", entry: "h.mjs",
			body:    "import { fileURLToPath } from 'node:url';\nexport const handler = async () => fileURLToPath(import.meta.url).endsWith('index.js');\n",
			handler: "index.handler", file: "index.js", event: `{}`, want: "true",
		},
		{
			name: "top-level await", entry: "h.mjs",
			body:    "import cjs from './dep.cjs';\nconst cfg = await Promise.resolve({ greeting: 'hi' });\nexport const handler = async () => cfg.greeting + ' ' + cjs();\n",
			handler: "index.handler", file: "index.mjs", event: `{}`, want: `"hi /"`,
		},
		{
			name: "top-level await, default export", entry: "h.mjs",
			body:    "await null;\nexport default async () => 'tla default';\n",
			handler: "index.handler", file: "index.mjs", event: `{}`, want: `"tla default"`,
		},
		{
			name: "top-level await with its own require", entry: "h.mjs",
			body:    "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nconst os = require('os');\nawait null;\nexport const handler = async () => typeof os.cpus;\n",
			handler: "index.handler", file: "index.mjs", event: `{}`, want: `"function"`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := files{
				c.entry:   c.body,
				"dep.cjs": "const path = require('path');\nmodule.exports = () => path.sep;\n",
			}.write(t, t.TempDir())
			a := mustBuild(t, New(t.TempDir()), buildpack(filepath.Join(src, c.entry), c.fn, ""))
			if a.Handler != c.handler {
				t.Errorf("handler %q, want %q", a.Handler, c.handler)
			}
			if _, err := os.Stat(filepath.Join(a.Dir, c.file+".map")); err != nil {
				t.Fatal(err)
			}
			if len(a.Warnings) != 0 {
				t.Errorf("warnings %q", a.Warnings)
			}
			t.Setenv("HANDLER", a.Handler)
			t.Setenv("EVENT", c.event)
			if got := runNode(t, a.Dir, loadHandler); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}

func TestNodeErrors(t *testing.T) {
	type tc struct {
		name  string
		files files
		entry string
		want  []string // substrings of the error
	}
	for _, c := range []tc{
		{"syntax error", files{"bad.ts": "export const handler = () => {\n  const x = ;\n};\n"}, "bad.ts",
			[]string{"esbuild failed", "bad.ts:2:13: Unexpected \";\""}},
		{"missing import", files{"a.js": "require('./nope');\n"}, "a.js",
			[]string{"a.js:1:9: Could not resolve \"./nope\""}},
		{"missing entry", files{}, "none.ts", []string{"none.ts"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := c.files.write(t, t.TempDir())
			b := New(t.TempDir())
			_, err := b.Build(context.Background(), buildpack(filepath.Join(src, c.entry), "", ""))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if strings.Contains(c.want[0], "bad.ts") && !strings.Contains(err.Error(), filepath.Join(src, "bad.ts")) {
				t.Errorf("error does not give the absolute path: %v", err)
			}
			noLeftovers(t, b.dir)
		})
	}
}

func TestNodeAWSSDK(t *testing.T) {
	entry := "import { S3Client } from '@aws-sdk/client-s3';\nexport const handler = async () => typeof S3Client;\n"
	type tc struct {
		name     string
		files    files
		external bool
	}
	for _, c := range []tc{
		{"not installed: external", files{"app.mjs": entry}, true},
		{"installed: bundled", files{
			"app.mjs": entry,
			"node_modules/@aws-sdk/client-s3/package.json": `{"name":"@aws-sdk/client-s3","main":"index.js"}`,
			"node_modules/@aws-sdk/client-s3/index.js":     "exports.S3Client = class LOCAL_S3_CLIENT {};\n",
		}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := c.files.write(t, t.TempDir())
			a := mustBuild(t, New(t.TempDir()), buildpack(filepath.Join(src, "app.mjs"), "", ""))
			out, err := os.ReadFile(filepath.Join(a.Dir, "index.js"))
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(string(out), `require("@aws-sdk/client-s3")`); got != c.external {
				t.Errorf("external = %v, want %v:\n%s", got, c.external, out)
			}
			if got := strings.Contains(string(out), "LOCAL_S3_CLIENT"); got == c.external {
				t.Errorf("bundled = %v, want %v", got, !c.external)
			}
		})
	}
}

func TestNodeCache(t *testing.T) {
	src := tsProject.write(t, t.TempDir())
	entry := filepath.Join(src, "src/app.ts")
	b := New(t.TempDir())
	first := mustBuild(t, b, buildpack(entry, "", ""))
	runs := b.esbuild.Load()

	again := mustBuild(t, b, buildpack(entry, "", ""))
	if again.Hash != first.Hash || again.Dir != first.Dir || b.esbuild.Load() != runs {
		t.Errorf("unchanged rebuild: hash %s→%s, esbuild runs %d→%d", first.Hash, again.Hash, runs, b.esbuild.Load())
	}
	// A fresh Builder on the same folder (a restart) reuses the version too.
	if fresh := New(b.dir); mustBuild(t, fresh, buildpack(entry, "", "")).Hash != first.Hash || fresh.esbuild.Load() != 0 {
		t.Error("a restarted builder rebuilt")
	}

	// A new file in a source folder may change resolution: esbuild runs
	// again, but the bundle's inputs are the same, so the version is too.
	files{"src/notes.txt": "x"}.write(t, src)
	if a := mustBuild(t, b, buildpack(entry, "", "")); a.Hash != first.Hash || b.esbuild.Load() != runs+1 {
		t.Errorf("unrelated file: hash changed %v, esbuild runs %d", a.Hash != first.Hash, b.esbuild.Load()-runs)
	}

	type change struct {
		name  string
		files files
	}
	seen := map[string]bool{first.Hash: true}
	for _, c := range []change{
		{"entry", files{"src/app.ts": strings.Replace(tsProject["src/app.ts"], "msg", "message", 1)}},
		{"local module", files{"src/lib/greet.ts": strings.Replace(tsProject["src/lib/greet.ts"], "hello", "hi", 1)}},
		{"package", files{"node_modules/padder/lib/index.js": strings.Replace(tsProject["node_modules/padder/lib/index.js"], "'['", "'<'", 1)}},
		{"shadowing package", files{"src/node_modules/padder/index.js": "module.exports = (s) => s;\n"}},
	} {
		c.files.write(t, src)
		a := mustBuild(t, b, buildpack(entry, "", ""))
		if seen[a.Hash] {
			t.Errorf("%s changed: the hash %s was seen before", c.name, a.Hash)
		}
		seen[a.Hash] = true
	}
}

func TestNodeRuntimeMismatch(t *testing.T) {
	src := files{"a.ts": "export const handler = 1;\n"}.write(t, t.TempDir())
	_, err := New(t.TempDir()).Build(context.Background(), buildpack(filepath.Join(src, "a.ts"), "", "python3.11"))
	if err == nil || !strings.Contains(err.Error(), "python3.11 cannot run") {
		t.Errorf("err = %v", err)
	}
}

func TestCancelled(t *testing.T) {
	src := tsProject.write(t, t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	b := New(t.TempDir())
	if _, err := b.Build(ctx, buildpack(filepath.Join(src, "src/app.ts"), "", "")); err == nil {
		t.Error("a cancelled build succeeded")
	}
	noLeftovers(t, b.dir)
}
