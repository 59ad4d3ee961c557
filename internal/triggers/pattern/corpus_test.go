package pattern

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// matchCase is one entry of testdata/match/*.json: a pattern, an event and
// whether they match, with the documented statement it is derived from.
type matchCase struct {
	Name    string          `json:"name"`
	Source  string          `json:"source"`
	Pattern json.RawMessage `json:"pattern"`
	Event   json.RawMessage `json:"event"`
	Match   bool            `json:"match"`
}

// invalidCase is one entry of testdata/invalid.json. PatternText holds
// patterns that are not JSON, and the markers LARGE and DEEP.
type invalidCase struct {
	Name        string          `json:"name"`
	Source      string          `json:"source"`
	Pattern     json.RawMessage `json:"pattern"`
	PatternText string          `json:"patternText"`
	Error       string          `json:"error"`
}

func (c invalidCase) text() []byte {
	switch c.PatternText {
	case "":
		return c.Pattern
	case "LARGE":
		return []byte(`{"source": ["` + strings.Repeat("a", MaxPatternSize) + `"]}`)
	case "DEEP":
		return []byte(strings.Repeat(`{"a":`, MaxPatternDepth+1) + `["x"]` + strings.Repeat("}", MaxPatternDepth+1))
	}
	return []byte(c.PatternText)
}

func loadMatchCases(tb testing.TB) []matchCase {
	tb.Helper()
	files, err := filepath.Glob("testdata/match/*.json")
	if err != nil || len(files) == 0 {
		tb.Fatalf("no corpus files: %v", err)
	}
	var all []matchCase
	for _, f := range files {
		var cases []matchCase
		readJSON(tb, f, &cases)
		base := strings.TrimSuffix(filepath.Base(f), ".json")
		for _, c := range cases {
			c.Name = base + "/" + c.Name
			all = append(all, c)
		}
	}
	return all
}

func loadInvalidCases(tb testing.TB) []invalidCase {
	tb.Helper()
	var cases []invalidCase
	readJSON(tb, "testdata/invalid.json", &cases)
	return cases
}

func readJSON(tb testing.TB, name string, v any) {
	tb.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
}

func TestCorpus(t *testing.T) {
	cases := loadMatchCases(t)
	if len(cases) < 150 {
		t.Errorf("corpus has %d cases, want at least 150", len(cases))
	}
	seen := map[string]bool{}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			if seen[c.Name] {
				t.Fatalf("duplicate case name")
			}
			seen[c.Name] = true
			if c.Source == "" {
				t.Error("case has no source")
			}
			p, err := Compile(c.Pattern)
			if err != nil {
				t.Fatalf("Compile(%s): %v", c.Pattern, err)
			}
			if got := p.Match(c.Event); got != c.Match {
				t.Errorf("Match(%s, %s) = %v, want %v (%s)", c.Pattern, c.Event, got, c.Match, c.Source)
			}
			e, err := Flatten(c.Event)
			if err != nil {
				t.Fatalf("Flatten: %v", err)
			}
			if got := p.MatchEvent(e); got != c.Match {
				t.Errorf("MatchEvent = %v, want %v", got, c.Match)
			}
		})
	}
}

func TestInvalidPatterns(t *testing.T) {
	cases := loadInvalidCases(t)
	if len(cases) < 30 {
		t.Errorf("invalid corpus has %d cases, want at least 30", len(cases))
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			if c.Source == "" || c.Error == "" {
				t.Error("case needs a source and an error fragment")
			}
			p, err := Compile(c.text())
			if err == nil {
				t.Fatalf("Compile(%s) = %v, want error containing %q", c.text(), p, c.Error)
			}
			if !strings.Contains(err.Error(), c.Error) {
				t.Errorf("Compile(%s) error %q, want it to contain %q", c.text(), err, c.Error)
			}
			if _, ok := err.(*Error); !ok {
				t.Errorf("error is %T, want *Error", err)
			}
		})
	}
}
