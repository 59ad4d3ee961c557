package sns

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/verge-edge/verge/internal/triggers/pattern"
)

// A Filter is a compiled filter policy. It is immutable and safe for
// concurrent use.
type Filter struct {
	scope string
	p     *pattern.Pattern // nil: the empty policy, which matches everything
}

// A FilterError is a filter policy SNS would refuse; its text is the
// reason as SNS words it after "FilterPolicy: ".
type FilterError struct{ Reason string }

func (e *FilterError) Error() string { return "FilterPolicy: " + e.Reason }

func policyErr(format string, args ...any) error {
	return &FilterError{Reason: fmt.Sprintf(format, args...)}
}

// CompileFilter validates a filter policy (JSON) with SNS's rules and
// limits and compiles it for scope (ScopeAttributes when ""). Errors are
// *FilterError values.
//
// SNS's dialect, over EventBridge's: attribute policies are flat; exact
// numbers compare by value (301.5 matches 3.015e2); numbers lie within
// ±1e9 with at most five decimals; anything-but's operator form is prefix
// only; wildcard and prefix/suffix's equals-ignore-case form do not exist;
// at most five keys (leaf keys in a body policy) and 150 combinations.
func CompileFilter(policy, scope string) (*Filter, error) {
	if scope == "" {
		scope = ScopeAttributes
	}
	if scope != ScopeAttributes && scope != ScopeBody {
		return nil, &FilterError{Reason: "FilterPolicyScope must be MessageAttributes or MessageBody"}
	}
	if len(policy) > maxPolicySize {
		return nil, policyErr("Filter policy is too long: %d bytes, the limit is %d", len(policy), maxPolicySize)
	}
	if !utf8.ValidString(policy) {
		return nil, policyErr("Filter policy must be valid UTF-8")
	}
	d := json.NewDecoder(strings.NewReader(policy))
	d.UseNumber()
	var root any
	if err := d.Decode(&root); err != nil {
		return nil, policyErr("failed to parse JSON: %v", err)
	}
	if _, err := d.Token(); err == nil {
		return nil, policyErr("failed to parse JSON: unexpected data after the policy")
	}
	obj, ok := root.(map[string]any)
	if !ok {
		return nil, policyErr("Filter policy must be a JSON object")
	}
	f := &Filter{scope: scope}
	if len(obj) == 0 {
		return f, nil
	}
	v := validator{scope: scope, keys: map[string]bool{}}
	out, combos, err := v.object(obj, "", 1)
	if err != nil {
		return nil, err
	}
	if len(v.keys) > maxPolicyKeys {
		return nil, policyErr("Filter policy can not have more than %d keys", maxPolicyKeys)
	}
	if combos > maxCombinations {
		return nil, policyErr("Filter policy is too complex")
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, policyErr("%v", err)
	}
	p, err := pattern.CompileOptions(b, pattern.Options{MaxSize: 4 * maxPolicySize, AnythingButEvery: scope == ScopeAttributes})
	if err != nil {
		var pe *pattern.Error
		if errors.As(err, &pe) {
			return nil, policyErr("%s", pe.Error())
		}
		return nil, policyErr("%v", err)
	}
	f.p = p
	return f, nil
}

// Scope is the filter's FilterPolicyScope.
func (f *Filter) Scope() string { return f.scope }

// validator walks a decoded policy, checking SNS's rules and rewriting it
// into an EventBridge pattern.
type validator struct {
	scope string
	keys  map[string]bool // leaf paths (attribute names)
}

// object checks one policy object at depth (1 for the top) and returns
// its pattern form and its number of combinations: the product of its
// arrays' lengths, each times its depth (AWS's worked example), with a
// "$or" counting the sum of its branches.
func (v *validator) object(obj map[string]any, path string, depth int) (map[string]any, int, error) {
	out := make(map[string]any, len(obj))
	combos := 1
	for _, k := range sortedKeys(obj) {
		val := obj[k]
		if k == "$or" {
			if alts, ok := orBranches(val); ok {
				sum := 0
				outAlts := make([]any, len(alts))
				for i, a := range alts {
					o, c, err := v.object(a, path, depth)
					if err != nil {
						return nil, 0, err
					}
					outAlts[i], sum = o, sum+c
				}
				out[k], combos = outAlts, mul(combos, sum)
				continue
			}
		}
		full := k
		if path != "" {
			full = path + "." + k
		}
		switch x := val.(type) {
		case map[string]any:
			if v.scope == ScopeAttributes {
				return nil, 0, policyErr("Filter policy scope MessageAttributes does not support nested filter policy")
			}
			if len(x) == 0 {
				return nil, 0, policyErr("Empty objects are not allowed")
			}
			o, c, err := v.object(x, full, depth+1)
			if err != nil {
				return nil, 0, err
			}
			out[k], combos = o, mul(combos, c)
		case []any:
			if len(x) == 0 {
				return nil, 0, policyErr("Empty arrays are not allowed")
			}
			vals := make([]any, len(x))
			for i, r := range x {
				o, err := rule(r)
				if err != nil {
					return nil, 0, err
				}
				vals[i] = o
			}
			v.keys[full] = true
			out[k], combos = vals, mul(combos, len(x)*depth)
		default:
			return nil, 0, policyErr("%q must be an object or an array", k)
		}
	}
	return out, combos, nil
}

func mul(a, b int) int {
	if a > math.MaxInt32 || b > math.MaxInt32 {
		return math.MaxInt32
	}
	return min(a*b, math.MaxInt32)
}

// orBranches is a "$or" value's alternatives: an array of two or more
// objects (anything else leaves "$or" an attribute name, as in EventBridge).
func orBranches(v any) ([]map[string]any, bool) {
	arr, ok := v.([]any)
	if !ok || len(arr) < 2 {
		return nil, false
	}
	out := make([]map[string]any, len(arr))
	for i, el := range arr {
		o, ok := el.(map[string]any)
		if !ok {
			return nil, false
		}
		out[i] = o
	}
	return out, true
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// rule checks one value of a policy array and returns its pattern form.
func rule(r any) (any, error) {
	switch x := r.(type) {
	case nil, string, bool:
		return x, nil
	case json.Number:
		if _, err := policyNumber(x); err != nil {
			return nil, err
		}
		// SNS compares exact numbers by value, EventBridge by text.
		return map[string]any{"numeric": []any{"=", x}}, nil
	case map[string]any:
		return operator(x)
	}
	return nil, policyErr("Match value must be String, number, true, false, or null")
}

// policyNumber checks SNS's numeric limits: ±1e9, five decimals.
func policyNumber(n json.Number) (float64, error) {
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || f < -maxPolicyNumber || f > maxPolicyNumber {
		return 0, policyErr("Numeric value %s is out of range: values must be between -1000000000 and 1000000000", n)
	}
	if decimals(f) > maxNumberDecimals {
		return 0, policyErr("Numeric value %s has more than %d digits after the decimal point", n, maxNumberDecimals)
	}
	return f, nil
}

// decimals counts the digits after the point of f's shortest form.
func decimals(f float64) int {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return len(s) - i - 1
	}
	return 0
}

func operator(o map[string]any) (any, error) {
	if len(o) != 1 {
		return nil, policyErr("Only one key allowed in match expression")
	}
	for op, val := range o {
		switch op {
		case "prefix", "suffix", "equals-ignore-case":
			if _, ok := val.(string); !ok {
				return nil, policyErr("%s match pattern must be a string", op)
			}
		case "anything-but":
			if err := anythingBut(val); err != nil {
				return nil, err
			}
			if n, ok := val.(json.Number); ok { // a single number: a list of one, by value
				return map[string]any{op: []any{n}}, nil
			}
		case "exists":
			if _, ok := val.(bool); !ok {
				return nil, policyErr("exists match pattern must be either true or false.")
			}
		case "numeric":
			if err := numeric(val); err != nil {
				return nil, err
			}
		case "cidr":
			if err := cidr(val); err != nil {
				return nil, err
			}
		default:
			return nil, policyErr("Unrecognized match type %s", op)
		}
	}
	return o, nil
}

func anythingBut(val any) error {
	switch x := val.(type) {
	case string:
		return nil
	case json.Number:
		_, err := policyNumber(x)
		return err
	case []any:
		if len(x) == 0 {
			return policyErr("Empty arrays are not allowed")
		}
		var strs, nums int
		for _, el := range x {
			switch n := el.(type) {
			case string:
				strs++
			case json.Number:
				if _, err := policyNumber(n); err != nil {
					return err
				}
				nums++
			default:
				return policyErr("Inside anything but list, start|null|boolean is not supported.")
			}
		}
		if strs > 0 && nums > 0 {
			return policyErr("Inside anything but list, all values must be strings or all must be numbers")
		}
		return nil
	case map[string]any:
		if len(x) != 1 {
			return policyErr("Only one key allowed in match expression")
		}
		for k, v := range x {
			if k != "prefix" {
				return policyErr("Unsupported anything-but pattern: %s", k)
			}
			if s, ok := v.(string); !ok || s == "" {
				return policyErr("prefix match pattern must be a non-empty string")
			}
		}
		return nil
	}
	return policyErr("anything-but must be a string, a number, a list of them, or a prefix match")
}

// numeric checks [op, n] or [">"|">=", lo, "<"|"<=", hi], with SNS's
// messages.
func numeric(val any) error {
	arr, ok := val.([]any)
	if !ok || len(arr) == 0 {
		return policyErr("Value of numeric must be an array.")
	}
	op, ok := arr[0].(string)
	if !ok {
		return policyErr("Invalid member in numeric match: %v", arr[0])
	}
	if !slices.Contains([]string{"<", "<=", "=", ">", ">="}, op) {
		return policyErr("Unrecognized numeric range operator: %s", op)
	}
	lo, err := numericValue(arr, 1, op)
	if err != nil {
		return err
	}
	if len(arr) == 2 {
		return nil
	}
	if op != ">" && op != ">=" {
		return policyErr("Too many elements in numeric expression")
	}
	op2, ok := arr[2].(string)
	if !ok {
		return policyErr("Bad value in numeric range: %v", arr[2])
	}
	if op2 != "<" && op2 != "<=" {
		return policyErr("Bad numeric range operator: %s", op2)
	}
	hi, err := numericValue(arr, 3, op2)
	if err != nil {
		return err
	}
	if hi <= lo {
		return policyErr("Bottom must be less than top")
	}
	if len(arr) > 4 {
		return policyErr("Too many terms in numeric range expression")
	}
	return nil
}

func numericValue(arr []any, i int, op string) (float64, error) {
	name := op
	if op == "=" {
		name = "equals"
	}
	if i >= len(arr) {
		return 0, policyErr("Value of %s must be numeric", name)
	}
	n, ok := arr[i].(json.Number)
	if !ok {
		return 0, policyErr("Value of %s must be numeric", name)
	}
	return policyNumber(n)
}

func cidr(val any) error {
	s, ok := val.(string)
	if !ok {
		return policyErr("prefix match pattern must be a string")
	}
	ip, bits, ok := strings.Cut(s, "/")
	if !ok || strings.Contains(bits, "/") {
		return policyErr("Malformed CIDR, one '/' required")
	}
	if _, err := strconv.Atoi(bits); err != nil {
		return policyErr("Malformed CIDR, mask bits must be an integer")
	}
	if _, err := netip.ParsePrefix(s); err != nil {
		return policyErr("Nonstandard IP address: %s", ip)
	}
	return nil
}

// A MessageAttribute is a message attribute as SNS types it: DataType is
// String, String.Array, Number or Binary.
type MessageAttribute struct {
	DataType    string
	StringValue string
	BinaryValue []byte
}

// baseType is a data type without a custom suffix ("Number.int" is a
// Number); String.Array is its own type.
func baseType(t string) string {
	if t == DataStringArray {
		return t
	}
	b, _, _ := strings.Cut(t, ".")
	return b
}

// attributeEvent is the event an attribute policy matches: String as a
// string, Number as a number, String.Array as its JSON elements; Binary
// attributes are left out, as SNS ignores them.
func attributeEvent(attrs map[string]MessageAttribute) *pattern.Event {
	e := pattern.NewEvent()
	for name, a := range attrs {
		switch baseType(a.DataType) {
		case DataString:
			e.AddString(name, a.StringValue)
		case DataNumber:
			s := strings.TrimSpace(a.StringValue)
			if f, err := strconv.ParseFloat(s, 64); err == nil {
				e.AddNumber(name, s, f)
			}
		case DataStringArray:
			e.AddJSON(name, []byte(a.StringValue)) // checked at Publish
		}
	}
	return e
}

// subject is what filters test, built once per message and only as far
// as a filter needs it.
type subject struct {
	attrs     map[string]MessageAttribute
	body      string
	attrEvent *pattern.Event
	bodyEvent *pattern.Event
	bodyDone  bool
}

func (s *subject) attributes() *pattern.Event {
	if s.attrEvent == nil {
		s.attrEvent = attributeEvent(s.attrs)
	}
	return s.attrEvent
}

// bodyOf is the message body flattened, nil when it is not a JSON object
// (such a body matches no body policy).
func (s *subject) bodyOf() *pattern.Event {
	if !s.bodyDone {
		s.bodyDone = true
		if b := bytes.TrimSpace([]byte(s.body)); len(b) > 0 && b[0] == '{' {
			s.bodyEvent, _ = pattern.Flatten(b)
		}
	}
	return s.bodyEvent
}

// match reports whether the message passes f. A message without
// attributes passes no attribute policy, not even "exists": false (SNS).
func (f *Filter) match(s *subject) bool {
	if f == nil || f.p == nil {
		return true
	}
	if f.scope == ScopeBody {
		e := s.bodyOf()
		return e != nil && f.p.MatchEvent(e)
	}
	if len(s.attrs) == 0 {
		return false
	}
	return f.p.MatchEvent(s.attributes())
}

// Match reports whether a message with these attributes and this body
// passes the filter.
func (f *Filter) Match(attrs map[string]MessageAttribute, body string) bool {
	return f.match(&subject{attrs: attrs, body: body})
}
