package pattern

import (
	"errors"
	"strings"
	"sync"
	"testing"
)

func TestGlob(t *testing.T) {
	type tc struct {
		glob, value string
		want        bool
	}
	for _, c := range []tc{
		{"*", "", true},
		{"*", "anything", true},
		{"a*", "a", true},
		{"a*", "ba", false},
		{"*a", "ba", true},
		{"*a", "ab", false},
		{"a*a", "a", false}, // the two literal parts cannot overlap
		{"a*a", "aa", true},
		{"*ab*ab*", "abab", true},
		{"*ab*ab*", "aba", false},
		{"x*y*z", "xyz", true},
		{"x*y*z", "xzy", false},
		{`\**`, "*star", true},
		{`\**`, "star", false},
		{`a\\b`, `a\b`, true},
		{"ünï*cödé", "ünïXcödé", true},
	} {
		g, rule := parseGlob(c.glob)
		if rule != "" {
			t.Fatalf("parseGlob(%q): %s", c.glob, rule)
		}
		if got := g.Match(c.value); got != c.want {
			t.Errorf("glob %q match %q = %v, want %v", c.glob, c.value, got, c.want)
		}
	}
}

func TestFlattenErrors(t *testing.T) {
	type tc struct{ name, event, want string }
	for _, c := range []tc{
		{"array", `[1]`, "not a JSON object"},
		{"string", `"x"`, "not a JSON object"},
		{"empty", ``, "unexpected end of input"},
		{"truncated", `{"a":`, "unexpected end of input"},
		{"bad number", `{"a":01}`, "expected ',' or '}'"},
		{"bad literal", `{"a":nul}`, "unexpected character"},
		{"control char", "{\"a\":\"x\ny\"}", "control character"},
		{"bad escape", `{"a":"\x"}`, "invalid escape"},
		{"deep", strings.Repeat(`{"a":`, MaxEventDepth+1) + "1" + strings.Repeat("}", MaxEventDepth+1), "nesting too deep"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Flatten([]byte(c.event))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Flatten(%.40q) error = %v, want %q", c.event, err, c.want)
			}
		})
	}
}

func TestMatchInvalidEvent(t *testing.T) {
	p, err := Compile([]byte(`{"source": [{"exists": false}]}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range []string{``, `{`, `[]`, `null`, `{"source":}`} {
		if p.Match([]byte(ev)) {
			t.Errorf("Match(%q) = true for invalid event", ev)
		}
	}
	if !p.Match([]byte(`{}`)) {
		t.Error("exists:false should match the empty event")
	}
}

func TestErrorFormat(t *testing.T) {
	_, err := Compile([]byte(`{"detail": {"total": [{"numeric": [">", 0, "<="]}]}}`))
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v is %T, want *Error", err, err)
	}
	if pe.Path != "detail.total" || pe.Rule != "numeric: expected [op, number] pairs" {
		t.Errorf("got Path %q Rule %q", pe.Path, pe.Rule)
	}
	if got, want := err.Error(), "detail.total: numeric: expected [op, number] pairs"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	_, err = Compile([]byte(`[]`))
	if got, want := err.Error(), "pattern must be a JSON object"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestNumericBounds(t *testing.T) {
	type tc struct {
		pattern string
		ok      bool
	}
	for _, c := range []tc{
		{`{"n":[{"numeric":["=",5e9]}]}`, true},
		{`{"n":[{"numeric":["=",-5e9]}]}`, true},
		{`{"n":[{"numeric":["=",5000000001]}]}`, false},
		{`{"n":[{"numeric":[">=",1,"<=",1]}]}`, true}, // a one-point range
		{`{"n":[{"numeric":[">",1,"<=",1]}]}`, false},
		{`{"n":[{"numeric":["<",1,"<",2]}]}`, false},
		{`{"n":[{"numeric":[">",1,">",2]}]}`, false},
		{`{"n":[{"numeric":[]}]}`, false},
	} {
		_, err := Compile([]byte(c.pattern))
		if (err == nil) != c.ok {
			t.Errorf("Compile(%s) error = %v, want ok=%v", c.pattern, err, c.ok)
		}
	}
}

// TestConcurrentMatch: patterns and events are shared read-only across
// goroutines (run with -race).
func TestConcurrentMatch(t *testing.T) {
	ps := compileAll(t, benchRules(24))
	e, err := Flatten([]byte(benchEvent))
	if err != nil {
		t.Fatal(err)
	}
	want := make([]bool, len(ps))
	for i, p := range ps {
		want[i] = p.MatchEvent(e)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				for i, p := range ps {
					if p.MatchEvent(e) != want[i] {
						errs <- "result changed under concurrency"
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
}

func TestExact(t *testing.T) {
	type tc struct {
		pattern, path string
		want          []string
		ok            bool
	}
	for _, c := range []tc{
		{`{"source":["aws.ec2","aws.s3"]}`, "source", []string{"aws.ec2", "aws.s3"}, true},
		{`{"source":["aws.ec2"],"detail-type":["X"]}`, "detail-type", []string{"X"}, true},
		{`{"source":["aws.ec2",{"prefix":"c"}]}`, "source", nil, false},
		{`{"source":[5]}`, "source", nil, false},
		{`{"detail":{"state":["a"]}}`, "detail.state", []string{"a"}, true},
		{`{"detail":{"state":["a"]}}`, "source", nil, false},
		{`{"$or":[{"source":["a"]},{"source":["b"]}]}`, "source", nil, false},
	} {
		p, err := Compile([]byte(c.pattern))
		if err != nil {
			t.Fatal(err)
		}
		got, ok := p.Exact(c.path)
		if ok != c.ok || strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("Exact(%s, %q) = %q, %v; want %q, %v", c.pattern, c.path, got, ok, c.want, c.ok)
		}
	}
}
