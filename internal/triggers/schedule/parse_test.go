package schedule

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

// corpusCase is one testdata/cron.json entry: an expression, a starting
// instant, and the next fire times chained from it (fewer than 3 when the
// schedule runs out before 2200).
type corpusCase struct {
	Expr string   `json:"expr"`
	From string   `json:"from"`
	Next []string `json:"next"`
	Note string   `json:"note,omitempty"`
}

func loadCorpus(t testing.TB) []corpusCase {
	t.Helper()
	b, err := os.ReadFile("testdata/cron.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []corpusCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatalf("testdata/cron.json: %v", err)
	}
	return cases
}

func TestCorpus(t *testing.T) {
	cases := loadCorpus(t)
	if len(cases) < 60 {
		t.Fatalf("corpus has %d cases, want at least 60", len(cases))
	}
	for _, c := range cases {
		t.Run(c.Expr+"@"+c.From, func(t *testing.T) {
			s, err := Parse(c.Expr)
			if err != nil {
				t.Fatal(err)
			}
			if s.String() != c.Expr {
				t.Errorf("String() = %q", s.String())
			}
			at, err := time.Parse(time.RFC3339, c.From)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for range 3 {
				if at = s.Next(at); at.IsZero() {
					break
				}
				got = append(got, at.Format(time.RFC3339))
			}
			if strings.Join(got, " ") != strings.Join(c.Next, " ") {
				t.Errorf("next = %v, want %v (%s)", got, c.Next, c.Note)
			}
		})
	}
}

// invalidCase is an expression Parse must reject, with a piece of the
// reason the error must give.
type invalidCase struct {
	expr string
	want string
}

var invalidCases = []invalidCase{
	{"", "not a schedule expression"},
	{"0 10 * * ? *", "not a schedule expression"},
	{"cron(0 10 * * ? *", "not a schedule expression"},
	{"at(2026-01-01T10:00:00)", "not a schedule expression"},
	{"cron(0 10 * * * *)", `cron(0 10 * * * *): exactly one of day-of-month and day-of-week must be "?"`},
	{"cron(0 10 ? * ? *)", `exactly one of day-of-month and day-of-week must be "?"`},
	{"cron(0 10 1 * 2 *)", `exactly one of day-of-month and day-of-week must be "?"`},
	{"cron(0 10 * * ?)", "6 fields"},
	{"cron(0 0 10 * * ? *)", "6 fields"},
	{"cron()", "6 fields"},
	{"cron(60 10 * * ? *)", "minutes: 60 is out of range 0-59"},
	{"cron(0 24 * * ? *)", "hours: 24 is out of range 0-23"},
	{"cron(0 10 0 * ? *)", "day-of-month: 0 is out of range 1-31"},
	{"cron(0 10 32 * ? *)", "day-of-month: 32 is out of range 1-31"},
	{"cron(0 10 * 13 ? *)", "month: 13 is out of range 1-12"},
	{"cron(0 10 ? * 0 *)", "day-of-week: 0 is out of range 1-7"},
	{"cron(0 10 ? * 8 *)", "day-of-week: 8 is out of range 1-7"},
	{"cron(0 10 * * ? 1969)", "year: 1969 is out of range 1970-2199"},
	{"cron(0 10 * * ? 2200)", "year: 2200 is out of range 1970-2199"},
	{"cron(0 10 * * ? 2030-2020)", `year: range "2030-2020" runs backwards`},
	{"cron(0 10 * FOO ? *)", `month: "FOO" is not a number or a name JAN-DEC`},
	{"cron(0 10 ? * MONDAY *)", `day-of-week: "MONDAY" is not a number or a name SUN-SAT`},
	{"cron(0 10 ? * 3#1,6#3 *)", `only one "#" expression is allowed`},
	{"cron(0 10 ? * 3#6 *)", `the occurrence after "#" must be 1-5`},
	{"cron(0 10 ? * 3#0 *)", `the occurrence after "#" must be 1-5`},
	{"cron(0 10 ? * 8#1 *)", `"#" takes a single weekday`},
	{"cron(0 10 ? * 3#1,5 *)", `"#" takes a single weekday and occurrence`},
	{"cron(0 10 ? * 2-3#1 *)", `"#" takes a single weekday and occurrence`},
	{"cron(0 10 32W * ? *)", `"W" takes a single day 1-31`},
	{"cron(0 10 1-5W * ? *)", `"W" takes a single day 1-31`},
	{"cron(0 10 1,L * ? *)", `"L", "LW" and "nW" must stand alone`},
	{"cron(0 10 L-3 * ? *)", `"L", "LW" and "nW" must stand alone`},
	{"cron(0 10 ? * 1-2L *)", `"L" takes a single weekday`},
	{"cron(0 10 ? * L,1 *)", `"L" must stand alone or follow a single weekday`},
	{"cron(0/0 * * * ? *)", `minutes: "0/0": the step must be a number 1-60`},
	{"cron(0/61 * * * ? *)", `the step must be a number 1-60`},
	{"cron(*/ * * * ? *)", `the step must be a number`},
	{"cron(0 ? * * ? *)", `hours: "?" is allowed only in day-of-month and day-of-week`},
	{"cron(0 10 * * ? ?)", `year: "?" is allowed only`},
	{"cron(0 10 1W ? ? *)", `month: "?" is allowed only`},
	{"cron(1,,2 10 * * ? *)", "minutes: missing value"},
	{"cron(-5 10 * * ? *)", "minutes: missing value"},
	{"cron(0 10 ? * 2W *)", `day-of-week: "2W" is not a number`},
	{"cron(0 10 L-2 * ? *)", `must stand alone`},
	{"cron(0 10 ? * # *)", `"#" takes a single weekday`},
	{"cron(+5 10 * * ? *)", `"+5" is not a number`},
	{"cron(99999999999999999999 10 * * ? *)", "is out of range 0-59"},
	{"rate(1 minutes)", "a rate of 1 takes a singular unit (minute)"},
	{"rate(2 hour)", "a rate above 1 takes a plural unit (hours)"},
	{"rate(5 hour)", "plural unit (hours)"},
	{"rate(1 hours)", "singular unit (hour)"},
	{"rate(0 minutes)", "rate value must be at least 1"},
	{"rate(-1 minutes)", `rate value "-1" is not a positive whole number`},
	{"rate(1.5 hours)", "is not a positive whole number"},
	{"rate(5 seconds)", `unknown rate unit "seconds"`},
	{"rate(5 weeks)", `unknown rate unit "weeks"`},
	{"rate(5)", "a rate has two fields"},
	{"rate(5 minutes extra)", "a rate has two fields"},
	{"rate(5 MINUTES)", `unknown rate unit "MINUTES"`},
	{"rate(1000001 minutes)", "too large"},
}

func TestParseInvalid(t *testing.T) {
	for _, c := range invalidCases {
		t.Run(c.expr, func(t *testing.T) {
			s, err := Parse(c.expr)
			if err == nil {
				t.Fatalf("accepted, String() = %q", s.String())
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q\nwant it to contain %q", err, c.want)
			}
		})
	}
}

// validCase is an expression that must parse to the given first fire time
// after 2026-01-01T00:00:00Z (a Thursday).
type validCase struct {
	expr string
	next string
}

func TestParseValid(t *testing.T) {
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []validCase{
		{"cron(0 10 * * ? *)", "2026-01-01T10:00:00Z"},
		{"cron(0  10\t*  * ? *)", "2026-01-01T10:00:00Z"}, // any white space separates fields
		{"cron(0 10 ? jan fri *)", "2026-01-02T10:00:00Z"},
		{"cron(0 10 ? * Fri#1 *)", "2026-01-02T10:00:00Z"},
		{"cron(0 10 ? * friL *)", "2026-01-30T10:00:00Z"},
		{"cron(0 10 lw * ? *)", "2026-01-30T10:00:00Z"},
		{"cron(0 10 ? * 6#1 *)", "2026-01-02T10:00:00Z"},
		{"cron(0 10 ? JAN/6 SAT *)", "2026-01-03T10:00:00Z"},
		{"cron(0 10 ? * * *)", "2026-01-01T10:00:00Z"},
		{"cron(0 0 1 1 ? 1970-2199/229)", "2199-01-01T00:00:00Z"},
		{"cron(59 23 31 12 ? 2199)", "2199-12-31T23:59:00Z"},
		{"rate(1 minute)", "2026-01-01T00:01:00Z"},
		{"rate(1000000 minutes)", "2027-11-26T10:40:00Z"},
	} {
		t.Run(c.expr, func(t *testing.T) {
			s, err := Parse(c.expr)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Next(from).Format(time.RFC3339); got != c.next {
				t.Errorf("Next = %s, want %s", got, c.next)
			}
		})
	}
}

// boundaryCase pins Next at the edges of the supported years.
type boundaryCase struct {
	name string
	expr string
	from time.Time
	want time.Time
}

func TestNextBoundaries(t *testing.T) {
	utc := func(y int, m time.Month, d, h, mi int) time.Time { return time.Date(y, m, d, h, mi, 0, 0, time.UTC) }
	for _, c := range []boundaryCase{
		{"before 1970", "cron(0 0 1 1 ? *)", utc(1900, 5, 1, 0, 0), utc(1970, 1, 1, 0, 0)},
		{"zero time", "cron(30 * * * ? *)", time.Time{}, utc(1970, 1, 1, 0, 30)},
		{"after 2199", "cron(* * * * ? *)", utc(2200, 1, 1, 0, 0), time.Time{}},
		{"last minute", "cron(* * * * ? *)", utc(2199, 12, 31, 23, 59), time.Time{}},
		{"strictly after", "cron(0 10 * * ? *)", utc(2026, 1, 1, 10, 0), utc(2026, 1, 2, 10, 0)},
		{"seconds ignored", "cron(0 10 * * ? *)", utc(2026, 1, 1, 9, 59).Add(59*time.Second + 999*time.Millisecond), utc(2026, 1, 1, 10, 0)},
		{"other zone", "cron(0 10 * * ? *)", time.Date(2026, 1, 1, 11, 30, 0, 0, time.FixedZone("X", 2*3600)), utc(2026, 1, 1, 10, 0)},
		{"rate after 2199", "rate(1 day)", utc(2200, 1, 1, 0, 0), time.Time{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := Parse(c.expr)
			if err != nil {
				t.Fatal(err)
			}
			got := s.Next(c.from)
			if !got.Equal(c.want) || (!got.IsZero() && got.Location() != time.UTC) {
				t.Errorf("Next(%s) = %s, want %s UTC", c.from, got, c.want)
			}
		})
	}
}

func TestRateAnchor(t *testing.T) {
	s, err := Parse("rate(10 minutes)")
	if err != nil {
		t.Fatal(err)
	}
	r := s.(*Rate)
	if r.Period() != 10*time.Minute {
		t.Errorf("Period = %s", r.Period())
	}
	if _, ok := r.Anchor(); ok {
		t.Fatal("anchored before any Next")
	}
	load := time.Date(2026, 1, 1, 10, 3, 45, 0, time.UTC)
	if got, want := r.Next(load), load.Truncate(time.Minute).Add(10*time.Minute); !got.Equal(want) {
		t.Errorf("first Next = %s, want %s", got, want)
	}
	if a, _ := r.Anchor(); !a.Equal(time.Date(2026, 1, 1, 10, 3, 0, 0, time.UTC)) {
		t.Errorf("anchor = %s", a)
	}
	// Later questions keep the anchor: 10:13, 10:23, …
	if got := r.Next(load.Add(time.Hour)); !got.Equal(time.Date(2026, 1, 1, 11, 13, 0, 0, time.UTC)) {
		t.Errorf("Next an hour later = %s", got)
	}
	if got := r.Next(time.Date(2026, 1, 1, 11, 13, 0, 0, time.UTC)); !got.Equal(time.Date(2026, 1, 1, 11, 23, 0, 0, time.UTC)) {
		t.Errorf("Next at a fire time = %s, want the one after", got)
	}
	// Before the anchor: the first fire.
	if got := r.Next(load.Add(-time.Hour)); !got.Equal(time.Date(2026, 1, 1, 10, 13, 0, 0, time.UTC)) {
		t.Errorf("Next before the anchor = %s", got)
	}
	r.SetAnchor(time.Date(2025, 12, 31, 23, 59, 59, 0, time.UTC))
	if got := r.Next(load); !got.Equal(time.Date(2026, 1, 1, 10, 9, 0, 0, time.UTC)) {
		t.Errorf("Next after SetAnchor = %s", got)
	}
}
