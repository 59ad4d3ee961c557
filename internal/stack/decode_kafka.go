package stack

import (
	"math"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// decodeNode decodes a number of seconds: a YAML integer or float.
func (s *Seconds) decodeNode(d *decoder, n *yaml.Node, name string) bool {
	const want = "a number of seconds"
	if !d.scalar(n, name, want) {
		return false
	}
	if tag := n.ShortTag(); tag != "!!int" && tag != "!!float" {
		d.wrongType(n, name, want)
		return false
	}
	var f float64
	if err := n.Decode(&f); err != nil {
		v, perr := strconv.ParseFloat(n.Value, 64)
		if perr != nil {
			d.wrongType(n, name, want)
			return false
		}
		f = v
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		d.wrongType(n, name, want)
		return false
	}
	*s = Seconds(f)
	return true
}

func (a *KafkaAuthentication) newProperties(d *decoder) (any, string) {
	p, ok := d.pos(&a.Type)
	if !ok {
		return nil, ""
	}
	return kafkaAuthTypes.newProperties(d, a.Type, p), "properties of authentication " + a.Type
}

// Interface guards.
var (
	_ nodeDecoder = (*Seconds)(nil)
	_ typed       = (*KafkaAuthentication)(nil)
)
