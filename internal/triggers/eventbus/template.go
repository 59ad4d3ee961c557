package eventbus

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// segment is a piece of an input template: literal text, or a placeholder
// (name set) and whether it sits inside a quoted JSON string.
type segment struct {
	lit    string
	name   string
	quoted bool
}

// template is a parsed input template.
type template struct {
	segs []segment
	json bool // a JSON template once filled (see the package comment)
}

// probeMarker stands for a quoted placeholder when checking object keys: a
// private-use rune no template has reason to hold.
const probeMarker = "\uE000"

// parseTemplate splits t into literals and placeholders and decides whether
// it is a JSON template. It does not check that placeholders are defined.
func parseTemplate(t string) (template, error) {
	var tm template
	if t == "" {
		return tm, errors.New("inputTemplate is empty")
	}
	if len(t) > maxTemplateLen {
		return tm, fmt.Errorf("inputTemplate is %d characters, over the %d limit", len(t), maxTemplateLen)
	}
	tm.segs = splitTemplate(t)
	probe := tm.probe("null", "")
	tm.json = json.Valid([]byte(probe))
	if !tm.json && strings.HasPrefix(strings.TrimSpace(t), "{") {
		err := json.Unmarshal([]byte(probe), new(any))
		return tm, fmt.Errorf("inputTemplate starts with '{' but is not a JSON object once placeholders are filled (a placeholder may not be an object key): %v", err)
	}
	if tm.json && tm.quotedKey() {
		return tm, errors.New("inputTemplate uses a placeholder in an object key, which AWS forbids")
	}
	return tm, nil
}

// splitTemplate cuts t at placeholders (<name>, name of letters, digits,
// '_', '-', '.'), tracking whether each sits inside a JSON string. AWS has
// no escape for '<' and '>'; any other '<' is literal text.
func splitTemplate(t string) []segment {
	var segs []segment
	var lit strings.Builder
	inString := false
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case inString && c == '\\' && i+1 < len(t):
			lit.WriteByte(c)
			i++
			c = t[i]
		case c == '"':
			inString = !inString
		case c == '<':
			if n := placeholderLen(t[i:]); n > 0 {
				if lit.Len() > 0 {
					segs = append(segs, segment{lit: lit.String()})
					lit.Reset()
				}
				segs = append(segs, segment{name: t[i+1 : i+n-1], quoted: inString})
				i += n - 1
				continue
			}
		}
		lit.WriteByte(c)
	}
	if lit.Len() > 0 {
		segs = append(segs, segment{lit: lit.String()})
	}
	return segs
}

// placeholderLen returns the length of the placeholder at the start of s,
// brackets included, or 0 if there is none.
func placeholderLen(s string) int {
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '>':
			if i == 1 {
				return 0
			}
			return i + 1
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-', c == '.':
		default:
			return 0
		}
	}
	return 0
}

// probe fills the template with fixed text for each placeholder.
func (tm template) probe(bare, quoted string) string {
	var b strings.Builder
	for _, s := range tm.segs {
		switch {
		case s.name == "":
			b.WriteString(s.lit)
		case s.quoted:
			b.WriteString(quoted)
		default:
			b.WriteString(bare)
		}
	}
	return b.String()
}

// quotedKey reports whether a quoted placeholder is part of an object key.
func (tm template) quotedKey() bool {
	var v any
	if json.Unmarshal([]byte(tm.probe("null", probeMarker)), &v) != nil {
		return false
	}
	return keyHas(v, probeMarker)
}

func keyHas(v any, mark string) bool {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if strings.Contains(k, mark) || keyHas(e, mark) {
				return true
			}
		}
	case []any:
		for _, e := range v {
			if keyHas(e, mark) {
				return true
			}
		}
	}
	return false
}

// check verifies that every placeholder names a variable of vars or a
// predefined one, and that the event-valued predefined variables appear
// only as JSON values.
func (tm template) check(vars map[string]string) error {
	for _, s := range tm.segs {
		if s.name == "" {
			continue
		}
		switch s.name {
		case varEvent, varEventJSON:
			if s.quoted || !tm.json {
				return fmt.Errorf("inputTemplate: <%s> may only be a JSON value, not inside a string or text", s.name)
			}
		case varRuleName, varRuleARN, varIngestionTime:
		default:
			if _, ok := vars[s.name]; !ok {
				return fmt.Errorf("inputTemplate: placeholder <%s> is not defined in inputPathsMap", s.name)
			}
		}
	}
	return nil
}

// render fills the template; lookup returns a variable's JSON value.
func (tm template) render(lookup func(name string) ([]byte, bool)) []byte {
	var b bytes.Buffer
	for _, s := range tm.segs {
		if s.name == "" {
			b.WriteString(s.lit)
			continue
		}
		v, ok := lookup(s.name)
		switch {
		case tm.json && !s.quoted && ok:
			b.Write(v)
		case tm.json && !s.quoted:
			b.WriteString("null")
		case tm.json && ok:
			b.WriteString(escapeInString(textOf(v)))
		case ok:
			b.WriteString(textOf(v))
		}
	}
	if tm.json {
		var c bytes.Buffer
		if json.Compact(&c, b.Bytes()) == nil {
			return c.Bytes()
		}
	}
	// Text, or a JSON template that an unchecked value broke: a JSON string.
	return marshalString(b.String())
}

// textOf is a JSON value's text: a string's contents, anything else as is.
func textOf(v []byte) string {
	if len(v) > 0 && v[0] == '"' {
		var s string
		if json.Unmarshal(v, &s) == nil {
			return s
		}
	}
	return string(v)
}

// escapeInString escapes s for use between a JSON string's quotes.
func escapeInString(s string) string {
	q := marshalString(s)
	return string(q[1 : len(q)-1])
}

// marshalString is s as a JSON string, with '<', '>' and '&' kept as is.
func marshalString(s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s) // a string always encodes
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}
