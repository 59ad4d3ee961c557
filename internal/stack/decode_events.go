package stack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// decodeNode converts any YAML value to JSON text, reporting at the
// offending node what JSON cannot hold.
func (j *JSON) decodeNode(d *decoder, n *yaml.Node, name string) bool {
	var b bytes.Buffer
	if !d.writeJSON(&b, n, name) {
		return false
	}
	*j = b.Bytes()
	return true
}

// writeJSON writes the dereferenced node n as JSON. Mappings keep the
// order their keys were written in.
func (d *decoder) writeJSON(b *bytes.Buffer, n *yaml.Node, name string) bool {
	switch n.Kind {
	case yaml.MappingNode:
		pairs, merged := d.pairs(n, name)
		ok := !merged
		b.WriteByte('{')
		for i, p := range pairs {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, p.key)
			b.WriteByte(':')
			ok = d.writeJSONChild(b, p.v, name+"."+p.key) && ok
		}
		b.WriteByte('}')
		return ok
	case yaml.SequenceNode:
		ok := true
		b.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				b.WriteByte(',')
			}
			ok = d.writeJSONChild(b, c, fmt.Sprintf("%s[%d]", name, i)) && ok
		}
		b.WriteByte(']')
		return ok
	case yaml.ScalarNode:
		return d.writeJSONScalar(b, n, name)
	}
	d.wrongType(n, name, "a YAML value")
	return false
}

// writeJSONChild follows aliases and checks tags before writing n.
func (d *decoder) writeJSONChild(b *bytes.Buffer, n *yaml.Node, name string) bool {
	if n = d.deref(n); n == nil {
		return false
	}
	return d.writeJSON(b, n, name)
}

// jsonNumber is a JSON number literal, which is kept as written:
// EventBridge compares numbers in patterns by their text.
var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

func (d *decoder) writeJSONScalar(b *bytes.Buffer, n *yaml.Node, name string) bool {
	switch n.ShortTag() {
	case "!!null":
		b.WriteString("null")
	case "!!bool":
		var v bool
		if n.Decode(&v) != nil {
			d.wrongType(n, name, "a YAML value")
			return false
		}
		b.WriteString(strconv.FormatBool(v))
	case "!!int", "!!float":
		return d.writeJSONNumber(b, n, name)
	default: // !!str, !!timestamp: the text as written
		if !d.scalar(n, name, "a YAML value") {
			return false
		}
		writeJSONString(b, n.Value)
	}
	return true
}

// writeJSONNumber writes a YAML number; forms JSON lacks (0x1F, +5, .5)
// are written in JSON's.
func (d *decoder) writeJSONNumber(b *bytes.Buffer, n *yaml.Node, name string) bool {
	if jsonNumber.MatchString(n.Value) {
		b.WriteString(n.Value)
		return true
	}
	var i int64
	if n.ShortTag() == "!!int" && n.Decode(&i) == nil {
		b.WriteString(strconv.FormatInt(i, 10))
		return true
	}
	var f float64
	if err := n.Decode(&f); err != nil {
		d.errorf(at(n), "%s: the number %s cannot be written in JSON", name, n.Value)
		return false
	}
	if math.IsInf(f, 0) || math.IsNaN(f) {
		d.errorf(at(n), "%s: %s cannot be written in JSON, which has no infinity or NaN", name, n.Value)
		return false
	}
	b.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
	return true
}

// writeJSONString writes s as a JSON string, without the HTML escapes of
// json.Marshal.
func writeJSONString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)           // a string always encodes
	b.Truncate(b.Len() - 1) // Encode's newline
}

// decodeNode decodes a mapping of variable names to JSON paths, recording
// where each name and path was written.
func (ps *InputPaths) decodeNode(d *decoder, n *yaml.Node, name string) bool {
	if isNull(n) {
		return true
	}
	if n.Kind != yaml.MappingNode {
		d.wrongType(n, name, "a mapping of variable names to JSON paths")
		return false
	}
	type entry struct {
		ip        InputPath
		key, path pos
	}
	var entries []entry
	pairs, _ := d.pairs(n, name)
	for _, p := range pairs {
		v := d.deref(p.v)
		if v == nil {
			continue
		}
		if s, ok := d.str(v, name+"."+p.key, "a JSON path such as $.detail"); ok {
			entries = append(entries, entry{InputPath{Name: p.key, Path: s}, at(p.k), at(p.v)})
		}
	}
	// Allocate once: the elements' addresses key their positions.
	*ps = make(InputPaths, len(entries))
	for i, e := range entries {
		(*ps)[i] = e.ip
		d.decoded[&(*ps)[i].Name] = e.key
		d.decoded[&(*ps)[i].Path] = e.path
	}
	return true
}

// Interface guards.
var (
	_ nodeDecoder = (*JSON)(nil)
	_ nodeDecoder = (*InputPaths)(nil)
)
