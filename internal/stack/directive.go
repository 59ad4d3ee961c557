package stack

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// directive matches the start of a directive such as $Secret('key'),
// anywhere in a string; a "$" not followed by a name and "(" is text.
var directive = regexp.MustCompile(`\$([A-Za-z][A-Za-z0-9]*)\(`)

// A segment is a piece of a Template: literal text, or a directive and its
// arguments.
type segment struct {
	text      string   // literal text, when name is ""
	name      string   // the directive's name: "Secret"
	args      []string // its arguments, unquoted
	directive string   // the directive as written, for messages
}

// parseTemplate splits s into literal text and directives. A directive's
// arguments are quoted with ' or " (no escapes), separated by commas, with
// spaces allowed around them.
func parseTemplate(s string) ([]segment, error) {
	var segs []segment
	for s != "" {
		loc := directive.FindStringSubmatchIndex(s)
		if loc == nil {
			segs = append(segs, segment{text: s})
			break
		}
		if loc[0] > 0 {
			segs = append(segs, segment{text: s[:loc[0]]})
		}
		name := s[loc[2]:loc[3]]
		args, n, err := parseArgs(s[loc[1]:])
		if err != nil {
			hint := ""
			if usage, ok := directiveUsage[name]; ok {
				hint = "; write " + usage
			}
			return nil, fmt.Errorf("$%s(...) %v%s", name, err, hint)
		}
		end := loc[1] + n
		segs = append(segs, segment{name: name, args: args, directive: s[loc[0]:end]})
		s = s[end:]
	}
	return segs, nil
}

// parseArgs parses the arguments of a directive up to its ")", from just
// after its "(". It returns them and the bytes consumed.
func parseArgs(s string) (args []string, n int, err error) {
	i := skipSpaces(s, 0)
	if i < len(s) && s[i] == ')' {
		return nil, i + 1, nil
	}
	for {
		if i >= len(s) {
			return nil, 0, errors.New("is not closed with )")
		}
		q := s[i]
		if q != '\'' && q != '"' {
			return nil, 0, errors.New("needs quoted arguments")
		}
		end := strings.IndexByte(s[i+1:], q)
		if end < 0 {
			return nil, 0, fmt.Errorf("has an argument whose %c is not closed", q)
		}
		args = append(args, s[i+1:i+1+end])
		i = skipSpaces(s, i+1+end+1)
		switch {
		case i >= len(s):
			return nil, 0, errors.New("is not closed with )")
		case s[i] == ')':
			return args, i + 1, nil
		case s[i] == ',':
			i = skipSpaces(s, i+1)
		default:
			c, _ := utf8.DecodeRuneInString(s[i:])
			return nil, 0, fmt.Errorf("needs , or ) after an argument, found %c", c)
		}
	}
}

func skipSpaces(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// checkDirective returns what is wrong with a parsed directive, or "".
func checkDirective(seg segment) string {
	usage, ok := directiveUsage[seg.name]
	if !ok {
		return fmt.Sprintf("the directive $%s(...) is not supported yet (supported: %s)", seg.name, directiveList())
	}
	want := strings.Count(usage, ",") + 1
	if len(seg.args) != want {
		plural := "s"
		if want == 1 {
			plural = ""
		}
		return fmt.Sprintf("%s takes %d argument%s, found %d: write %s", seg.directive, want, plural, len(seg.args), usage)
	}
	for _, a := range seg.args {
		if strings.TrimSpace(a) == "" {
			return fmt.Sprintf("%s has an empty argument: write %s", seg.directive, usage)
		}
	}
	return ""
}

// directiveList names the supported directives, for messages.
func directiveList() string {
	names := slices.Sorted(maps.Keys(directiveUsage))
	for i, n := range names {
		names[i] = "$" + n
	}
	return strings.Join(names, ", ")
}

// decodeNode decodes a string that may hold directives; they are checked
// here and resolved by the resolver, which knows the other resources.
func (t *Template) decodeNode(d *decoder, n *yaml.Node, name string) bool {
	if n.Kind != yaml.ScalarNode {
		d.wrongType(n, name, "a string")
		return false
	}
	s, ok := d.strValue(n, name, "a string")
	if !ok {
		return false
	}
	segs, err := parseTemplate(s)
	if err != nil {
		d.errorf(at(n), "%s: %v", name, err)
		return false
	}
	for _, seg := range segs {
		if seg.name == "" {
			continue
		}
		if msg := checkDirective(seg); msg != "" {
			d.errorf(at(n), "%s: %s", name, msg)
			ok = false
		}
	}
	*t = Template(s)
	return ok
}

// decodeNode reports a property that is not supported yet, at its key.
func (p *Planned) decodeNode(d *decoder, n *yaml.Node, name string) bool {
	where, ok := d.key(p)
	if !ok {
		where = at(n)
	}
	p.written = true
	d.errorf(where, "%s is not supported yet", name)
	return false
}

// decodeNode accepts any value and warns, at the key, that it is ignored.
func (ig *Ignored) decodeNode(d *decoder, n *yaml.Node, name string) bool {
	where, ok := d.key(ig)
	if !ok {
		where = at(n)
	}
	why, ok := ignoredProperties[name]
	if !ok {
		panic(fmt.Sprintf("stack: ignored property %s has no reason in ignoredProperties", name))
	}
	ig.written = true
	d.warnf(where, "%s is ignored: %s", name, why)
	return true
}

// decodeNode reports, at the key, a property the service does not have.
func (rj *Rejected) decodeNode(d *decoder, n *yaml.Node, name string) bool {
	where, ok := d.key(rj)
	if !ok {
		where = at(n)
	}
	why, ok := rejectedProperties[name]
	if !ok {
		panic(fmt.Sprintf("stack: rejected property %s has no reason in rejectedProperties", name))
	}
	rj.written = true
	d.errorf(where, "%s is not allowed here: %s", name, why)
	return false
}

// Interface guards.
var (
	_ nodeDecoder = (*Template)(nil)
	_ nodeDecoder = (*Planned)(nil)
	_ nodeDecoder = (*Ignored)(nil)
	_ nodeDecoder = (*Rejected)(nil)
)
