package cff

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadSource(t *testing.T) {
	dir := t.TempDir()
	type tc struct {
		name, file, src string
		want, err       string // substrings of the output or the error
	}
	for _, c := range []tc{
		{"js as is", "f.js", "function handler(e) { return e.request; }", "function handler(e) { return e.request; }", ""},
		{"ts types stripped", "f.ts", "interface H { value: string }\nfunction handler(event: any): any {\n  const v: H = {value: 'x'};\n  return event.request;\n}",
			"function handler(event) {", ""},
		{"ts keeps a used module import", "g.ts", "import cf from 'cloudfront';\nasync function handler(event: any) { await cf.kvs().get('k'); return event.request; }",
			`import cf from "cloudfront"`, ""},
		{"ts syntax error with position", "bad.ts", "function handler(event: any {\n}", "", "bad.ts:1:"},
		{"other extension", "f.py", "def handler(): pass", "", "a .js or .ts file"},
	} {
		p := filepath.Join(dir, c.file)
		if err := os.WriteFile(p, []byte(c.src), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := ReadSource(p)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s: error %v, want %q", c.name, err, c.err)
		case c.err == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.err == "" && !strings.Contains(string(out), c.want):
			t.Errorf("%s: output %q lacks %q", c.name, out, c.want)
		}
		if c.name == "ts types stripped" && strings.Contains(string(out), "interface") {
			t.Errorf("types left in: %s", out)
		}
	}
}
