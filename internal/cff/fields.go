package cff

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/verge-edge/verge/internal/cfheader"
)

// entry is one value of a query-string parameter, header or cookie.
type entry struct {
	value string
	// attrs are a response cookie's attributes: what follows the first ";"
	// of its Set-Cookie line.
	attrs string
	// raw is the value as it came in over HTTP: a header value, a query
	// segment, a cookie pair or a Set-Cookie line; orig says it is set. An
	// unchanged value goes out as raw, byte for byte (specs §2.3).
	raw  string
	orig bool
}

func (e entry) same(f entry) bool { return e.value == f.value && e.attrs == f.attrs }

func sameEntries(a, b []entry) bool { return slices.EqualFunc(a, b, entry.same) }

// field is a query-string parameter, header or cookie with its values in
// order. The event shows the first as "value" and, when there are several,
// all of them as "multiValue".
type field struct {
	name string
	vals []entry
}

// fields are the fields of one querystring, headers or cookies object, in
// order of first appearance.
type fields struct {
	list []field
	// at indexes list by name once it holds indexAt fields.
	at map[string]int
	// ents backs the first value of each field, to allocate them together.
	ents []entry
}

// indexAt is the number of fields from which fields keeps an index: below
// it a linear search is faster than a map and allocates nothing.
const indexAt = 16

func (fs *fields) add(name string, e entry) {
	if i, ok := fs.find(name); ok {
		fs.list[i].vals = append(fs.list[i].vals, e)
		return
	}
	if len(fs.ents) == cap(fs.ents) {
		fs.ents = make([]entry, 0, 8)
	}
	fs.ents = append(fs.ents, e)
	n := len(fs.ents)
	// Capped at one, so that a second value reallocates and never writes
	// over the next field's.
	fs.list = append(fs.list, field{name: name, vals: fs.ents[n-1 : n : n]})
	switch n := len(fs.list); {
	case n == indexAt:
		fs.at = make(map[string]int, 2*indexAt)
		for i, f := range fs.list {
			fs.at[f.name] = i
		}
	case n > indexAt:
		fs.at[name] = n - 1
	}
}

// find returns the index of the field name in fs.list.
func (fs *fields) find(name string) (int, bool) {
	if fs.at != nil {
		i, ok := fs.at[name]
		return i, ok
	}
	for i := range fs.list {
		if fs.list[i].name == name {
			return i, true
		}
	}
	return 0, false
}

// get returns the values of the field name, nil if there is none. fs may
// be nil.
func (fs *fields) get(name string) []entry {
	if fs == nil {
		return nil
	}
	if i, ok := fs.find(name); ok {
		return fs.list[i].vals
	}
	return nil
}

func (fs *fields) len() int {
	if fs == nil {
		return 0
	}
	return len(fs.list)
}

// same reports whether list holds exactly the fields of fs with the same
// values, in any order of names.
func (fs *fields) same(list []field) bool {
	if len(list) != fs.len() {
		return false
	}
	for _, f := range list {
		if orig := fs.get(f.name); orig == nil || !sameEntries(orig, f.vals) {
			return false
		}
	}
	return true
}

// parseQuery splits a raw query string into parameters. Names and values
// stay percent-encoded, as CloudFront passes them; a parameter without "="
// has the value "".
func parseQuery(q string) *fields {
	fs := new(fields)
	for seg := range strings.SplitSeq(q, "&") {
		if seg == "" {
			continue
		}
		name, value, _ := strings.Cut(seg, "=")
		fs.add(cfheader.ToUTF8(name), entry{value: cfheader.ToUTF8(value), raw: seg, orig: true})
	}
	return fs
}

// splitHeader sorts h into the headers functions see (lowercase names, in
// sorted order), the disallowed ones they don't (kept aside to be put back),
// and the values of the cookie header (Cookie or Set-Cookie, by lowercase
// name), which the event shows as cookies.
func splitHeader(h http.Header, cookie string) (visible *fields, hidden http.Header, cookieLines []string) {
	visible = new(fields)
	// Lowercase each name once, not in every comparison of the sort.
	var buf [16]namePair
	keys := buf[:0]
	for k := range h {
		keys = append(keys, namePair{lower: lowerASCII(k), key: k})
	}
	slices.SortFunc(keys, func(a, b namePair) int {
		if c := strings.Compare(a.lower, b.lower); c != 0 {
			return c
		}
		return strings.Compare(a.key, b.key)
	})
	for _, p := range keys {
		switch {
		case p.lower == cookie:
			cookieLines = append(cookieLines, h[p.key]...)
		case cfheader.Disallowed(p.lower):
			if hidden == nil {
				hidden = make(http.Header)
			}
			hidden[p.key] = h[p.key]
		default:
			for _, v := range h[p.key] {
				visible.add(p.lower, entry{value: cfheader.ToUTF8(v), raw: v, orig: true})
			}
		}
	}
	return visible, hidden, cookieLines
}

// namePair is a header name and its lowercase form.
type namePair struct{ lower, key string }

// lowerASCII is strings.ToLower for header names: a canonical name such as
// Content-Type costs one allocation, and an already lowercase one none.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' || c >= utf8.RuneSelf {
			return strings.ToLower(s)
		}
	}
	return s
}

// parseCookies splits Cookie header values into cookies. Names keep their
// case; a pair without "=" is a cookie with the value "".
func parseCookies(lines []string) *fields {
	fs := new(fields)
	for _, line := range lines {
		for pair := range strings.SplitSeq(line, ";") {
			pair = strings.TrimSpace(pair)
			if pair == "" {
				continue
			}
			name, value, _ := strings.Cut(pair, "=")
			fs.add(cfheader.ToUTF8(strings.TrimSpace(name)), entry{value: cfheader.ToUTF8(strings.TrimSpace(value)), raw: pair, orig: true})
		}
	}
	return fs
}

// parseSetCookies splits Set-Cookie lines into cookies with attributes.
func parseSetCookies(lines []string) *fields {
	fs := new(fields)
	for _, line := range lines {
		pair, attrs, _ := strings.Cut(line, ";")
		name, value, _ := strings.Cut(pair, "=")
		fs.add(cfheader.ToUTF8(strings.TrimSpace(name)), entry{
			value: cfheader.ToUTF8(strings.TrimSpace(value)),
			attrs: cfheader.ToUTF8(strings.TrimSpace(attrs)),
			raw:   line,
			orig:  true,
		})
	}
	return fs
}

// writeFields writes fs as an event's querystring, headers or cookies
// object; attrs says whether entries carry attributes (response cookies).
func (w *writer) writeFields(fs *fields, attrs bool) {
	o := w.open()
	if fs != nil {
		for _, f := range fs.list {
			o.key(f.name).writeValue(f.vals, attrs)
		}
	}
	o.close()
}

// writeMultiValue writes o's multiValue: every value, with its attributes.
func (w *writer) writeMultiValue(o obj, vals []entry, attrs bool) {
	o.key("multiValue").raw("[")
	for i, e := range vals {
		if i > 0 {
			w.raw(",")
		}
		eo := w.open()
		eo.key("value").str(e.value)
		if attrs && e.attrs != "" {
			eo.key("attributes").str(e.attrs)
		}
		eo.close()
	}
	w.raw("]")
}

// writeValue writes one field's value object: the first value and, when
// there are several, multiValue.
func (w *writer) writeValue(vals []entry, attrs bool) {
	o := w.open()
	o.key("value").str(vals[0].value)
	if attrs && vals[0].attrs != "" {
		o.key("attributes").str(vals[0].attrs)
	}
	if len(vals) > 1 {
		w.writeMultiValue(o, vals, attrs)
	}
	o.close()
}

// wire is a field's value object as a function returned it.
type wire struct {
	value    string
	hasValue bool
	attrs    string
	// mv is multiValue; nil when it is absent, null or empty.
	mv []entry
}

// path names a field in error messages: headers["x-a"], or
// headers["x-a"].multiValue[1]. It is built only when there is an error.
type path struct {
	parent string
	name   string
	item   int  // 1 + the multiValue index; 0 for the field itself
	bare   bool // parent alone names the field
}

func (p path) String() string {
	s := p.parent
	if !p.bare {
		s = fmt.Sprintf("%s[%q]", p.parent, p.name)
	}
	if p.item > 0 {
		s += fmt.Sprintf(".multiValue[%d]", p.item-1)
	}
	return s
}

func fieldPath(parent, name string) path { return path{parent: parent, name: name} }

// decodeWire reads a field's value object. Unknown properties are ignored
// (the "multivalue" of the AWS sample events among them); value and
// attributes must be strings and multiValue an array of such objects.
// attributes are read only when attrs is set (response cookies).
func decodeWire(raw *value, attrs bool, p path) (wire, error) {
	o, ok := raw.object()
	if !ok {
		return wire{}, invalid("%s must be an object", p)
	}
	var w wire
	for _, m := range o {
		switch {
		case m.key == "value":
			s, ok := m.val.string()
			if !ok {
				return wire{}, invalid("%s.value must be a string", p)
			}
			w.value, w.hasValue = s, true
		case m.key == "attributes" && attrs:
			if m.val.absent() {
				continue
			}
			s, ok := m.val.string()
			if !ok {
				return wire{}, invalid("%s.attributes must be a string", p)
			}
			w.attrs = s
		case m.key == "multiValue" && p.item == 0:
			if m.val.absent() {
				continue
			}
			items, ok := m.val.array()
			if !ok {
				return wire{}, invalid("%s.multiValue must be an array", p)
			}
			for i, item := range items {
				ip := p
				ip.item = i + 1
				iw, err := decodeWire(item, attrs, ip)
				if err != nil {
					return wire{}, err
				}
				if !iw.hasValue {
					return wire{}, invalid("%s.value must be a string", ip)
				}
				w.mv = append(w.mv, entry{value: iw.value, attrs: iw.attrs})
			}
		}
	}
	return w, nil
}

// resolve applies CloudFront's rules for a field a function returned, given
// the values the event showed (nil for a field the function added):
//
//  1. if multiValue exists and was modified, it wins and value is ignored;
//  2. otherwise a modified value replaces only the first value, and later
//     values are kept.
//
// (specs §3.2, "On output".) An empty multiValue counts as absent.
func resolve(orig []entry, w wire, p path) ([]entry, error) {
	var shown []entry // the multiValue the event showed
	if len(orig) > 1 {
		shown = orig
	}
	if w.mv != nil && !sameEntries(w.mv, shown) {
		vals := slices.Clone(w.mv)
		for i := range vals {
			if i < len(orig) && vals[i].same(orig[i]) {
				vals[i] = orig[i] // keeps its raw bytes
			}
		}
		return vals, nil
	}
	if !w.hasValue {
		return nil, invalid("%s.value must be a string", p)
	}
	first := entry{value: w.value, attrs: w.attrs}
	if len(orig) == 0 {
		return []entry{first}, nil
	}
	if orig[0].same(first) {
		return orig, nil
	}
	vals := slices.Clone(orig)
	vals[0] = first
	return vals, nil
}

// resolveFields reads a function's querystring, headers or cookies object
// against the fields the event showed. An absent or null object is an
// empty one: every field is removed.
func resolveFields(raw *value, orig *fields, attrs bool, what string) ([]field, error) {
	if raw.absent() {
		return nil, nil
	}
	o, ok := raw.object()
	if !ok {
		return nil, invalid("%s must be an object", what)
	}
	list := make([]field, 0, len(o))
	for _, m := range o {
		p := fieldPath(what, m.key)
		w, err := decodeWire(m.val, attrs, p)
		if err != nil {
			return nil, err
		}
		vals, err := resolve(orig.get(m.key), w, p)
		if err != nil {
			return nil, err
		}
		list = append(list, field{name: m.key, vals: vals})
	}
	return list, nil
}
