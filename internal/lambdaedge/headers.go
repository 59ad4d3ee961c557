package lambdaedge

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/verge-edge/verge/internal/cfheader"

	"github.com/verge-edge/verge/internal/stack"
)

// headerView is an http.Header as an event shows it, with what a result
// needs to put back: the original bytes and the hidden headers.
type headerView struct {
	// shown are the visible values by lowercase name, in UTF-8.
	shown map[string][]string
	// raw are the same values as they came in.
	raw map[string][]string
	// keys is the key an event shows for each name.
	keys map[string]string
	// hidden are the disallowed headers, which functions never see.
	hidden http.Header
}

func viewHeader(h http.Header) *headerView {
	v := &headerView{shown: map[string][]string{}, raw: map[string][]string{}, keys: map[string]string{}}
	for _, k := range slices.Sorted(maps.Keys(h)) {
		lname := strings.ToLower(k)
		if cfheader.Disallowed(lname) {
			if v.hidden == nil {
				v.hidden = http.Header{}
			}
			v.hidden[k] = h[k]
			continue
		}
		if _, ok := v.keys[lname]; !ok {
			v.keys[lname] = keyFor(lname, k)
		}
		for _, val := range h[k] {
			v.raw[lname] = append(v.raw[lname], val)
			v.shown[lname] = append(v.shown[lname], cfheader.ToUTF8(val))
		}
	}
	return v
}

// event returns the headers as an event's headers object.
func (v *headerView) event() Headers {
	hs := make(Headers, len(v.shown))
	for lname, vals := range v.shown {
		lines := make([]Header, len(vals))
		for i, val := range vals {
			lines[i] = Header{Key: v.keys[lname], Value: val}
		}
		hs[lname] = lines
	}
	return hs
}

// keyFor is the key an event shows for a header the edge holds as k:
// CloudFront's own casing for its headers, else k. (The edge keeps
// canonical names, so the viewer's casing is not known.)
func keyFor(lname, k string) string {
	if key, ok := cloudFrontKeys[lname]; ok {
		return key
	}
	return k
}

// defaultKey is the key L@E fills in for a line without one: each
// hyphen-separated part capitalised.
func defaultKey(lname string) string {
	if key, ok := cloudFrontKeys[lname]; ok {
		return key
	}
	return http.CanonicalHeaderKey(lname)
}

// resultHeaders reads a headers object of a result (what names it in
// errors): lowercase names mapping to arrays of {key, value}, where key,
// optional, must be the name in any case. Absent or null is no headers.
// Values are checked by the caller, which knows which ones changed.
func resultHeaders(raw json.RawMessage, what string) (map[string][]string, error) {
	if isAbsent(raw) {
		return map[string][]string{}, nil
	}
	obj, ok := asObject(raw)
	if !ok {
		return nil, invalid("%s must be an object", what)
	}
	out := make(map[string][]string, len(obj))
	for name, lines := range obj {
		vals, err := headerLines(name, lines, what)
		if err != nil {
			return nil, err
		}
		out[name] = vals
	}
	return out, nil
}

// headerLines reads the array of one header name.
func headerLines(name string, raw json.RawMessage, what string) ([]string, error) {
	if !cfheader.ValidName(name) || strings.ToLower(name) != name {
		return nil, invalid("%s[%q]: a header name must be a lowercase HTTP token", what, name)
	}
	var items []json.RawMessage
	if kindOf(raw) != '[' || json.Unmarshal(raw, &items) != nil {
		return nil, invalid("%s[%q] must be an array of {key, value} objects", what, name)
	}
	vals := make([]string, 0, len(items))
	for i, item := range items {
		obj, ok := asObject(item)
		if !ok {
			return nil, invalid("%s[%q][%d] must be an object", what, name, i)
		}
		if err := onlyFields(obj, fmt.Sprintf("%s[%q][%d]", what, name, i), "key", "value"); err != nil {
			return nil, err
		}
		if k, ok := obj["key"]; ok && !isAbsent(k) {
			key, ok := asString(k)
			if !ok || strings.ToLower(key) != name {
				return nil, invalid("%s[%q][%d].key must be the header name %q in any case", what, name, i, name)
			}
		}
		val, ok := asString(obj["value"])
		if !ok {
			return nil, invalid("%s[%q][%d].value must be a string", what, name, i)
		}
		vals = append(vals, val)
	}
	return vals, nil
}

// apply turns the headers a result holds into an http.Header with
// CloudFront's rules for trigger t: no disallowed header, no change to a
// read-only one, no CloudFront-Viewer-Country added at viewer-request.
// Unchanged headers keep their bytes and keys; the hidden ones are put
// back. generated is set for a generated response, which has no original
// headers to protect.
func (v *headerView) apply(res map[string][]string, t stack.Trigger, generated bool) (http.Header, error) {
	for _, lname := range slices.Sorted(maps.Keys(res)) {
		if cfheader.Disallowed(lname) {
			return nil, invalid("headers[%q]: %s is a disallowed header and cannot be added", lname, defaultKey(lname))
		}
	}
	if !generated {
		if err := v.checkReadOnly(res, t); err != nil {
			return nil, err
		}
	}
	h := make(http.Header, len(res)+len(v.hidden))
	for k, vals := range v.hidden {
		h[k] = vals
	}
	for lname, vals := range res {
		if len(vals) == 0 {
			continue
		}
		if slices.Equal(vals, v.shown[lname]) {
			h[http.CanonicalHeaderKey(lname)] = v.raw[lname]
			continue
		}
		if err := checkValues(vals, "headers", lname); err != nil {
			return nil, err
		}
		h[http.CanonicalHeaderKey(lname)] = slices.Clone(vals)
	}
	return h, nil
}

// checkValues fails on a control character in a value a function set (an
// unchanged one goes out as it came in).
func checkValues(vals []string, what, lname string) error {
	for i, v := range vals {
		if cfheader.HasCTL(v) {
			return invalid("%s[%q][%d].value holds a control character", what, lname, i)
		}
	}
	return nil
}

func (v *headerView) checkReadOnly(res map[string][]string, t stack.Trigger) error {
	for _, lname := range readOnly[t] {
		if !slices.Equal(res[lname], v.shown[lname]) {
			return invalid("headers[%q]: the function tried to add, delete, or change the read-only header %s", lname, defaultKey(lname))
		}
	}
	if t == stack.ViewerRequest && res[hdrViewerCountry] != nil && v.shown[hdrViewerCountry] == nil {
		return invalid("headers[%q]: %s cannot be added in %s", hdrViewerCountry, defaultKey(hdrViewerCountry), t)
	}
	return nil
}
