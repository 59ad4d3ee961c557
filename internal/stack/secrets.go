package stack

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// A secret is one value of the secrets file. Messages about secrets name
// them and give lines, never values.
type secret struct {
	value string
	line  int
	// notString is set when the value is a mapping, a list or empty.
	notString bool
}

// parseSecrets parses a secrets file: a YAML mapping of names to strings
// (numbers and booleans are taken as written). An empty file has no
// secrets. Errors carry line numbers, never values.
func parseSecrets(data []byte) (map[string]secret, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		// The parser's messages give a line and what it expected, not the
		// file's text.
		return nil, errors.New(strings.TrimPrefix(err.Error(), "yaml: "))
	}
	out := map[string]secret{}
	if len(doc.Content) == 0 {
		return out, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: it must be a mapping of secret names to strings", root.Line)
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.ShortTag() == "!!merge" {
			return nil, fmt.Errorf("line %d: keys must be secret names", k.Line)
		}
		if first, dup := out[k.Value]; dup {
			return nil, fmt.Errorf("line %d: secret %q is defined twice (first at line %d)", k.Line, k.Value, first.line)
		}
		for depth := 0; v.Kind == yaml.AliasNode && v.Alias != nil && depth < 10; depth++ {
			v = v.Alias
		}
		s := secret{line: k.Line}
		if v.Kind != yaml.ScalarNode || isNull(v) {
			s.notString = true
		} else {
			s.value = v.Value
		}
		out[k.Value] = s
	}
	return out, nil
}

// A secretsFile is the secrets file as the resolver read it.
type secretsFile struct {
	path    string // absolute
	display string // as messages name it
	secrets map[string]secret
	err     error // why it could not be used, without its path
}

// secretsPath returns the absolute path of the secrets file and how to
// name it in messages: relative to the stack folder when inside it.
func secretsPath(dir, opt string) (abs, display string) {
	abs = filepath.Join(dir, SecretsFileName)
	if opt != "" {
		abs = filepath.Clean(opt)
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(dir, abs)
		}
	}
	display = abs
	if rel, err := filepath.Rel(dir, abs); err == nil && !strings.HasPrefix(rel, "..") {
		display = filepath.ToSlash(rel)
	}
	return abs, display
}

// loadSecrets reads the secrets file once, the first time a $Secret needs it.
func (r *resolver) loadSecrets() *secretsFile {
	if r.secrets != nil {
		return r.secrets
	}
	abs, display := secretsPath(r.dir, r.opts.SecretsFile)
	sf := &secretsFile{path: abs, display: display}
	r.secrets = sf
	data, err := os.ReadFile(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		sf.err = errors.New("does not exist")
		if r.opts.SecretsFile == "" {
			sf.err = fmt.Errorf("does not exist (without another, Verge reads %s beside the stack file)", SecretsFileName)
		}
	case err != nil:
		sf.err = fmt.Errorf("cannot be read: %v", pathErr(err))
	default:
		sf.secrets, err = parseSecrets(data)
		if err != nil {
			sf.err = fmt.Errorf("is not a YAML mapping of names to strings: %v", err)
		}
	}
	return sf
}

// secret returns the value of the secret called name, reporting at at
// why there is none; dir is the directive as written.
func (r *resolver) secret(at pos, dir, name string) (string, bool) {
	sf := r.loadSecrets()
	if sf.err != nil {
		r.d.errorf(at, "%s: the secrets file %s %v", dir, sf.display, sf.err)
		return "", false
	}
	s, ok := sf.secrets[name]
	switch {
	case !ok:
		names := slices.Sorted(maps.Keys(sf.secrets))
		r.d.errorf(at, "%s: the secrets file %s has no secret %q%s", dir, sf.display, name, parenthesized(didYouMean(name, names)))
		return "", false
	case s.notString:
		r.d.errorf(at, "%s: secret %q in %s (line %d) is not a string", dir, name, sf.display, s.line)
		return "", false
	}
	return s.value, true
}
