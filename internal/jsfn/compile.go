package jsfn

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"modernc.org/quickjs"
)

// Program is a function's source compiled for one runtime and limits.
// It is immutable and safe to share.
type Program struct {
	rt       Runtime
	lim      Limits
	bytecode []byte
	// wallClock makes the compute budget count wall time even where the
	// thread CPU clock is available (a test hook).
	wallClock bool
}

// Runtime returns the runtime p was compiled for.
func (p *Program) Runtime() Runtime { return p.rt }

// Limits returns p's limits, defaults filled in.
func (p *Program) Limits() Limits { return p.lim }

// The wrapper turns the function's file into a factory: calling it runs the
// file's top level and returns its handler. The prefix adds no line, so
// line numbers in errors are the source's own.
const (
	wrapPrefix = `(function () {"use strict";`
	wrapSuffix = "\n;return typeof handler === \"function\" ? handler : undefined;\n})"
)

// Compile checks and compiles src, a CloudFront Functions file defining a
// top-level handler, for runtime rt. Errors are *RunError of kind KindCompile
// (or KindInvalid for an unknown runtime); a syntax error's Message ends with
// " in LINE", as CloudFront reports it.
func Compile(src []byte, rt Runtime, lim Limits) (*Program, error) {
	if !rt.valid() {
		return nil, &RunError{Kind: KindInvalid, Message: fmt.Sprintf("unknown runtime %q", rt)}
	}
	lim = lim.withDefaults()
	if len(src) > lim.CodeBytes {
		return nil, &RunError{Kind: KindCompile, Message: fmt.Sprintf("the function code is %d bytes, more than the limit of %d", len(src), lim.CodeBytes)}
	}
	text, err := rewriteImports(string(src), rt)
	if err != nil {
		return nil, err
	}
	bc, err := compileScript(wrapPrefix + text + wrapSuffix)
	if err != nil {
		return nil, compileError(err)
	}
	return &Program{rt: rt, lim: lim, bytecode: bc}, nil
}

func compileError(err error) error {
	var qe *quickjs.Error
	if !errors.As(err, &qe) {
		return &RunError{Kind: KindCompile, Message: err.Error()}
	}
	msg := qe.Error()
	if qe.LineNumber > 0 {
		msg = fmt.Sprintf("%s in %d", msg, qe.LineNumber)
	}
	return &RunError{Kind: KindCompile, Message: msg, Line: qe.LineNumber}
}

// Imports. Runtime 2.0 allows ES module imports of its built-in modules at
// the top level. The wrapper makes the file a function body, where import
// is a syntax error, so each import line is rewritten in place (the same
// line) to a require of the same module:
//
//	import cf from 'cloudfront'            → const cf = require('cloudfront');
//	import * as qs from 'querystring'      → const qs = require('querystring');
//	import { Buffer as B } from 'buffer'   → const { Buffer: B } = require('buffer');
//	import crypto, { createHash } from 'crypto'
//	                                       → const crypto = require('crypto'), { createHash } = crypto;
//	import 'crypto'                        → require('crypto');
//
// Only an import statement on a line of its own is recognised; a line in
// a block comment is left alone.

var (
	importRE  = regexp.MustCompile(`^(\s*)import\s*(.*?)\s*;?\s*$`)
	fromRE    = regexp.MustCompile(`^(.*?)\s*\bfrom\s*(['"])([^'"]*)['"]$`)
	bareRE    = regexp.MustCompile(`^(['"])([^'"]*)['"]$`)
	identRE   = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$]*$`)
	nsRE      = regexp.MustCompile(`^\*\s*as\s+([A-Za-z_$][A-Za-z0-9_$]*)$`)
	namedRE   = regexp.MustCompile(`^\{([^{}]*)\}$`)
	aliasRE   = regexp.MustCompile(`^([A-Za-z_$][A-Za-z0-9_$]*)(?:\s+as\s+([A-Za-z_$][A-Za-z0-9_$]*))?$`)
	importKey = regexp.MustCompile(`^\s*import\b\s*[^\s(.]`)
)

// modules lists what require (and so import) gives in each runtime.
var modules = map[Runtime][]string{
	Runtime10: {"crypto", "querystring"},
	Runtime20: {"cloudfront", "crypto", "querystring", "buffer"},
}

func knownModule(rt Runtime, name string) bool {
	for _, m := range modules[rt] {
		if m == name {
			return true
		}
	}
	return false
}

// rewriteImports rewrites the import lines of src, see above.
func rewriteImports(src string, rt Runtime) (string, error) {
	if !strings.Contains(src, "import") {
		return src, nil
	}
	lines := strings.Split(src, "\n")
	inComment := false
	for i, line := range lines {
		wasInComment := inComment
		inComment = blockCommentState(line, inComment)
		if wasInComment || !importKey.MatchString(line) {
			continue
		}
		fail := func(msg string) error {
			return &RunError{Kind: KindCompile, Message: fmt.Sprintf("SyntaxError: %s in %d", msg, i+1), Line: i + 1}
		}
		if rt == Runtime10 {
			return "", fail("import is not supported in " + string(Runtime10) + ", use require")
		}
		m := importRE.FindStringSubmatch(line)
		stmt, err := importStatement(m[2], rt)
		if err != nil {
			return "", fail(err.Error())
		}
		lines[i] = m[1] + stmt
	}
	return strings.Join(lines, "\n"), nil
}

// importStatement returns the require statement for an import clause (the
// text after "import").
func importStatement(clause string, rt Runtime) (string, error) {
	if b := bareRE.FindStringSubmatch(clause); b != nil {
		if !knownModule(rt, b[2]) {
			return "", fmt.Errorf("cannot find module '%s'", b[2])
		}
		return fmt.Sprintf("require(%q);", b[2]), nil
	}
	f := fromRE.FindStringSubmatch(clause)
	if f == nil {
		return "", errors.New("unsupported import statement")
	}
	bindings, mod := strings.TrimSpace(f[1]), f[3]
	if !knownModule(rt, mod) {
		return "", fmt.Errorf("cannot find module '%s'", mod)
	}
	req := fmt.Sprintf("require(%q)", mod)
	def, rest, hasRest := bindings, "", false
	if !strings.HasPrefix(bindings, "{") && !strings.HasPrefix(bindings, "*") {
		def, rest, hasRest = strings.Cut(bindings, ",")
		def, rest = strings.TrimSpace(def), strings.TrimSpace(rest)
	}
	switch {
	case !hasRest && identRE.MatchString(def):
		return "const " + def + " = " + req + ";", nil
	case !hasRest:
		pat, err := bindingPattern(def)
		if err != nil {
			return "", err
		}
		return "const " + pat + " = " + req + ";", nil
	case identRE.MatchString(def):
		pat, err := bindingPattern(rest)
		if err != nil {
			return "", err
		}
		if ns := nsRE.FindStringSubmatch(pat); ns != nil {
			pat = ns[1]
		}
		return "const " + def + " = " + req + ", " + pat + " = " + def + ";", nil
	}
	return "", errors.New("unsupported import statement")
}

// bindingPattern turns "* as x" or "{ a, b as c }" into "x" or
// "{ a, b: c }".
func bindingPattern(s string) (string, error) {
	if ns := nsRE.FindStringSubmatch(s); ns != nil {
		return ns[1], nil
	}
	named := namedRE.FindStringSubmatch(s)
	if named == nil {
		return "", errors.New("unsupported import statement")
	}
	var parts []string
	for _, item := range strings.Split(named[1], ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		a := aliasRE.FindStringSubmatch(item)
		if a == nil {
			return "", errors.New("unsupported import statement")
		}
		if a[2] != "" {
			parts = append(parts, a[1]+": "+a[2])
		} else {
			parts = append(parts, a[1])
		}
	}
	return "{ " + strings.Join(parts, ", ") + " }", nil
}

// blockCommentState reports whether a block comment is open at the end of
// line, given whether one was open at its start. It ignores strings: a
// "/*" inside a string literal confuses it, which can only make an import
// after it go unrecognised (and so fail to compile).
func blockCommentState(line string, open bool) bool {
	for i := 0; i < len(line); i++ {
		switch {
		case open && strings.HasPrefix(line[i:], "*/"):
			open = false
			i++
		case !open && strings.HasPrefix(line[i:], "//"):
			return false
		case !open && strings.HasPrefix(line[i:], "/*"):
			open = true
			i++
		}
	}
	return open
}
