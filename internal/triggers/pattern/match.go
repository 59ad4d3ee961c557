package pattern

import (
	"net/netip"
	"strings"

	"github.com/verge-edge/verge/internal/glob"
)

// Pattern is a compiled event pattern. It is immutable and safe for
// concurrent use.
type Pattern struct {
	root group
}

// group is an AND of fields and of $or sets; a $or set holds alternative
// groups, one of which must match.
type group struct {
	fields []field
	ors    [][]group
}

// field lists the conditions on one path; one of them must hold.
type field struct {
	path  string
	conds []cond
}

// condKind says how a cond tests a field.
type condKind uint8

const (
	condString      condKind = iota + 1 // string leaf equal to s
	condNumber                          // number leaf whose literal text is s
	condTrue                            // true leaf
	condFalse                           // false leaf
	condNull                            // null leaf
	condPrefix                          // string leaf starting with s
	condPrefixFold                      // … ignoring case
	condSuffix                          // string leaf ending with s
	condSuffixFold                      // … ignoring case
	condEqualFold                       // string leaf equal to s ignoring case
	condWildcard                        // string leaf matching globs[0]
	condNumeric                         // number leaf within lo..hi
	condExists                          // field has (exists) or lacks (!exists) leaves
	condCIDR                            // string leaf holding an IP address in prefix
	condButValues                       // leaf not among strs / nums
	condButPrefix                       // string leaf starting with none of strs
	condButSuffix                       // string leaf ending with none of strs
	condButFold                         // string leaf equal to none of strs ignoring case
	condButWildcard                     // string leaf matching none of globs
)

// cond is one entry of a pattern's value list.
type cond struct {
	kind   condKind
	s      string
	strs   []string
	nums   []float64
	globs  []glob.Pattern
	lo, hi float64
	loIncl bool
	hiIncl bool
	exists bool
	// every: the condition must hold for every leaf (and there must be
	// one), not for any (Options.AnythingButEvery).
	every  bool
	prefix netip.Prefix
}

// Match reports whether the event (JSON) matches. Invalid event JSON, or a
// value that is not an object, does not match.
func (p *Pattern) Match(event []byte) bool {
	e, err := Flatten(event)
	if err != nil {
		return false
	}
	return p.MatchEvent(e)
}

// MatchEvent reports whether the flattened event matches. It does not
// allocate.
func (p *Pattern) MatchEvent(e *Event) bool {
	return p.root.match(e)
}

func (g *group) match(e *Event) bool {
	for i := range g.fields {
		f := &g.fields[i]
		if !f.match(e.fields[f.path]) {
			return false
		}
	}
	for _, alts := range g.ors {
		if !anyMatch(alts, e) {
			return false
		}
	}
	return true
}

func anyMatch(alts []group, e *Event) bool {
	for i := range alts {
		if alts[i].match(e) {
			return true
		}
	}
	return false
}

func (f *field) match(leaves []leaf) bool {
	for i := range f.conds {
		c := &f.conds[i]
		if c.kind == condExists {
			if (len(leaves) > 0) == c.exists {
				return true
			}
			continue
		}
		if c.every {
			if len(leaves) > 0 && c.matchAll(leaves) {
				return true
			}
			continue
		}
		for j := range leaves {
			if c.match(&leaves[j]) {
				return true
			}
		}
	}
	return false
}

func (c *cond) matchAll(leaves []leaf) bool {
	for j := range leaves {
		if !c.match(&leaves[j]) {
			return false
		}
	}
	return true
}

// match tests one leaf. Conditions on strings never match other kinds,
// and numeric conditions only match JSON numbers.
func (c *cond) match(l *leaf) bool {
	switch c.kind {
	case condNumber:
		return l.kind == kindNumber && l.str == c.s
	case condTrue:
		return l.kind == kindTrue
	case condFalse:
		return l.kind == kindFalse
	case condNull:
		return l.kind == kindNull
	case condNumeric:
		return l.kind == kindNumber && c.inRange(l.num)
	case condButValues:
		return c.notAmongValues(l)
	}
	if l.kind != kindString {
		return false
	}
	return c.matchString(l.str)
}

func (c *cond) matchString(s string) bool {
	switch c.kind {
	case condString:
		return s == c.s
	case condPrefix:
		return strings.HasPrefix(s, c.s)
	case condPrefixFold:
		return glob.HasPrefixFold(s, c.s)
	case condSuffix:
		return strings.HasSuffix(s, c.s)
	case condSuffixFold:
		return glob.HasSuffixFold(s, c.s)
	case condEqualFold:
		return strings.EqualFold(s, c.s)
	case condWildcard:
		return c.globs[0].Match(s)
	case condCIDR:
		a, err := netip.ParseAddr(s)
		return err == nil && c.prefix.Contains(a.Unmap())
	case condButPrefix:
		return !anyString(c.strs, s, strings.HasPrefix)
	case condButSuffix:
		return !anyString(c.strs, s, strings.HasSuffix)
	case condButFold:
		return !anyString(c.strs, s, strings.EqualFold)
	case condButWildcard:
		for i := range c.globs {
			if c.globs[i].Match(s) {
				return false
			}
		}
		return true
	}
	return false
}

func anyString(list []string, s string, test func(s, t string) bool) bool {
	for _, t := range list {
		if test(s, t) {
			return true
		}
	}
	return false
}

func (c *cond) inRange(v float64) bool {
	if v < c.lo || (v == c.lo && !c.loIncl) {
		return false
	}
	return v < c.hi || (v == c.hi && c.hiIncl)
}

// notAmongValues: anything-but with values excludes the listed strings (or
// numbers, compared by value); every other leaf, of any type, matches.
func (c *cond) notAmongValues(l *leaf) bool {
	switch l.kind {
	case kindString:
		for _, s := range c.strs {
			if l.str == s {
				return false
			}
		}
	case kindNumber:
		for _, n := range c.nums {
			if l.num == n {
				return false
			}
		}
	}
	return true
}

// Exact returns the strings the pattern requires at path when a top-level
// condition (outside any $or) lists only exact strings there, e.g.
// Exact("source") for {"source": ["aws.ec2"], …}. A bus can use it to
// index rules by source or detail-type and test only the candidates; ok is
// false when no such condition exists, and the rule must always be tested.
func (p *Pattern) Exact(path string) (values []string, ok bool) {
outer:
	for _, f := range p.root.fields {
		if f.path != path {
			continue
		}
		values = values[:0]
		for _, c := range f.conds {
			if c.kind != condString {
				continue outer
			}
			values = append(values, c.s)
		}
		return values, true
	}
	return nil, false
}
