package stack

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/verge-edge/verge/internal/suggest"
)

// pos is a position in the stack file, 1-based.
type pos struct{ line, col int }

func at(n *yaml.Node) pos { return pos{n.Line, n.Column} }

// before reports whether p comes before q in the file.
func (p pos) before(q pos) bool { return p.line < q.line || p.line == q.line && p.col < q.col }

// A problem is one thing wrong with the stack file.
type problem struct {
	pos
	msg string
}

// maxNodes bounds the nodes one decode visits, so that aliases cannot make
// a small file expensive to walk (the "billion laughs").
const maxNodes = 100_000

// A decoder walks a YAML tree against the schema structs, filling them in and
// collecting problems instead of stopping at the first.
type decoder struct {
	problems []problem
	// warnings are things the stack says that Verge ignores.
	warnings []problem
	// decoded maps a pointer to a schema value (a field, a list element) to
	// where it was written, for the values that decoded without error.
	// Validation reads only these, so one mistake is reported once.
	decoded map[any]pos
	// keys maps a pointer to a field to where its key was written, even if
	// the value was bad.
	keys    map[any]pos
	visited int
	tooBig  bool
}

func newDecoder() *decoder {
	return &decoder{decoded: map[any]pos{}, keys: map[any]pos{}}
}

func (d *decoder) errorf(p pos, format string, args ...any) {
	d.problems = append(d.problems, problem{p, fmt.Sprintf(format, args...)})
}

func (d *decoder) warnf(p pos, format string, args ...any) {
	d.warnings = append(d.warnings, problem{p, fmt.Sprintf(format, args...)})
}

// pos returns where the value ptr points to was written, if it decoded.
func (d *decoder) pos(ptr any) (pos, bool) {
	p, ok := d.decoded[ptr]
	return p, ok
}

// key returns where the key of the field ptr points to was written, if it was.
func (d *decoder) key(ptr any) (pos, bool) {
	p, ok := d.keys[ptr]
	return p, ok
}

// nodeDecoder is implemented by schema types whose YAML shape is not a plain
// mapping of their fields (a scalar shorthand, a mapping of names). n has
// been dereferenced.
type nodeDecoder interface {
	decodeNode(d *decoder, n *yaml.Node, name string) bool
}

// typed is implemented by schema structs with a field of interface type
// whose schema depends on another field (type and properties). The struct's
// other fields are decoded first, whatever the key order.
type typed interface {
	// newProperties returns a pointer to an empty properties struct for the
	// decoded type and how to name it in messages, or nil when the type is
	// missing or unsupported (already reported).
	newProperties(d *decoder) (props any, name string)
}

// decode decodes n into v, which is named name in messages. It reports
// whether n had the right shape for v; problems inside v's fields do not
// make it false.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, name string) bool {
	written := at(n)
	if n = d.deref(n); n == nil {
		return false
	}
	return d.decodeDeref(n, written, v, name)
}

// decodeDeref decodes the dereferenced node n, recording v as written at
// written: where an alias is used rather than where its anchor is, so that
// checks across values point at the use.
func (d *decoder) decodeDeref(n *yaml.Node, written pos, v reflect.Value, name string) bool {
	var ok bool
	if nd, isND := v.Addr().Interface().(nodeDecoder); isND {
		ok = nd.decodeNode(d, n, name)
	} else {
		ok = d.decodeKind(n, written, v, name)
	}
	if ok {
		d.decoded[v.Addr().Interface()] = written
	}
	return ok
}

func (d *decoder) decodeKind(n *yaml.Node, written pos, v reflect.Value, name string) bool {
	switch v.Kind() {
	case reflect.Pointer:
		elem := reflect.New(v.Type().Elem())
		if !d.decodeDeref(n, written, elem.Elem(), name) {
			return false
		}
		v.Set(elem)
		return true
	case reflect.Struct:
		return d.decodeStruct(n, v, name)
	case reflect.Slice:
		return d.decodeSlice(n, v, name)
	case reflect.Map:
		return d.decodeStringMap(n, v, name)
	case reflect.String:
		s, ok := d.str(n, name, "a string")
		v.SetString(s)
		return ok
	case reflect.Bool:
		return d.decodeBool(n, v, name)
	case reflect.Int, reflect.Int64:
		return d.decodeInt(n, v, name)
	}
	panic(fmt.Sprintf("stack: schema field %s has unsupported type %s", name, v.Type()))
}

// deref follows aliases and rejects tags the schema has no use for. It
// returns nil after reporting a problem.
func (d *decoder) deref(n *yaml.Node) *yaml.Node {
	if d.tooBig {
		return nil
	}
	for i := 0; n.Kind == yaml.AliasNode; i++ {
		if n.Alias == nil || i > 100 {
			d.errorf(at(n), "alias *%s does not resolve", n.Value)
			return nil
		}
		n = n.Alias
	}
	if d.visited++; d.visited > maxNodes {
		d.tooBig = true
		d.errorf(at(n), "the stack file is too large: its aliases expand to more than %d values", maxNodes)
		return nil
	}
	switch tag := n.ShortTag(); tag {
	case "!!str", "!!int", "!!bool", "!!float", "!!null", "!!timestamp", "!!map", "!!seq", "!!merge":
	default:
		hint := ""
		if !strings.HasPrefix(tag, "!!") {
			hint = " (Verge has no CloudFormation tags; references will be directives such as $ResourceParam(...))"
		}
		d.errorf(at(n), "YAML tag %s is not supported%s", tag, hint)
		return nil
	}
	return n
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

// A pair is a key and its value in a mapping.
type pair struct {
	key  string
	k, v *yaml.Node
}

// pairs returns the entries of mapping n, reporting and dropping merge
// keys, keys that are not strings and duplicate keys; merged says whether
// there was a merge key.
func (d *decoder) pairs(n *yaml.Node, name string) (out []pair, merged bool) {
	first := map[string]pos{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		written := at(k)
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			d.errorf(written, `merge keys ("<<") are not supported in %s; write the properties out, or alias a whole value with *name`, name)
			merged = true
			continue
		}
		if k = d.deref(k); k == nil {
			continue
		}
		if k.Kind != yaml.ScalarNode {
			d.errorf(written, "keys in %s must be names, found %s", name, describe(k))
			continue
		}
		if p, dup := first[k.Value]; dup {
			d.errorf(written, "duplicate key %q in %s (first at line %d)", k.Value, name, p.line)
			continue
		}
		first[k.Value] = written
		out = append(out, pair{k.Value, k, v})
	}
	return out, merged
}

// decodeStruct decodes a mapping into a schema struct: its keys are the
// fields' yaml tags, no others.
func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, name string) bool {
	if isNull(n) {
		// An empty value ("cdn:" with nothing after it) is an empty mapping,
		// so that commenting out every entry is not an error.
		n = &yaml.Node{Kind: yaml.MappingNode, Line: n.Line, Column: n.Column}
	}
	if n.Kind != yaml.MappingNode {
		d.wrongType(n, name, "a mapping")
		return false
	}
	s := schemaOf(v.Type())
	seen := map[string]*yaml.Node{}
	pairs, merged := d.pairs(n, name)
	suggested := map[string]bool{} // for unknown keys, so a typo is one problem
	for _, kv := range pairs {
		f := s.field(kv.key)
		if f == nil {
			suggested[d.unknownKey(at(kv.k), kv.key, name, s.names)] = true
			continue
		}
		seen[f.name] = kv.v
		fv := v.Field(f.index)
		d.keys[fv.Addr().Interface()] = at(kv.k)
		if fv.Kind() != reflect.Interface {
			d.decode(kv.v, fv, f.name)
		}
	}
	for _, f := range s.fields {
		if _, ok := seen[f.name]; f.required && !ok && !merged && !suggested[f.name] {
			d.errorf(at(n), "missing required property %q in %s", f.name, name)
		}
	}
	for _, f := range s.fields {
		if v.Field(f.index).Kind() == reflect.Interface {
			d.decodeProperties(n, v, f, seen[f.name])
		}
	}
	return true
}

// decodeProperties decodes the interface field f of the typed struct v from
// pn, or from an empty mapping when the key is absent so that required
// properties are still reported.
func (d *decoder) decodeProperties(n *yaml.Node, v reflect.Value, f fieldInfo, pn *yaml.Node) {
	t, ok := v.Addr().Interface().(typed)
	if !ok {
		panic(fmt.Sprintf("stack: %s has an interface field but is not typed", v.Type()))
	}
	props, name := t.newProperties(d)
	if props == nil {
		return
	}
	if pn == nil {
		pn = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: n.Line, Column: n.Column}
	}
	if d.decode(pn, reflect.ValueOf(props).Elem(), name) {
		v.Field(f.index).Set(reflect.ValueOf(props))
	}
}

func (d *decoder) decodeSlice(n *yaml.Node, v reflect.Value, name string) bool {
	if isNull(n) {
		v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		return true
	}
	if n.Kind != yaml.SequenceNode {
		d.wrongType(n, name, "a list")
		return false
	}
	// Make the slice at its final length first: the elements' addresses
	// key their positions, so they must not move.
	v.Set(reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content)))
	for i, c := range n.Content {
		d.decode(c, v.Index(i), fmt.Sprintf("%s[%d]", name, i))
	}
	return true
}

// decodeStringMap decodes a mapping of names to strings (map[string]string),
// such as a key-value-store's inline data.
func (d *decoder) decodeStringMap(n *yaml.Node, v reflect.Value, name string) bool {
	if v.Type().Key().Kind() != reflect.String || v.Type().Elem().Kind() != reflect.String {
		panic(fmt.Sprintf("stack: schema field %s has unsupported type %s", name, v.Type()))
	}
	m := reflect.MakeMap(v.Type())
	v.Set(m)
	if isNull(n) {
		return true
	}
	if n.Kind != yaml.MappingNode {
		d.wrongType(n, name, "a mapping")
		return false
	}
	ps, _ := d.pairs(n, name)
	for _, p := range ps {
		val := d.deref(p.v)
		if val == nil {
			continue
		}
		if s, ok := d.str(val, name+"."+p.key, "a string"); ok {
			m.SetMapIndex(reflect.ValueOf(p.key), reflect.ValueOf(s))
		}
	}
	return true
}

// scalar reports whether n is a scalar that holds no directive: only a
// Template may hold one.
func (d *decoder) scalar(n *yaml.Node, name, want string) bool {
	if n.Kind != yaml.ScalarNode {
		d.wrongType(n, name, want)
		return false
	}
	if m := directive.FindStringSubmatch(n.Value); m != nil && n.ShortTag() == "!!str" {
		if _, ok := directiveUsage[m[1]]; ok {
			d.errorf(at(n), "%s uses the directive $%s(...), which works only in function environment values, customHeaders values, iamRoleStatements Resource and ARN properties (destinations, eventBusArn, sqsQueueArn, snsTopicArn, ...)", name, m[1])
		} else {
			d.errorf(at(n), "%s uses the directive $%s(...), which is not supported yet", name, m[1])
		}
		return false
	}
	return true
}

// str decodes a string; want describes the expected value for messages.
func (d *decoder) str(n *yaml.Node, name, want string) (string, bool) {
	if !d.scalar(n, name, want) {
		return "", false
	}
	return d.strValue(n, name, want)
}

// strValue returns the string scalar n holds, reporting another type.
func (d *decoder) strValue(n *yaml.Node, name, want string) (string, bool) {
	switch n.ShortTag() {
	case "!!str", "!!timestamp":
		return n.Value, true
	case "!!null":
		d.wrongType(n, name, want)
	default:
		d.errorf(at(n), "%s must be %s, found %s (quote it to make it a string)", name, want, describe(n))
	}
	return "", false
}

func (d *decoder) decodeBool(n *yaml.Node, v reflect.Value, name string) bool {
	if !d.scalar(n, name, "true or false") {
		return false
	}
	var b bool
	if n.ShortTag() != "!!bool" || n.Decode(&b) != nil {
		d.wrongType(n, name, "true or false")
		return false
	}
	v.SetBool(b)
	return true
}

func (d *decoder) decodeInt(n *yaml.Node, v reflect.Value, name string) bool {
	if !d.scalar(n, name, "an integer") {
		return false
	}
	var i int64
	if n.ShortTag() != "!!int" || n.Decode(&i) != nil || v.OverflowInt(i) {
		d.wrongType(n, name, "an integer")
		return false
	}
	v.SetInt(i)
	return true
}

func (d *decoder) wrongType(n *yaml.Node, name, want string) {
	d.errorf(at(n), "%s must be %s, found %s", name, want, describe(n))
}

// unknownKey reports key as not allowed in name, suggesting the nearest
// allowed one, which it returns.
func (d *decoder) unknownKey(p pos, key, name string, allowed []string) string {
	s := suggest.Nearest(key, allowed)
	hint := ""
	if s != "" {
		hint = fmt.Sprintf("did you mean %q? ", s)
	}
	d.errorf(p, "unknown property %q in %s (%sallowed: %s)", key, name, hint, strings.Join(allowed, ", "))
	return s
}

// didYouMean returns `did you mean "x"? ` for the candidate nearest to s,
// or "" when none is near.
func didYouMean(s string, candidates []string) string {
	if c := suggest.Nearest(s, candidates); c != "" {
		return fmt.Sprintf("did you mean %q? ", c)
	}
	return ""
}

// describe says what n is, for messages: "a list", `the string "x"`.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
	default:
		return "a YAML node"
	}
	v := n.Value
	if len(v) > 40 {
		v = v[:37] + "..."
	}
	switch n.ShortTag() {
	case "!!null":
		return "an empty value"
	case "!!int":
		return "the integer " + v
	case "!!float":
		return "the number " + v
	case "!!bool":
		return "the boolean " + v
	case "!!timestamp":
		return "the date " + v
	}
	return fmt.Sprintf("the string %q", v)
}

// A fieldInfo describes one key of a schema struct.
type fieldInfo struct {
	name     string
	index    int
	required bool
}

// A schemaInfo is the keys of a schema struct, in field order.
type schemaInfo struct {
	fields []fieldInfo
	names  []string // the keys messages list as allowed
}

func (s *schemaInfo) field(name string) *fieldInfo {
	for i := range s.fields {
		if s.fields[i].name == name {
			return &s.fields[i]
		}
	}
	return nil
}

var schemas sync.Map // reflect.Type → *schemaInfo

// rejectedType is not listed among the allowed keys: it never is.
var rejectedType = reflect.TypeFor[Rejected]()

// schemaOf reads the keys of struct type t from its yaml tags; fields
// tagged "-" or untagged are not keys.
func schemaOf(t reflect.Type) *schemaInfo {
	if s, ok := schemas.Load(t); ok {
		return s.(*schemaInfo)
	}
	s := &schemaInfo{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		s.fields = append(s.fields, fieldInfo{name: name, index: i, required: f.Tag.Get("verge") == "required"})
		if f.Type != rejectedType {
			s.names = append(s.names, name)
		}
	}
	schemas.Store(t, s)
	return s
}

// A typeSet is the types a typed object may have, each with a constructor
// for its properties.
type typeSet struct {
	what      string // "resource type"
	supported map[string]func() any
	planned   []string // known, not supported yet
}

func (ts *typeSet) names() []string {
	names := make([]string, 0, len(ts.supported))
	for n := range ts.supported {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// newProperties returns empty properties for typ, or nil after reporting
// at p why typ has none.
func (ts *typeSet) newProperties(d *decoder, typ string, p pos) any {
	if f, ok := ts.supported[typ]; ok {
		return f()
	}
	names := ts.names()
	list := strings.Join(names, ", ")
	if slices.Contains(ts.planned, typ) {
		d.errorf(p, "%s %q is not supported yet (supported: %s)", ts.what, typ, list)
		return nil
	}
	d.errorf(p, "unknown %s %q (%ssupported: %s)", ts.what, typ, didYouMean(typ, append(names, ts.planned...)), list)
	return nil
}

func (r *Resource) newProperties(d *decoder) (any, string) {
	p, ok := d.pos(&r.Type)
	if !ok {
		return nil, ""
	}
	return resourceTypes.newProperties(d, r.Type, p), fmt.Sprintf("properties of %s %q", r.Type, r.Name)
}

func (r *RouteTo) newProperties(d *decoder) (any, string) {
	p, ok := d.pos(&r.Type)
	if !ok {
		return nil, ""
	}
	return routeTypes.newProperties(d, r.Type, p), fmt.Sprintf("properties of routeTo %s", r.Type)
}

func (pk *Packaging) newProperties(d *decoder) (any, string) {
	p, ok := d.pos(&pk.Type)
	if !ok {
		return nil, ""
	}
	return packagingTypes.newProperties(d, pk.Type, p), fmt.Sprintf("properties of packaging %s", pk.Type)
}

// resourceName is what a resource may be called: it is also a hostname label.
var resourceName = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9]{0,62}$`)

func (rs *Resources) decodeNode(d *decoder, n *yaml.Node, name string) bool {
	if n.Kind != yaml.MappingNode {
		d.errorf(at(n), "%s must be a mapping of resource names to resources, found %s", name, describe(n))
		return false
	}
	byLower := map[string]pair{}
	pairs, _ := d.pairs(n, name)
	for _, kv := range pairs {
		key, p := kv.key, at(kv.k)
		lower := strings.ToLower(key)
		switch prev, clash := byLower[lower]; {
		case !resourceName.MatchString(key):
			d.errorf(p, "resource name %q must be letters and digits starting with a letter, at most 63 characters (it is a hostname)", key)
		case clash:
			d.errorf(p, "resource name %q differs from %q (line %d) only in case; names are hostnames, so they must differ in more than case", key, prev.key, prev.k.Line)
		default:
			byLower[lower] = kv
		}
		r := &Resource{Name: key}
		d.decode(kv.v, reflect.ValueOf(r).Elem(), fmt.Sprintf("resource %q", key))
		*rs = append(*rs, r)
	}
	return true
}

func (q *QueryStrings) decodeNode(d *decoder, n *yaml.Node, name string) bool {
	const want = "none, all or {allowList: [names]}"
	if n.Kind == yaml.MappingNode {
		q.Mode = KeyAllowList
		return d.decodeStruct(n, reflect.ValueOf(q).Elem(), name)
	}
	s, ok := d.str(n, name, want)
	if !ok {
		return false
	}
	switch KeyMode(s) {
	case KeyNone, KeyAll:
		q.Mode = KeyMode(s)
		return true
	}
	d.errorf(at(n), "%s must be %s, found %q%s", name, want, s, parenthesized(didYouMean(s, []string{"none", "all"})))
	return false
}

// parenthesized wraps a didYouMean hint in parentheses, if any.
func parenthesized(hint string) string {
	if hint == "" {
		return ""
	}
	return " (" + strings.TrimSpace(hint) + ")"
}

func (a *FunctionAssociation) decodeNode(d *decoder, n *yaml.Node, name string) bool {
	if n.Kind == yaml.MappingNode {
		return d.decodeStruct(n, reflect.ValueOf(a).Elem(), name)
	}
	s, ok := d.str(n, name, "a function name or {function: NAME, includeBody: true}")
	if ok {
		a.Function = s
		d.decoded[&a.Function] = at(n)
	}
	return ok
}

// Interface guards.
var (
	_ nodeDecoder = (*Resources)(nil)
	_ nodeDecoder = (*QueryStrings)(nil)
	_ nodeDecoder = (*FunctionAssociation)(nil)
	_ typed       = (*Resource)(nil)
	_ typed       = (*RouteTo)(nil)
	_ typed       = (*Packaging)(nil)
)
