package pattern

import (
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

func seedPatterns(f *testing.F) (patterns, events [][]byte) {
	f.Helper()
	for _, c := range loadMatchCases(f) {
		patterns = append(patterns, c.Pattern)
		events = append(events, c.Event)
	}
	for _, c := range loadInvalidCases(f) {
		patterns = append(patterns, c.text())
	}
	return patterns, events
}

// FuzzCompile: Compile never panics, fails only with *Error, and a
// compiled pattern matches any event without panicking.
func FuzzCompile(f *testing.F) {
	patterns, _ := seedPatterns(f)
	for _, p := range patterns {
		f.Add(p)
	}
	event, err := Flatten([]byte(benchEvent))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, pattern []byte) {
		p, err := Compile(pattern)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Rule == "" {
				t.Fatalf("Compile error %v (%T) is not a *Error with a rule", err, err)
			}
			return
		}
		if !json.Valid(pattern) {
			t.Fatalf("Compile accepted invalid JSON %q", pattern)
		}
		p.MatchEvent(event)
	})
}

// FuzzMatch: Match agrees with Flatten+MatchEvent and never panics;
// invalid event JSON never matches.
func FuzzMatch(f *testing.F) {
	patterns, events := seedPatterns(f)
	for i, e := range events {
		f.Add(patterns[i], e)
	}
	f.Fuzz(func(t *testing.T, pattern, event []byte) {
		p, err := Compile(pattern)
		if err != nil {
			return
		}
		got := p.Match(event)
		e, err := Flatten(event)
		if err != nil {
			if got {
				t.Fatalf("event %q fails to flatten (%v) but matched", event, err)
			}
			return
		}
		if want := p.MatchEvent(e); got != want {
			t.Fatalf("Match = %v, MatchEvent = %v", got, want)
		}
	})
}

// FuzzFlatten checks the JSON parser against encoding/json: the same
// inputs are valid, and the leaves (document order, duplicates kept) are
// the same.
func FuzzFlatten(f *testing.F) {
	_, events := seedPatterns(f)
	for _, e := range events {
		f.Add(e)
	}
	for _, s := range []string{`{"a":"\ud800x"}`, `{"a":"\ud83d\ude00"}`, `{"a":"\xff"}`, `{"a":1,"a":2}`, `{"a":[[1],[]]}`, `{"a":-0.5e+3}`, `{"a":01}`, `{"a":"\u00"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := Flatten(data)
		want, werr := oracleFlatten(data)
		if err != nil {
			if errors.Is(err, errDepth) {
				return
			}
			if werr == nil {
				t.Fatalf("Flatten(%q) = %v, encoding/json accepts it", data, err)
			}
			return
		}
		if werr != nil {
			t.Fatalf("Flatten(%q) accepted, encoding/json: %v", data, werr)
		}
		got := map[string][]leaf{}
		for k, v := range e.fields {
			for _, l := range v {
				got[k] = append(got[k], leaf{kind: l.kind, str: l.str})
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Flatten(%q)\n got %v\nwant %v", data, got, want)
		}
	})
}

// oracleFlatten flattens with encoding/json's tokenizer, which keeps
// duplicate keys and number literals.
func oracleFlatten(data []byte) (map[string][]leaf, error) {
	if !json.Valid(data) {
		return nil, errors.New("invalid JSON")
	}
	if trimmed := strings.TrimLeft(string(data), " \t\r\n"); !strings.HasPrefix(trimmed, "{") {
		return nil, errors.New("not an object")
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	out := map[string][]leaf{}
	type frame struct {
		path     string
		isObject bool
		wantKey  bool
	}
	var stack []frame
	pending := "" // the path of the next value
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if n := len(stack); n > 0 && stack[n-1].isObject && stack[n-1].wantKey {
			if key, ok := tok.(string); ok {
				pending = join(stack[n-1].path, key)
				stack[n-1].wantKey = false
				continue
			}
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{':
				stack = append(stack, frame{path: pending, isObject: true, wantKey: true})
			case '[':
				stack = append(stack, frame{path: pending})
			default:
				stack = stack[:len(stack)-1]
			}
		case string:
			out[pending] = append(out[pending], leaf{kind: kindString, str: v})
		case json.Number:
			out[pending] = append(out[pending], leaf{kind: kindNumber, str: string(v)})
		case bool:
			k := kindFalse
			if v {
				k = kindTrue
			}
			out[pending] = append(out[pending], leaf{kind: k})
		case nil:
			out[pending] = append(out[pending], leaf{kind: kindNull})
		}
		if n := len(stack); n > 0 {
			if stack[n-1].isObject {
				stack[n-1].wantKey = true
				pending = stack[n-1].path
			} else {
				pending = stack[n-1].path
			}
		}
	}
}
