package jsfn

import (
	"errors"
	"strings"
	"testing"
)

type compileTest struct {
	name string
	rt   Runtime
	src  string
	line int    // want a KindCompile error on this line; 0 for success
	msg  string // part of the message
}

var compileTests = []compileTest{
	{"ok", Runtime10, "function handler(event) {\n  return event.request;\n}\n", 0, ""},
	{"syntax error line 2", Runtime20, "function handler(event) {\n  var x = ;\n}", 2, "SyntaxError: unexpected token in expression: ';' in 2"},
	{"syntax error line 22", Runtime20, strings.Repeat("// comment\n", 21) + "var = 1;\nfunction handler(e) { return e; }", 22, "in 22"},
	{"unterminated string", Runtime10, "function handler(event) {\n\n  return 'abc;\n}", 3, "SyntaxError"},
	{"export", Runtime20, "function handler(e) { return e; }\nexport { handler };", 2, "SyntaxError"},
	{"import in 1.0", Runtime10, "import cf from 'cloudfront';\nfunction handler(e) { return e; }", 1, "import is not supported in cloudfront-js-1.0"},
	{"unknown module", Runtime20, "\nimport fs from 'fs';\nfunction handler(e) { return e; }", 2, "cannot find module 'fs'"},
	{"unsupported import", Runtime20, "import cf from 'cloudfront'; function handler(e) { return e; }", 1, "unsupported import statement"},
	{"import after code keeps lines", Runtime20, "import cf from 'cloudfront';\nimport qs from 'querystring';\nfunction handler(e) {\n  return e +;\n}", 4, "in 4"},
	{"import in a comment", Runtime20, "/*\nimport x from 'fs';\n*/\nfunction handler(e) { return e; }", 0, ""},
	{"dynamic import is code", Runtime20, "function handler(e) { return import('x'); }", 0, ""},
	{"use strict", Runtime10, "function handler(e) { undeclared = 1; return e; }", 0, ""},
	{"strict mode syntax", Runtime10, "function handler(e) { with (e) { return 1; } }", 1, "SyntaxError"},
}

func TestCompile(t *testing.T) {
	for _, c := range compileTests {
		_, err := Compile([]byte(c.src), c.rt, Limits{})
		if c.line == 0 {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		var re *RunError
		if !errors.As(err, &re) || re.Kind != KindCompile {
			t.Errorf("%s: got %v, want a Compile RunError", c.name, err)
			continue
		}
		if re.Line != c.line || !strings.Contains(re.Message, c.msg) {
			t.Errorf("%s: line %d message %q, want line %d containing %q", c.name, re.Line, re.Message, c.line, c.msg)
		}
	}
}

func TestCompileLimits(t *testing.T) {
	body := "function handler(e) { return e; }\n"
	big := body + "//" + strings.Repeat("x", DefaultCodeBytes-len(body)-2)
	if _, err := Compile([]byte(big), Runtime20, Limits{}); err != nil {
		t.Errorf("10 KiB exactly: %v", err)
	}
	if _, err := Compile([]byte(big+"x"), Runtime20, Limits{}); err == nil || !strings.Contains(err.Error(), "more than the limit of 10240") {
		t.Errorf("10 KiB + 1: got %v", err)
	} else if k, _ := kindOf(err); k != KindCompile {
		t.Errorf("kind %v", k)
	}
	if _, err := Compile([]byte(body), Runtime20, Limits{CodeBytes: 10}); err == nil {
		t.Errorf("CodeBytes 10 accepted %d bytes", len(body))
	}
	if _, err := Compile([]byte(body), "cloudfront-js-3.0", Limits{}); err == nil {
		t.Error("unknown runtime accepted")
	} else if k, _ := kindOf(err); k != KindInvalid {
		t.Errorf("unknown runtime: kind %v", k)
	}
	p, err := Compile([]byte(body), Runtime20, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := Limits{CodeBytes: DefaultCodeBytes, Compute: DefaultCompute, Memory: DefaultMemory, Stack: DefaultStack}
	if p.Limits() != want || p.Runtime() != Runtime20 {
		t.Errorf("defaults %+v %s", p.Limits(), p.Runtime())
	}
}

type importTest struct {
	line, want string
}

var importTests = []importTest{
	{"import cf from 'cloudfront';", `const cf = require("cloudfront");`},
	{`  import cf from "cloudfront"`, `  const cf = require("cloudfront");`},
	{"import * as qs from 'querystring';", `const qs = require("querystring");`},
	{"import { Buffer } from 'buffer';", `const { Buffer } = require("buffer");`},
	{"import { createHash as ch, createHmac } from 'crypto';", `const { createHash: ch, createHmac } = require("crypto");`},
	{"import crypto, { createHash } from 'crypto';", `const crypto = require("crypto"), { createHash } = crypto;`},
	{"import crypto, * as c2 from 'crypto';", `const crypto = require("crypto"), c2 = crypto;`},
	{"import 'crypto';", `require("crypto");`},
	{"importantValue = 1;", "importantValue = 1;"},
	{"import('x');", "import('x');"},
}

func TestRewriteImports(t *testing.T) {
	for _, c := range importTests {
		got, err := rewriteImports(c.line, Runtime20)
		if err != nil || got != c.want {
			t.Errorf("%q: got %q, %v; want %q", c.line, got, err, c.want)
		}
	}
}

func FuzzRewriteImports(f *testing.F) {
	for _, c := range importTests {
		f.Add(c.line)
	}
	f.Add("/* a\nimport x from 'y' */\nimport cf from 'cloudfront'")
	f.Fuzz(func(t *testing.T, src string) {
		for _, rt := range []Runtime{Runtime10, Runtime20} {
			out, err := rewriteImports(src, rt)
			if err != nil {
				var re *RunError
				if !errors.As(err, &re) || re.Kind != KindCompile || re.Line < 1 {
					t.Fatalf("%q: bad error %#v", src, err)
				}
				continue
			}
			if strings.Count(out, "\n") != strings.Count(src, "\n") {
				t.Fatalf("%q: line count changed: %q", src, out)
			}
		}
	})
}
