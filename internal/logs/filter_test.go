package logs

import (
	"bufio"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/verge-edge/verge/internal/errs"
)

// TestFilterExamples runs every example of AWS's filter-pattern pages,
// kept in testdata/filter_examples.txt (its header says the format).
func TestFilterExamples(t *testing.T) {
	file, err := os.Open("testdata/filter_examples.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	var (
		f, canon            *Filter
		lastErr             *PatternError
		pattern, source     string
		lastMsg             string
		lastExtract         map[string]string
		patterns, checks, n int
	)
	sc := bufio.NewScanner(file)
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" || text[0] == '#' {
			continue
		}
		key, arg, _ := strings.Cut(text, " ")
		at := "line " + strconv.Itoa(line)
		switch {
		case key == "source":
			source = arg
		case key == "pattern":
			pattern = arg
			if f, err = ParseFilter(arg); err != nil {
				t.Errorf("%s: ParseFilter(%q): %v", at, arg, err)
			} else if canon, err = ParseFilter(f.String()); err != nil {
				t.Errorf("%s: %q prints as %q: %v", at, arg, f.String(), err)
				f = nil
			}
			patterns++
		case key == "match" || key == "nomatch":
			checks++
			if f == nil {
				continue
			}
			vals, ok := f.Extract(arg)
			if ok != (key == "match") || f.Match(arg) != ok || canon.Match(arg) != ok {
				t.Errorf("%s: %q matches %q = %v, want %v (%s)", at, pattern, arg, ok, key == "match", source)
			}
			lastMsg, lastExtract = arg, vals
		case key == "extract":
			var want map[string]string
			if err := json.Unmarshal([]byte(arg), &want); err != nil {
				t.Fatalf("%s: %v", at, err)
			}
			if !maps.Equal(lastExtract, want) || lastExtract == nil {
				t.Errorf("%s: %q extracts from %q\n got %v\nwant %v", at, pattern, lastMsg, lastExtract, want)
			}
		case strings.HasPrefix(key, "invalid"):
			n++
			lastErr = checkInvalid(t, at, arg, strings.TrimPrefix(key, "invalid"))
		case key == "message":
			if lastErr == nil || lastErr.Error() != arg {
				t.Errorf("%s: message %v, want %q", at, lastErr, arg)
			}
		default:
			t.Fatalf("%s: unknown line %q", at, text)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if patterns < 100 || checks < 150 || n < 30 {
		t.Fatalf("only %d patterns, %d checks and %d invalid patterns read", patterns, checks, n)
	}
}

// checkInvalid checks that pattern does not parse, with AWS's message and,
// when at is "@N", the offset N.
func checkInvalid(t *testing.T, line, pattern, at string) *PatternError {
	t.Helper()
	_, err := ParseFilter(pattern)
	pe, ok := AsPatternError(err)
	switch {
	case err == nil:
		t.Errorf("%s: ParseFilter(%q) parsed", line, pattern)
		return nil
	case !errs.Is(errs.Invalid, err) || !ok:
		t.Errorf("%s: ParseFilter(%q) = %v, want an Invalid *PatternError", line, pattern, err)
		return nil
	case pe.Error() != InvalidPatternMessage && pe.Message == "" || pe.Reason == "":
		t.Errorf("%s: %q: message %q, reason %q", line, pattern, pe.Error(), pe.Reason)
	case pe.Offset < 0 || pe.Offset > len(pattern):
		t.Errorf("%s: %q: offset %d out of range", line, pattern, pe.Offset)
	}
	if at != "" {
		want, aerr := strconv.Atoi(strings.TrimPrefix(at, "@"))
		if aerr != nil {
			t.Fatalf("%s: bad offset %q", line, at)
		}
		if pe.Offset != want {
			t.Errorf("%s: %v, want offset %d", line, err, want)
		}
	}
	return pe
}

func TestFilter(t *testing.T) {
	type tc struct {
		pattern string
		msg     string
		match   bool
	}
	for _, c := range []tc{
		{"", "anything", true},
		{"  ", "anything", true},
		{"ERROR", "an ERROR here", true},
		{"ERROR", "an error here", false},
		{"ERROR Timeout", "ERROR: Task Timeout", true},
		{"ERROR Timeout", "ERROR: Task timed out", false},
		{`"Task timed"`, "ERROR: Task timed out", true},
		{`"timed Task"`, "ERROR: Task timed out", false},
		{`"say \"hi\""`, `they say "hi"`, true},
		{`"back\\slash"`, `back\slash`, true},
		{"ERROR -Timeout", "ERROR: Task Timeout", false},
		{"ERROR -Timeout", "ERROR: boom", true},
		{`-"timed out"`, "Task timed out", false},
		{"-DEBUG", "INFO x", true},
		{"?ERROR ?WARN", "WARN: slow", true},
		{"?ERROR ?WARN", "INFO: fine", false},
		{"?ERROR ?WARN -slow", "WARN: slow", false},
		{"?ERROR ?WARN -slow", "INFO: fine", true}, // ?-terms beside others are ignored
		{"RequestId ?ERROR ?WARN", "ERROR x", false},
		{`%5\d\d%`, "status 503", true},
		{`%5\d\d%`, "status 404", false},
		{`?%^START% ?%^END%`, "END RequestId: 1", true},
		{`-%^\s*$%`, "  ", false},
		{"a\tb", "b and a", true},
		{`"[ERROR]"`, "[ERROR] x", true},
		{`  "[ERROR]"  `, "[ERROR] x", true},
		{"{ $.level = \"ERROR\" }", `{"level":"ERROR","ms":3}`, true},
		{"{ $.level = \"ERROR\" }", `{"level":"ERROR"} trailing`, false},
		{"{ $.ms > 100 }", `{"ms":150}`, true},
		{"{ $.ms > 100 }", `{"ms":"150"}`, true},
		{"{ $.ms > 100 }", `{"ms":1.5e2}`, true},
		{"{ $.ms > 100 }", `{"ms":99}`, false},
		{"{ $.ms>100&&$.level=ERROR }", `{"ms":150,"level":"ERROR"}`, true},
		{"{ $.a = 1 || $.b = 2 && $.c = 3 }", `{"a":1}`, true},
		{"{ ($.a = 1 || $.b = 2) && $.c = 3 }", `{"a":1}`, false},
		{"{ $.a IS NULL }", `[1]`, false},
		{"{ $.a = \"x*y\" }", `{"a":"xAAy"}`, true},
		{"{ $.a = \"x*y\" }", `{"a":"xAAyz"}`, false},
		{"{ $.a = x*y*z }", `{"a":"xyz"}`, true},
		{"{ $.a = x*y*z }", `{"a":"xzy"}`, false},
		{"{ $.a-b_c = 1 }", `{"a-b_c":1}`, true},
		{"{ $.a[\"b c\"] = 1 }", `{"a":{"b c":1}}`, true},
		{"{ $.a != %^x% }", `{"a":"yx"}`, true},
		{"{ $.a != %^x% }", `{"a":"xy"}`, false},
		{"[a, b = \"*\"]", "1 \"\"", true},
		{"[a, b]", "1 \"two words\"", true},
		{"[a, b=two]", "1 \"two words\"", false},
		{"[a, b=\"two words\"]", "1 \"two words\"", true},
		{"[a, b=\"two words\"]", "1  two words  ", true},
		{"[a, b]", "1 [open", true},
		{"[..., a]", "1 [open", true},
		{"[a=1, ..., b=2]", "1 x y 2", true},
		{"[a=1, ..., b=2]", "1 2", true},
		{"[a=1, ..., b=2]", "1", false},
		{"[a=1, ..., b=2]", "2 x 1", false},
		{"[a > 1.5e0]", "2", true},
		{"[a > 1.5e0]", "1", false},
		{"[a = -1]", "-1.0", true},
	} {
		f, err := ParseFilter(c.pattern)
		if err != nil {
			t.Errorf("ParseFilter(%q): %v", c.pattern, err)
			continue
		}
		if got := f.Match(c.msg); got != c.match {
			t.Errorf("%q matches %q = %v, want %v", c.pattern, c.msg, got, c.match)
		}
	}
}

func TestFilterErrors(t *testing.T) {
	type tc struct {
		pattern string
		offset  int
	}
	for _, c := range []tc{
		{`"open`, 0},
		{`x "open`, 2},
		{`%open`, 0},
		{`%(%`, 1},
		{"-", 1},
		{"ERROR ?", 7},
		{`ab"c`, 2},
		{`ERROR: x`, 5},
		{`ok 10.0.0.1`, 5},
		{`{ $.a = 1 } x`, 13},
		{`{ $.a = 1 }}`, 11},
		{`{ $. = 1 }`, 4},
		{`{ $.a < abc }`, 6},
		{`{ $.a = a@b }`, 9},
		{`{ $.a = %x% && $.b = %y% && $.c = %z% }`, 34},
		{`{ $[0] = 1 }`, 3}, // array elements must follow a property
		{`{`, 1},
		{`{ }`, 2},
		{`[`, 1},
		{`[a b]`, 3},
		{`[a = 1 2]`, 7},
		{`[a > x]`, 3},
	} {
		_, err := ParseFilter(c.pattern)
		pe, ok := AsPatternError(err)
		switch {
		case !errs.Is(errs.Invalid, err) || !ok:
			t.Errorf("ParseFilter(%q) = %v, want an Invalid *PatternError", c.pattern, err)
		case pe.Offset != c.offset:
			t.Errorf("ParseFilter(%q): %v, want offset %d", c.pattern, err, c.offset)
		}
	}
}

func TestFilterString(t *testing.T) {
	for _, c := range [][2]string{
		{"", ""},
		{"  ", ""},
		{`?b -c a %x\d% "q \" \\"`, `"a" %x\d% "q \" \\" -"c" ?"b"`},
		{"{$.a=1&&($.b=x||$.c IS NULL)}", `{ $.a = 1 && ($.b = "x" || $.c IS NULL) }`},
		{"{ $.* = %a% || $.x[*].y NOT EXISTS }", `{ $.* = %a% || $.x[*].y NOT EXISTS }`},
		{"{ $.['a.b'][0] >= +1e3 }", `{ $.['a.b'][0] >= +1e3 }`},
		{"[]", "[...]"},
		{"[a,,...,b=4*||b>5,]", `[a,, ..., b = "4*" || b > 5,]`},
		{"[a && b = 1, b]", `[a && b = 1, b]`},
		{"[a || b = 1, b]", `[a || b = 1, b]`},
	} {
		f, err := ParseFilter(c[0])
		if err != nil {
			t.Fatalf("ParseFilter(%q): %v", c[0], err)
		}
		if got := f.String(); got != c[1] {
			t.Errorf("%q prints as %q, want %q", c[0], got, c[1])
		}
	}
}

// TestPatternErrorAs: the PatternError is reachable with errors.As through
// the errs wrapping, and its text is AWS's message.
func TestPatternErrorAs(t *testing.T) {
	_, err := ParseFilter(`{ $.a = }`)
	var pe *PatternError
	if !errors.As(err, &pe) || pe.Offset != 8 || pe.Error() != "Invalid filter pattern" {
		t.Fatalf("err = %v, PatternError = %+v", err, pe)
	}
	if want := "logs.ParseFilter: Invalid filter pattern: a value is missing at offset 8"; err.Error() != want {
		t.Fatalf("err = %q, want %q", err, want)
	}
}

func TestFilterKinds(t *testing.T) {
	for _, c := range []struct {
		pattern     string
		json, space bool
	}{{"ERROR", false, false}, {"", false, false}, {" { $.a = 1 }", true, false}, {"[a]", false, true}, {`"{"`, false, false}} {
		f, err := ParseFilter(c.pattern)
		if err != nil {
			t.Fatal(err)
		}
		if f.IsJSON() != c.json || f.IsSpaceDelimited() != c.space {
			t.Errorf("%q: IsJSON %v IsSpaceDelimited %v", c.pattern, f.IsJSON(), f.IsSpaceDelimited())
		}
	}
	var nilFilter *Filter
	if !nilFilter.Match("x") || nilFilter.IsJSON() {
		t.Error("a nil Filter matches everything and is of no kind")
	}
	if vals, ok := nilFilter.Extract("x"); !ok || vals != nil {
		t.Error("a nil Filter extracts nothing")
	}
}

// TestMatchAllocs: matching allocates nothing, for terms, JSON (without
// wildcards or escaped strings) and space-delimited patterns alike.
func TestMatchAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	for _, c := range []struct{ pattern, msg string }{
		{`ERROR "timed out" -DEBUG`, "2026-11-22T10:00:00.000Z\t6f1c7e2a\tERROR\tTask timed out after 3.00 seconds"},
		{`{ $.level = "ERROR" && $.ms > 100 || $.a[1].b NOT EXISTS }`, `{"level":"ERROR","ms":153,"a":[{},{"b":null}]}`},
		{`{ $.tags[*] = %^b% || $.* = "x" }`, `{"level":"ERROR","tags":["a","b"]}`},
		{`[ip, ..., status = 4* || status = 5*, bytes > 10]`, `127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534`},
	} {
		f, err := ParseFilter(c.pattern)
		if err != nil {
			t.Fatal(err)
		}
		if !f.Match(c.msg) {
			t.Fatalf("%q does not match %q", c.pattern, c.msg)
		}
		if n := testing.AllocsPerRun(100, func() { f.Match(c.msg) }); n != 0 {
			t.Errorf("%q: %v allocations per Match", c.pattern, n)
		}
	}
}

func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"", "ERROR", `"a b" -c ?d ?e`, `%5\d\d%`, `-"x`, "{", `"\`, `?%a%`,
		`{ $.a = 1 }`, `{ ($.a.b[0] > 1e3 || $.c = "x*") && $.d IS NULL }`, `{ $.* = %a% }`, `{ $.['x y'] NOT EXISTS }`,
		`[ip, user, ..., status = 4* || status = 5*, bytes > 10]`, `[]`, `[a,]`, `[..., a = "x y"]`} {
		f.Add(s, "message ERROR a b 503")
		f.Add(s, `{"a":1,"c":"xy","d":null}`)
	}
	f.Fuzz(func(t *testing.T, pattern, msg string) {
		flt, err := ParseFilter(pattern)
		if err != nil {
			pe, ok := AsPatternError(err)
			if !errs.Is(errs.Invalid, err) || !ok || pe.Offset < 0 || pe.Offset > len(pattern) {
				t.Fatalf("ParseFilter(%q) = %v", pattern, err)
			}
			return
		}
		m := flt.Match(msg)
		vals, ok := flt.Extract(msg)
		if ok != m || (vals != nil) != (m && flt.IsSpaceDelimited()) {
			t.Fatalf("%q on %q: Match %v, Extract %v %v", pattern, msg, m, vals, ok)
		}
		// The canonical form parses, prints the same and matches the same.
		canon := flt.String()
		again, err := ParseFilter(canon)
		if err != nil {
			t.Fatalf("%q prints as %q, which does not parse: %v", pattern, canon, err)
		}
		if again.String() != canon || again.Match(msg) != m {
			t.Fatalf("%q prints as %q, then %q; matches %q: %v then %v", pattern, canon, again.String(), msg, m, again.Match(msg))
		}
		if v2, _ := again.Extract(msg); !maps.Equal(v2, vals) {
			t.Fatalf("%q and %q extract %v and %v", pattern, canon, vals, v2)
		}
		// A single plain term is a substring test.
		if !strings.ContainsAny(pattern, " \t\r\n\"%-?{[") && pattern != "" && m != strings.Contains(msg, pattern) {
			t.Fatalf("%q matches %q = %v", pattern, msg, m)
		}
	})
}

// FuzzMatchJSON matches arbitrary messages against JSON patterns, and
// checks the in-place reader against encoding/json: which messages are
// JSON, and what a selector finds in them.
func FuzzMatchJSON(f *testing.F) {
	for _, m := range []string{`{"a":1}`, `{"a":[{"b":"y"}]}`, `{"c":true}`, `{"a":null}`, `not json`, `{"a":1} x`,
		` {"a":"1"} `, `[1]`, `{"a":{"b":2},"a":{"c":3}}`, `{"\u0061":[0,{"b":"\""}]}`, `{"a b":false}`, `{"a":1e999}`, `{"a":[1,2,{"b":-0.5E+2}]}`} {
		f.Add(uint8(0), m)
	}
	type selector struct {
		text string
		path []any // property names and indexes
	}
	sels := []selector{
		{"$.a", []any{"a"}}, {"$.a[1]", []any{"a", 1}}, {"$.a.b", []any{"a", "b"}},
		{"$.a[1].b", []any{"a", 1, "b"}}, {"$.['a b']", []any{"a b"}},
	}
	type compiled struct{ notExists, isNull, any *Filter }
	var filters []compiled
	for _, s := range sels {
		var c compiled
		for p, dst := range map[string]**Filter{"{ %s NOT EXISTS }": &c.notExists, "{ %s IS NULL }": &c.isNull, "{ %s = * }": &c.any} {
			var err error
			if *dst, err = ParseFilter(strings.Replace(p, "%s", s.text, 1)); err != nil {
				f.Fatal(err)
			}
		}
		filters = append(filters, c)
	}
	broad, err := ParseFilter(`{ ($.a > -1.5e3 && $.b = %^x%) || $.c IS TRUE || $.* = "y" || $.a[*].b != x }`)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, which uint8, msg string) {
		var root any
		trimmed := strings.TrimLeft(msg, " \t\r\n")
		isJSON := json.Valid([]byte(msg)) && trimmed != "" && (trimmed[0] == '{' || trimmed[0] == '[')
		if isJSON {
			d := json.NewDecoder(strings.NewReader(msg))
			d.UseNumber() // no overflow on 1e999
			if err := d.Decode(&root); err != nil {
				t.Fatalf("%q is valid but does not decode: %v", msg, err)
			}
		}
		if broad.Match(msg) && !isJSON {
			t.Fatalf("%q is not JSON but matches", msg)
		}
		i := int(which) % len(sels)
		v, found := lookup(root, sels[i].path)
		c := filters[i]
		if got, want := c.notExists.Match(msg), isJSON && !found; got != want {
			t.Fatalf("%s NOT EXISTS on %q = %v, want %v", sels[i].text, msg, got, want)
		}
		if got, want := c.isNull.Match(msg), isJSON && found && v == nil; got != want {
			t.Fatalf("%s IS NULL on %q = %v, want %v", sels[i].text, msg, got, want)
		}
		scalar := false
		switch v.(type) {
		case string, json.Number, bool:
			scalar = true
		}
		if got, want := c.any.Match(msg), isJSON && found && scalar; got != want {
			t.Fatalf("%s = * on %q = %v, want %v", sels[i].text, msg, got, want)
		}
	})
}

// lookup follows path (names and indexes) in a value encoding/json decoded.
func lookup(v any, path []any) (any, bool) {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = m[k]; !ok {
				return nil, false
			}
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				return nil, false
			}
			v = a[k]
		}
	}
	return v, true
}

// FuzzMatchSpace matches arbitrary messages against space-delimited
// patterns: it never panics, extracted values are substrings of the
// message, one per field, and a match with [] extracts every field.
func FuzzMatchSpace(f *testing.F) {
	patterns := []string{`[]`, `[a, b]`, `[..., a = 4*, b > 10]`, `[a, ..., b]`, `[a = %x%, b, ...]`, `[a, b,]`}
	for _, m := range []string{"", "x y", `1 "a b" [c d] 404 11`, "[", `"`, "a  b\t c", "4 \"\" []"} {
		f.Add(uint8(0), m)
	}
	filters := make([]*Filter, len(patterns))
	for i, p := range patterns {
		var err error
		if filters[i], err = ParseFilter(p); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, msg string) {
		flt := filters[int(which)%len(filters)]
		vals, ok := flt.Extract(msg)
		if ok != flt.Match(msg) {
			t.Fatal("Extract and Match disagree")
		}
		for k, v := range vals {
			if !strings.Contains(msg, v) || !strings.HasPrefix(k, "$") {
				t.Fatalf("%q on %q extracted %s = %q", patterns[int(which)%len(filters)], msg, k, v)
			}
		}
		all, ok := filters[0].Extract(msg)
		if !ok || len(all) != len(splitFields(msg, -1, nil)) {
			t.Fatalf("[] on %q: %v %v", msg, all, ok)
		}
	})
}
