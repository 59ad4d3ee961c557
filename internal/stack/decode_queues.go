package stack

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// logicalID is what a cloudformationResources key may be: CloudFormation's
// rule for logical ids.
var logicalID = regexp.MustCompile(`^[A-Za-z0-9]{1,255}$`)

func (cs *CfResources) decodeNode(d *decoder, n *yaml.Node, name string) bool {
	if isNull(n) {
		return true
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(at(n), "%s must be a mapping of logical ids to CloudFormation resources, found %s", name, describe(n))
		return false
	}
	pairs, _ := d.pairs(n, name)
	for _, kv := range pairs {
		if !logicalID.MatchString(kv.key) {
			d.errorf(at(kv.k), "logical id %q must be letters and digits, at most 255 (CloudFormation's rule)", kv.key)
		}
		c := &CfResource{Name: kv.key}
		d.decode(kv.v, reflect.ValueOf(c).Elem(), fmt.Sprintf("cloudformationResources %q", kv.key))
		*cs = append(*cs, c)
	}
	return true
}

func (c *CfResource) newProperties(d *decoder) (any, string) {
	p, ok := d.pos(&c.Type)
	if !ok {
		return nil, ""
	}
	name := fmt.Sprintf("Properties of %s %q", c.Type, c.Name)
	if _, ok := cfTypes.supported[c.Type]; ok || !strings.HasPrefix(c.Type, "AWS::") || slices.Contains(cfTypes.planned, c.Type) ||
		didYouMean(c.Type, cfTypes.names()) != "" {
		return cfTypes.newProperties(d, c.Type, p), name
	}
	// A real CloudFormation type is not a typo: say that Verge does not
	// run it rather than suggest another.
	d.errorf(p, "CloudFormation type %q is not supported: Verge runs %s", c.Type, strings.Join(cfTypes.names(), ", "))
	return nil, ""
}

// decodeNode decodes a Template, or CloudFormation's {Fn::GetAtt: [name,
// attribute]}, {Fn::GetAtt: name.attribute} or {Ref: name}, which it
// writes as $CfResourceParam('name', 'attribute' or 'Ref').
func (c *CfString) decodeNode(d *decoder, n *yaml.Node, name string) bool {
	if n.Kind != yaml.MappingNode {
		ok := c.Template.decodeNode(d, n, name)
		if ok {
			d.decoded[&c.Template] = at(n)
		}
		return ok
	}
	const want = "a string, {Fn::GetAtt: [name, attribute]} or {Ref: name}"
	pairs, _ := d.pairs(n, name)
	if len(pairs) != 1 {
		d.wrongType(n, name, want)
		return false
	}
	fn, v := pairs[0].key, d.deref(pairs[0].v)
	if v == nil {
		return false
	}
	var args []string
	switch fn {
	case "Ref":
		s, ok := d.str(v, name+".Ref", "a logical id")
		if !ok {
			return false
		}
		args = []string{s, "Ref"}
	case "Fn::GetAtt":
		switch v.Kind {
		case yaml.ScalarNode:
			s, ok := d.str(v, name+".Fn::GetAtt", "name.attribute or [name, attribute]")
			if !ok {
				return false
			}
			res, attr, found := strings.Cut(s, ".")
			if !found {
				d.errorf(at(v), "%s.Fn::GetAtt must be name.attribute or [name, attribute], found %q", name, s)
				return false
			}
			args = []string{res, attr}
		case yaml.SequenceNode:
			for i, e := range v.Content {
				if e = d.deref(e); e == nil {
					return false
				}
				s, ok := d.str(e, fmt.Sprintf("%s.Fn::GetAtt[%d]", name, i), "a string")
				if !ok {
					return false
				}
				args = append(args, s)
			}
			if len(args) != 2 {
				d.errorf(at(v), "%s.Fn::GetAtt must list a logical id and an attribute, found %d values", name, len(args))
				return false
			}
		default:
			d.wrongType(v, name+".Fn::GetAtt", "name.attribute or [name, attribute]")
			return false
		}
	default:
		d.errorf(at(pairs[0].k), "%s: %s is not supported; write a string, {Fn::GetAtt: [name, attribute]} or {Ref: name}", name, fn)
		return false
	}
	for _, a := range args {
		if strings.ContainsAny(a, `'"`) || strings.TrimSpace(a) == "" {
			d.errorf(at(v), "%s: %s takes a logical id and an attribute, found %q", name, fn, a)
			return false
		}
	}
	c.Template = Template(fmt.Sprintf("$%s('%s', '%s')", directiveCfResourceParam, args[0], args[1]))
	d.decoded[&c.Template] = at(n)
	return true
}

// Interface guards.
var (
	_ nodeDecoder = (*CfResources)(nil)
	_ nodeDecoder = (*CfString)(nil)
	_ typed       = (*CfResource)(nil)
)
