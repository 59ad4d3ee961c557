package pattern

import (
	"fmt"
	"math"
	"net/netip"
	"strconv"

	"github.com/verge-edge/verge/internal/glob"
)

// Compile validates a pattern (JSON) strictly and compiles it. Errors are
// *Error values naming the JSON path and the rule broken, e.g.
// `detail.total: numeric: expected [op, number] pairs`.
func Compile(pattern []byte) (*Pattern, error) {
	return CompileOptions(pattern, Options{})
}

// Options adapt Compile to another service's dialect of patterns (SNS
// filter policies); the zero value is EventBridge's.
type Options struct {
	// MaxSize is the largest pattern accepted, in bytes; 0 means
	// MaxPatternSize.
	MaxSize int
	// AnythingButEvery makes anything-but hold only when every leaf of
	// the field passes it (SNS on String.Array attributes: none of the
	// elements may be listed); EventBridge's rule is any leaf.
	AnythingButEvery bool
}

// CompileOptions is Compile with o's limits and semantics.
func CompileOptions(pattern []byte, o Options) (*Pattern, error) {
	max := o.MaxSize
	if max <= 0 {
		max = MaxPatternSize
	}
	if len(pattern) > max {
		return nil, errorAt("", fmt.Sprintf("pattern is %d bytes, the limit is %d", len(pattern), max))
	}
	root, err := parseJSON(pattern, MaxPatternDepth)
	if err != nil {
		return nil, errorAt("", err.Error())
	}
	if root.kind != kindObject {
		return nil, errorAt("", "pattern must be a JSON object")
	}
	p := &Pattern{}
	if err := compileObject(root, "", "", &p.root); err != nil {
		return nil, err
	}
	if o.AnythingButEvery {
		p.root.setEvery()
	}
	return p, nil
}

// setEvery marks g's anything-but conditions as every-leaf ones.
func (g *group) setEvery() {
	for i := range g.fields {
		for j := range g.fields[i].conds {
			c := &g.fields[i].conds[j]
			switch c.kind {
			case condButValues, condButPrefix, condButSuffix, condButFold, condButWildcard:
				c.every = true
			}
		}
	}
	for _, alts := range g.ors {
		for i := range alts {
			alts[i].setEvery()
		}
	}
}

// compileObject adds the members of obj to g. path is the event field path
// obj stands for and loc its place in the pattern (they differ inside
// "$or"), which errors report. A key given twice in one object keeps its
// last value, as EventBridge documents.
func compileObject(obj node, path, loc string, g *group) error {
	if len(obj.members) == 0 {
		return errorAt(loc, "empty object")
	}
	last := make(map[string]int, len(obj.members))
	for i, m := range obj.members {
		last[m.key] = i
	}
	for i, m := range obj.members {
		if last[m.key] != i {
			continue
		}
		if err := compileMember(m, path, loc, g); err != nil {
			return err
		}
	}
	return nil
}

func compileMember(m member, path, loc string, g *group) error {
	full, fullLoc := join(path, m.key), join(loc, m.key)
	switch {
	case m.key == orKey && isOr(m.val):
		alts := make([]group, len(m.val.elems))
		for i, el := range m.val.elems {
			if err := compileObject(el, path, fmt.Sprintf("%s[%d]", fullLoc, i), &alts[i]); err != nil {
				return err
			}
		}
		g.ors = append(g.ors, alts)
		return nil
	case m.val.kind == kindObject:
		return compileObject(m.val, full, fullLoc, g)
	case m.val.kind == kindArray:
		conds, err := compileValues(m.val.elems, fullLoc)
		if err != nil {
			return err
		}
		g.fields = append(g.fields, field{path: full, conds: conds})
		return nil
	}
	return errorAt(fullLoc, "expected an array of values or an object")
}

// isOr reports whether a "$or" value is an alternatives list: an array of
// at least two objects none of which uses an operator name as a key.
// Anything else leaves "$or" an ordinary field name (event-ruler README,
// "backward compatibility").
func isOr(v node) bool {
	if v.kind != kindArray || len(v.elems) < 2 {
		return false
	}
	for _, el := range v.elems {
		if el.kind != kindObject {
			return false
		}
		for _, m := range el.members {
			if isOperator(m.key) {
				return false
			}
		}
	}
	return true
}

func isOperator(key string) bool {
	switch key {
	case opAnythingBut, opCIDR, opEqualsIgnoreCase, opExists, opNumeric, opPrefix, opSuffix, opWildcard:
		return true
	}
	return false
}

func compileValues(elems []node, loc string) ([]cond, error) {
	if len(elems) == 0 {
		return nil, errorAt(loc, "empty array of values")
	}
	conds := make([]cond, 0, len(elems))
	for _, el := range elems {
		c, err := compileValue(el, loc)
		if err != nil {
			return nil, err
		}
		conds = append(conds, c)
	}
	return conds, nil
}

func compileValue(v node, loc string) (cond, error) {
	switch v.kind {
	case kindString:
		return cond{kind: condString, s: v.str}, nil
	case kindNumber:
		return cond{kind: condNumber, s: v.str}, nil
	case kindTrue:
		return cond{kind: condTrue}, nil
	case kindFalse:
		return cond{kind: condFalse}, nil
	case kindNull:
		return cond{kind: condNull}, nil
	case kindObject:
		return compileOperator(v, loc)
	}
	return cond{}, errorAt(loc, "nested arrays are not allowed in a value list")
}

func compileOperator(v node, loc string) (cond, error) {
	if len(v.members) != 1 {
		return cond{}, errorAt(loc, "an operator object must have exactly one key")
	}
	m := v.members[0]
	var c cond
	var rule string
	switch m.key {
	case opPrefix:
		c, rule = affix(m.val, condPrefix, condPrefixFold)
	case opSuffix:
		c, rule = affix(m.val, condSuffix, condSuffixFold)
	case opEqualsIgnoreCase:
		c, rule = stringCond(m.val, condEqualFold)
	case opWildcard:
		c, rule = wildcardCond(m.val)
	case opExists:
		c, rule = existsCond(m.val)
	case opCIDR:
		c, rule = cidrCond(m.val)
	case opNumeric:
		c, rule = numericCond(m.val)
	case opAnythingBut:
		c, rule = anythingBut(m.val)
	default:
		return cond{}, errorAt(loc, fmt.Sprintf("unknown operator %q", m.key))
	}
	if rule != "" {
		return cond{}, errorAt(loc, m.key+": "+rule)
	}
	return c, nil
}

// affix compiles prefix or suffix: a string, or {"equals-ignore-case": s}.
func affix(v node, plain, fold condKind) (cond, string) {
	const want = `expected a string or {"equals-ignore-case": string}`
	switch v.kind {
	case kindString:
		return cond{kind: plain, s: v.str}, ""
	case kindObject:
		if len(v.members) == 1 && v.members[0].key == opEqualsIgnoreCase && v.members[0].val.kind == kindString {
			return cond{kind: fold, s: v.members[0].val.str}, ""
		}
	}
	return cond{}, want
}

func stringCond(v node, k condKind) (cond, string) {
	if v.kind != kindString {
		return cond{}, "expected a string"
	}
	return cond{kind: k, s: v.str}, ""
}

func wildcardCond(v node) (cond, string) {
	if v.kind != kindString {
		return cond{}, "expected a string"
	}
	g, rule := parseGlob(v.str)
	if rule != "" {
		return cond{}, rule
	}
	return cond{kind: condWildcard, globs: []glob.Pattern{g}}, ""
}

func existsCond(v node) (cond, string) {
	switch v.kind {
	case kindTrue:
		return cond{kind: condExists, exists: true}, ""
	case kindFalse:
		return cond{kind: condExists, exists: false}, ""
	}
	return cond{}, "expected true or false"
}

// cidrCond accepts an IPv4 or IPv6 prefix ("10.0.0.0/24", "2001:db8::/32");
// host bits are ignored.
func cidrCond(v node) (cond, string) {
	if v.kind != kindString {
		return cond{}, "expected a string"
	}
	p, err := netip.ParsePrefix(v.str)
	if err != nil {
		return cond{}, fmt.Sprintf("invalid prefix %q", v.str)
	}
	return cond{kind: condCIDR, prefix: p.Masked()}, ""
}

// numericCond compiles [op, n] or [">"|">=", low, "<"|"<=", high].
func numericCond(v node) (cond, string) {
	const pairs = "expected [op, number] pairs"
	if v.kind != kindArray || (len(v.elems) != 2 && len(v.elems) != 4) {
		return cond{}, pairs
	}
	c := cond{kind: condNumeric, lo: math.Inf(-1), hi: math.Inf(1)}
	for i := 0; i < len(v.elems); i += 2 {
		opNode, numNode := v.elems[i], v.elems[i+1]
		if opNode.kind != kindString || numNode.kind != kindNumber {
			return cond{}, pairs
		}
		n, rule := boundedNumber(numNode.str)
		if rule != "" {
			return cond{}, rule
		}
		if rule := c.setBound(opNode.str, n, i, len(v.elems)); rule != "" {
			return cond{}, rule
		}
	}
	if c.lo > c.hi || (c.lo == c.hi && !(c.loIncl && c.hiIncl)) {
		return cond{}, "the low bound must be below the high bound"
	}
	return c, ""
}

// setBound applies the i-th operator of an n-element numeric list.
func (c *cond) setBound(op string, v float64, i, n int) string {
	switch op {
	case numEQ:
		if n != 2 {
			return `"=" cannot be part of a range`
		}
		c.lo, c.hi, c.loIncl, c.hiIncl = v, v, true, true
	case numGT, numGE:
		if i != 0 {
			return `a range is [">"|">=", low, "<"|"<=", high]`
		}
		c.lo, c.loIncl = v, op == numGE
	case numLT, numLE:
		if n == 4 && i != 2 {
			return `a range is [">"|">=", low, "<"|"<=", high]`
		}
		c.hi, c.hiIncl = v, op == numLE
	default:
		return fmt.Sprintf("unknown operator %q (want =, <, <=, >, >=)", op)
	}
	return ""
}

func boundedNumber(lit string) (float64, string) {
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil || f < -NumericLimit || f > NumericLimit {
		return 0, fmt.Sprintf("%s is outside [-5e9, 5e9]", lit)
	}
	return f, ""
}

// anythingBut compiles a string, a number, a list of only strings or only
// numbers, or one of the operator forms prefix, suffix (a single non-empty
// string, as the AWS docs state), equals-ignore-case and wildcard (a string
// or a list of strings).
func anythingBut(v node) (cond, string) {
	switch v.kind {
	case kindString, kindNumber:
		return butValues([]node{v})
	case kindArray:
		return butValues(v.elems)
	case kindObject:
		return butOperator(v)
	}
	return cond{}, "expected a string, a number, a list of strings or numbers, or an operator object"
}

func butValues(elems []node) (cond, string) {
	if len(elems) == 0 {
		return cond{}, "empty list"
	}
	c := cond{kind: condButValues}
	for _, el := range elems {
		switch el.kind {
		case kindString:
			c.strs = append(c.strs, el.str)
		case kindNumber:
			n, rule := boundedNumber(el.str)
			if rule != "" {
				return cond{}, rule
			}
			c.nums = append(c.nums, n)
		default:
			return cond{}, "a list must hold only strings or only numbers"
		}
	}
	if len(c.strs) > 0 && len(c.nums) > 0 {
		return cond{}, "a list must hold only strings or only numbers"
	}
	return c, ""
}

func butOperator(v node) (cond, string) {
	if len(v.members) != 1 {
		return cond{}, "an operator object must have exactly one key"
	}
	m := v.members[0]
	switch m.key {
	case opPrefix, opSuffix:
		if m.val.kind != kindString || m.val.str == "" {
			return cond{}, m.key + ": expected a non-empty string"
		}
		k := condButPrefix
		if m.key == opSuffix {
			k = condButSuffix
		}
		return cond{kind: k, strs: []string{m.val.str}}, ""
	case opEqualsIgnoreCase:
		strs, rule := stringList(m.val)
		if rule != "" {
			return cond{}, m.key + ": " + rule
		}
		return cond{kind: condButFold, strs: strs}, ""
	case opWildcard:
		return butWildcard(m.val)
	}
	return cond{}, fmt.Sprintf("unsupported operator %q (want prefix, suffix, equals-ignore-case or wildcard)", m.key)
}

func butWildcard(v node) (cond, string) {
	strs, rule := stringList(v)
	if rule != "" {
		return cond{}, opWildcard + ": " + rule
	}
	c := cond{kind: condButWildcard}
	for _, s := range strs {
		g, rule := parseGlob(s)
		if rule != "" {
			return cond{}, opWildcard + ": " + rule
		}
		c.globs = append(c.globs, g)
	}
	return c, ""
}

// stringList accepts a string or a non-empty list of strings.
func stringList(v node) ([]string, string) {
	if v.kind == kindString {
		return []string{v.str}, ""
	}
	if v.kind != kindArray || len(v.elems) == 0 {
		return nil, "expected a string or a non-empty list of strings"
	}
	out := make([]string, 0, len(v.elems))
	for _, el := range v.elems {
		if el.kind != kindString {
			return nil, "expected a string or a non-empty list of strings"
		}
		out = append(out, el.str)
	}
	return out, ""
}
