package eventbus

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Input is a target's input setting, as EventBridge's: at most one of
// Input (constant JSON text), InputPath (a JSONPath such as "$.detail") and
// Transformer. None: the target receives the whole event.
type Input struct {
	Input       json.RawMessage
	InputPath   string
	Transformer *Transformer
}

// Transformer is an input transformer: PathsMap names values of the event
// (JSONPaths) that Template uses as <name> placeholders.
type Transformer struct {
	PathsMap map[string]string
	Template string
}

// Vars are the values of the predefined transformer variables that do not
// come from the event.
type Vars struct {
	RuleName string
	RuleARN  string
	// IngestionTime is when the bus received the event; zero means now.
	IngestionTime time.Time
}

// ErrNoMatch is returned by Apply when InputPath reaches nothing.
var ErrNoMatch = errors.New("inputPath matches nothing in the event")

// Check validates the setting; its errors name the field and the rule
// broken.
func (in Input) Check() error {
	_, err := in.compile()
	return err
}

// Apply returns the payload the target receives for event, with no rule
// name or ARN (use a Router, or ApplyVars, for those).
func (in Input) Apply(event []byte) ([]byte, error) {
	return in.ApplyVars(event, Vars{})
}

// ApplyVars is Apply with the predefined variables' values.
func (in Input) ApplyVars(event []byte, v Vars) ([]byte, error) {
	c, err := in.compile()
	if err != nil {
		return nil, err
	}
	return c.apply(event, v)
}

// compiled is a checked Input, ready to apply.
type compiled struct {
	constant []byte    // Input, compacted
	path     *jsonPath // InputPath
	tmpl     *template // Transformer.Template
	vars     map[string]jsonPath
}

func (in Input) compile() (*compiled, error) {
	n := 0
	for _, set := range []bool{len(in.Input) > 0, in.InputPath != "", in.Transformer != nil} {
		if set {
			n++
		}
	}
	if n > 1 {
		return nil, errors.New("input, inputPath and inputTransformer are exclusive: set at most one")
	}
	switch {
	case len(in.Input) > 0:
		return compileConstant(in.Input)
	case in.InputPath != "":
		p, err := parsePath(in.InputPath)
		if err != nil {
			return nil, fmt.Errorf("inputPath: %w", err)
		}
		return &compiled{path: &p}, nil
	case in.Transformer != nil:
		return in.Transformer.compile()
	}
	return &compiled{}, nil
}

func compileConstant(raw json.RawMessage) (*compiled, error) {
	if len(raw) > maxInputLen {
		return nil, fmt.Errorf("input: %d characters, over the %d limit", len(raw), maxInputLen)
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return nil, fmt.Errorf("input: not valid JSON: %v", err)
	}
	return &compiled{constant: b.Bytes()}, nil
}

func (t *Transformer) compile() (*compiled, error) {
	if len(t.PathsMap) > maxPaths {
		return nil, fmt.Errorf("inputTransformer.inputPathsMap: %d entries, over the %d limit", len(t.PathsMap), maxPaths)
	}
	vars := make(map[string]jsonPath, len(t.PathsMap))
	for name, p := range t.PathsMap {
		if err := checkVarName(name); err != nil {
			return nil, fmt.Errorf("inputTransformer.inputPathsMap: %w", err)
		}
		jp, err := parsePath(p)
		if err != nil {
			return nil, fmt.Errorf("inputTransformer.inputPathsMap[%q]: %w", name, err)
		}
		vars[name] = jp
	}
	tm, err := parseTemplate(t.Template)
	if err != nil {
		return nil, fmt.Errorf("inputTransformer: %w", err)
	}
	if err := tm.check(t.PathsMap); err != nil {
		return nil, fmt.Errorf("inputTransformer: %w", err)
	}
	return &compiled{tmpl: &tm, vars: vars}, nil
}

// checkVarName applies the API reference's key rules: 1 to 256 of
// [A-Za-z0-9_-], and not one of the reserved aws.* names.
func checkVarName(name string) error {
	if name == "" || len(name) > maxVarNameLen {
		return fmt.Errorf("variable name %.20q must be 1 to %d characters", name, maxVarNameLen)
	}
	for _, c := range []byte(name) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
		if !ok {
			return fmt.Errorf("variable name %q may only hold letters, digits, '_' and '-' (names starting with %q are reserved)", name, reservedPrefix)
		}
	}
	return nil
}

// apply computes the payload for event.
func (c *compiled) apply(event []byte, v Vars) ([]byte, error) {
	switch {
	case c.constant != nil:
		return bytes.Clone(c.constant), nil
	case c.path != nil:
		out, ok := c.path.eval(event)
		if !ok {
			return nil, ErrNoMatch
		}
		return compact(out), nil
	case c.tmpl != nil:
		return c.tmpl.render(c.lookup(event, v)), nil
	}
	return bytes.Clone(event), nil
}

// lookup returns the variables' values for event, as JSON text.
func (c *compiled) lookup(event []byte, v Vars) func(string) ([]byte, bool) {
	return func(name string) ([]byte, bool) {
		switch name {
		case varRuleName:
			return marshalString(v.RuleName), true
		case varRuleARN:
			return marshalString(v.RuleARN), true
		case varIngestionTime:
			t := v.IngestionTime
			if t.IsZero() {
				t = time.Now()
			}
			return marshalString(t.UTC().Format(timeLayout)), true
		case varEventJSON:
			return compact(event), true
		case varEvent:
			return withoutDetail(event), true
		}
		p, ok := c.vars[name]
		if !ok {
			return nil, false
		}
		out, ok := p.eval(event)
		if !ok {
			return nil, false
		}
		return compact(out), true
	}
}

// withoutDetail is the event object minus its "detail" member.
func withoutDetail(event []byte) []byte {
	keys, vals := children(bytes.TrimSpace(event))
	if keys == nil {
		return compact(event)
	}
	var b bytes.Buffer
	b.WriteByte('{')
	first := true
	for i, k := range keys {
		if k == "detail" {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.Write(marshalString(k))
		b.WriteByte(':')
		b.Write(compact(vals[i]))
	}
	b.WriteByte('}')
	return b.Bytes()
}

// compact minifies JSON text, returning it unchanged if it is not JSON.
func compact(v []byte) []byte {
	var b bytes.Buffer
	if json.Compact(&b, v) != nil {
		return bytes.Clone(v)
	}
	return b.Bytes()
}
