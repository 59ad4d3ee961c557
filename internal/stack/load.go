package stack

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/verge-edge/verge/internal/errs"
)

// The stack file names looked for in a stack folder.
const (
	FileName    = "verge.yaml"
	AltFileName = "verge.yml"
)

// Load reads, checks and resolves the stack at path: a stack folder holding
// verge.yaml (or verge.yml), or a stack file, whose folder is then the stack
// folder. Problems with the stack file are returned together as an errs.List
// of errs.Invalid errors, each "FILE:LINE:COL: message", sorted by position;
// a file that cannot be found or read gives a single *errs.Error.
func Load(path string) (*Plan, error) {
	return LoadWith(path, Options{})
}

// Options adjust how a stack is loaded.
type Options struct {
	// SecretsFile is the file $Secret('name') reads, a YAML mapping of
	// names to strings; a relative path starts from the stack folder.
	// Default: secrets.yaml in the stack folder.
	SecretsFile string
	// Endpoint is the URL of Verge's AWS endpoint, which queue URLs name
	// (a queue's $ResourceParam url, $CfResourceParam QueueURL): ENDPOINT/
	// 000000000000/NAME. Default DefaultEndpoint.
	Endpoint string
}

// LoadWith is Load with options.
func LoadWith(path string, opts Options) (*Plan, error) {
	const op errs.Op = "stack.Load"
	file, err := stackFile(path)
	if err != nil {
		return nil, errs.E(op, err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		kind := errs.IO
		if errors.Is(err, fs.ErrNotExist) {
			kind = errs.NotFound
		}
		return nil, errs.E(op, kind, file, pathErr(err))
	}
	return parse(op, file, data, filepath.Dir(file), opts)
}

// stackFile returns the stack file that path names.
func stackFile(path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		kind := errs.IO
		if errors.Is(err, fs.ErrNotExist) {
			kind = errs.NotFound
		}
		return "", errs.E(kind, path, pathErr(err))
	}
	if !fi.IsDir() {
		return path, nil
	}
	var found []string
	for _, name := range []string{FileName, AltFileName} {
		if fi, err := os.Stat(filepath.Join(path, name)); err == nil && !fi.IsDir() {
			found = append(found, filepath.Join(path, name))
		}
	}
	switch len(found) {
	case 0:
		return "", errs.E(errs.NotFound, path, fmt.Errorf("no %s in this folder", FileName))
	case 2:
		return "", errs.E(errs.Invalid, path, fmt.Errorf("both %s and %s exist; keep one", FileName, AltFileName))
	}
	return found[0], nil
}

// Parse checks and resolves the stack file data. filename names it in
// messages; dir is the stack folder that relative paths start from. Errors
// are as Load's.
func Parse(filename string, data []byte, dir string) (*Plan, error) {
	return parse("stack.Parse", filename, data, dir, Options{})
}

func parse(op errs.Op, filename string, data []byte, dir string, opts Options) (*Plan, error) {
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, errs.E(op, errs.IO, dir, err)
	}
	absFile, err := filepath.Abs(filename)
	if err != nil {
		return nil, errs.E(op, errs.IO, filename, err)
	}
	d := newDecoder()
	root := d.parseYAML(data)
	if root == nil {
		return nil, d.errs(filename)
	}
	var s Stack
	d.decode(root, reflect.ValueOf(&s).Elem(), "the stack file")
	plan := resolve(d, &s, absDir, opts)
	if len(d.problems) > 0 {
		return nil, d.errs(filename)
	}
	plan.Dir, plan.File = absDir, absFile
	plan.Warnings = positioned(d.warnings, filename)
	return plan, nil
}

// parseYAML parses data as a single YAML document and returns its root, or
// nil after reporting why there is none.
func (d *decoder) parseYAML(data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.errorf(pos{1, 1}, "the stack file is empty; it needs a resources mapping")
		} else {
			d.syntaxError(err, data)
		}
		return nil
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		d.syntaxError(err, data)
		return nil
	default:
		d.errorf(at(&next), "a stack file holds one YAML document; a second one starts here")
		return nil
	}
	if len(doc.Content) == 0 || isNull(doc.Content[0]) {
		d.errorf(pos{1, 1}, "the stack file is empty; it needs a resources mapping")
		return nil
	}
	return doc.Content[0]
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxError reports an error of the YAML parser, which gives a line but
// no column.
func (d *decoder) syntaxError(err error, data []byte) {
	msg, line := err.Error(), 1
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
		line = blockErrorLine(data, line, msg)
	}
	d.errorf(pos{max(line, 1), 1}, "YAML syntax error: %s", strings.TrimPrefix(msg, "yaml: "))
}

// Bounds on the search of blockErrorLine, which parses a prefix per line.
const (
	maxSearchBytes = 64 << 10
	maxSearchLines = 100
)

// blockErrorLine returns the line of a syntax error that the YAML parser
// reports at line, the start of the enclosing block ("did not find
// expected key" for a mis-indented entry, the most common mistake). The
// shortest prefix of the file that fails the same way ends at the line
// with the problem. Other errors already have the right line.
func blockErrorLine(data []byte, line int, msg string) int {
	if !strings.HasPrefix(msg, "did not find expected") || len(data) > maxSearchBytes {
		return line
	}
	end := 0
	for i, l := range bytes.SplitAfter(data, []byte("\n")) {
		end += len(l)
		switch n := i + 1; {
		case n <= line:
			continue
		case n > line+maxSearchLines:
			return line
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(data[:end], &doc); err != nil && strings.HasSuffix(err.Error(), ": "+msg) {
			return i + 1
		}
	}
	return line
}

// errs returns the problems as a sorted errs.List, without repeats (a value
// reached through several aliases is checked each time). They have no Op:
// like a compiler's, each message starts with its position in the file.
func (d *decoder) errs(filename string) error {
	ps := sorted(d.problems)
	list := make(errs.List, len(ps))
	for i, p := range ps {
		list[i] = errs.E(errs.Invalid, fmt.Sprintf("%s:%d:%d", filename, p.line, p.col), errors.New(p.msg))
	}
	return list
}

// sorted returns problems sorted by position then message, without repeats.
func sorted(problems []problem) []problem {
	ps := slices.Clone(problems)
	slices.SortFunc(ps, func(a, b problem) int {
		if a.line != b.line {
			return a.line - b.line
		}
		if a.col != b.col {
			return a.col - b.col
		}
		return strings.Compare(a.msg, b.msg)
	})
	return slices.Compact(ps)
}

// positioned writes problems as "FILE:LINE:COL: message", sorted; nil when
// there are none.
func positioned(problems []problem, filename string) []string {
	var out []string
	for _, p := range sorted(problems) {
		out = append(out, fmt.Sprintf("%s:%d:%d: %s", filename, p.line, p.col, p.msg))
	}
	return out
}
