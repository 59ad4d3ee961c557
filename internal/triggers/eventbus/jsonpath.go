package eventbus

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode"
)

// stepKind says what one step of a JSONPath selects.
type stepKind uint8

const (
	stepName  stepKind = iota // .name: an object member
	stepIndex                 // [N]: an array element
	stepWild                  // .* or [*]: every member or element
)

type step struct {
	kind  stepKind
	name  string
	index int
}

// jsonPath is a parsed JSONPath in EventBridge's subset: "$" followed by
// dot-notation names, array indices and wildcards. AWS asks for dot
// notation, so bracketed names ($['a']) and deep scans ($..a) are refused.
type jsonPath struct {
	steps []step
	wild  bool // a wildcard makes the result an array of every match
}

// parsePath parses and validates a JSONPath.
func parsePath(s string) (jsonPath, error) {
	var p jsonPath
	if len(s) > maxPathLen {
		return p, fmt.Errorf("JSONPath %.20q… is %d characters, over the %d limit", s, len(s), maxPathLen)
	}
	if s == "" || s[0] != '$' {
		return p, fmt.Errorf("JSONPath %q must start with $", s)
	}
	for i := 1; i < len(s); {
		st, n, err := parseStep(s[i:])
		if err != nil {
			return p, fmt.Errorf("JSONPath %q at offset %d: %w", s, i, err)
		}
		p.steps = append(p.steps, st)
		p.wild = p.wild || st.kind == stepWild
		i += n
	}
	return p, nil
}

// parseStep parses the step at the start of s and returns its length.
func parseStep(s string) (step, int, error) {
	switch s[0] {
	case '.':
		if len(s) > 1 && s[1] == '*' {
			return step{kind: stepWild}, 2, nil
		}
		n := 1
		for n < len(s) && nameChar(rune(s[n])) {
			n++
		}
		if n == 1 {
			if len(s) > 1 && s[1] == '.' {
				return step{}, 0, errors.New("deep scan (..) is not supported")
			}
			return step{}, 0, errors.New("empty member name after '.'")
		}
		return step{kind: stepName, name: s[1:n]}, n, nil
	case '[':
		end := 1
		for end < len(s) && s[end] != ']' {
			end++
		}
		if end == len(s) {
			return step{}, 0, errors.New("'[' without ']'")
		}
		inner := s[1:end]
		if inner == "*" {
			return step{kind: stepWild}, end + 1, nil
		}
		idx, err := strconv.Atoi(inner)
		if err != nil || idx < 0 || inner[0] == '+' {
			return step{}, 0, fmt.Errorf("[%s] is not an array index (use dot notation for names)", inner)
		}
		return step{kind: stepIndex, index: idx}, end + 1, nil
	}
	return step{}, 0, fmt.Errorf("unexpected %q (want '.' or '[')", s[0])
}

// nameChar reports whether r may appear in a dot-notation member name. AWS
// documents letters, digits, '-', '_' and '/'; event keys also carry ':'
// and '@', so everything but the path syntax, quotes, placeholder angle
// brackets and whitespace is allowed.
func nameChar(r rune) bool {
	switch r {
	case '.', '[', ']', '*', '"', '\'', '<', '>', '\\':
		return false
	}
	return r >= 0x80 || (!unicode.IsSpace(r) && !unicode.IsControl(r))
}

// eval returns the value the path reaches in doc, a JSON text, and whether
// it reaches one. With a wildcard the value is the array of all matches.
func (p jsonPath) eval(doc []byte) ([]byte, bool) {
	cur := [][]byte{bytes.TrimSpace(doc)}
	for _, st := range p.steps {
		var next [][]byte
		for _, v := range cur {
			next = st.apply(v, next)
		}
		cur = next
		if len(cur) == 0 {
			return nil, false
		}
	}
	if !p.wild {
		return cur[0], true
	}
	var b bytes.Buffer
	b.WriteByte('[')
	for i, v := range cur {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(v)
	}
	b.WriteByte(']')
	return b.Bytes(), true
}

// apply appends to out the values the step selects in v.
func (st step) apply(v []byte, out [][]byte) [][]byte {
	keys, vals := children(v)
	switch st.kind {
	case stepName:
		if keys == nil {
			return out
		}
		for i, k := range keys {
			if k == st.name {
				return append(out, vals[i])
			}
		}
	case stepIndex:
		if keys == nil && st.index < len(vals) {
			return append(out, vals[st.index])
		}
	case stepWild:
		return append(out, vals...)
	}
	return out
}

// children splits a JSON object or array into its members in order, raw.
// keys is nil for an array; both are nil for a scalar or bad JSON.
func children(v []byte) (keys []string, vals [][]byte) {
	if len(v) == 0 || (v[0] != '{' && v[0] != '[') {
		return nil, nil
	}
	obj := v[0] == '{'
	dec := json.NewDecoder(bytes.NewReader(v))
	if _, err := dec.Token(); err != nil {
		return nil, nil
	}
	if obj {
		keys = []string{}
	}
	for dec.More() {
		if obj {
			t, err := dec.Token()
			k, ok := t.(string)
			if err != nil || !ok {
				return nil, nil
			}
			keys = append(keys, k)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil
		}
		vals = append(vals, raw)
	}
	return keys, vals
}
