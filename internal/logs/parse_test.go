package logs

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/errs"
)

func TestParseTime(t *testing.T) {
	type tc struct {
		in   string
		want time.Time
	}
	for _, c := range []tc{
		{"10m", t0.Add(-10 * time.Minute)},
		{"2h", t0.Add(-2 * time.Hour)},
		{"90s", t0.Add(-90 * time.Second)},
		{"7d", t0.Add(-7 * 24 * time.Hour)},
		{"1w", t0.Add(-7 * 24 * time.Hour)},
		{"0m", t0},
		{"1h30m", t0.Add(-90 * time.Minute)},
		{" 5m ", t0.Add(-5 * time.Minute)},
		{"2026-11-22T09:00:00Z", t0.Add(-time.Hour)},
		{"2026-11-22T10:00:00.5+01:00", t0.Add(-time.Hour + 500*time.Millisecond)},
		{"2026-11-21", t0.Add(-34 * time.Hour)},
	} {
		got, err := ParseTime(c.in, t0)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{"", "yesterday", "-5m", "5", "m", "5y", "99999999999999999d", "2026-13-01", "1.5h.", "10 m"} {
		if _, err := ParseTime(in, t0); !errs.Is(errs.Invalid, err) {
			t.Errorf("ParseTime(%q) = %v, want invalid", in, err)
		}
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"10m", "2h", "7d", "1w", "1h30m", "2026-11-22T10:00:00Z", "2026-11-22", "-1s", "9223372036854775807s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTime(s, t0)
		if err != nil {
			if !errs.Is(errs.Invalid, err) {
				t.Fatalf("error of the wrong kind: %v", err)
			}
			return
		}
		// An age never lies in the future.
		if _, aerr := parseAge(strings.TrimSpace(s)); aerr == nil && got.After(t0) {
			t.Fatalf("ParseTime(%q) = %v, after now", s, got)
		}
	})
}

// TestRecordMatchesJSON: the hand-written encoder agrees with encoding/json.
func TestRecordMatchesJSON(t *testing.T) {
	for _, m := range []string{"", "plain", "tab\tcr\rnl\n", `q"b\`, "\x00\x1f\x7f", "é😀", "bad\xffutf8\xc3", "\u2028<&>"} {
		got := appendRecord(nil, 1234, "s", m)
		var r record
		if err := json.Unmarshal(got, &r); err != nil {
			t.Fatalf("%q encodes to invalid JSON %s: %v", m, got, err)
		}
		want := strings.ToValidUTF8(m, "\ufffd")
		if r.M != want || r.T != 1234 || r.S != "s" {
			t.Errorf("%q round-trips to %+v", m, r)
		}
	}
}

// FuzzDecodeRecord checks the fast decoder against encoding/json.
func FuzzDecodeRecord(f *testing.F) {
	f.Add([]byte(`{"t":1,"s":"s","m":"m"}`))
	f.Add([]byte(`{"t":-1,"s":"a\tb","m":"\u00e9\ud83d\ude00\/"}`))
	f.Add([]byte(`{"t":01,"s":"","m":""}`))
	f.Add([]byte(`{"t":`))
	f.Add(appendRecord(nil, 1e12, "2026/11/22/[$LATEST]0a", "x\ty\r\x00\xff\\\""))
	f.Fuzz(func(t *testing.T, line []byte) {
		ev, err := decodeRecord(line, "s")
		var r record
		jerr := json.Unmarshal(line, &r)
		if fast, ok := decodeFast(line, ""); ok {
			if jerr != nil {
				t.Fatalf("fast decoder took %q, encoding/json did not: %v", line, jerr)
			}
			if fast.Stream != r.S || fast.Message != r.M || fast.Time.UnixMilli() != r.T {
				t.Fatalf("%q: fast %+v, encoding/json %+v", line, fast, r)
			}
		}
		if err != nil {
			return
		}
		// What decodes re-encodes and decodes to the same event.
		again, err := decodeRecord(appendRecord(nil, ev.Time.UnixMilli(), ev.Stream, ev.Message), "")
		if err != nil || again != ev {
			t.Fatalf("round trip of %q: %+v, %v", line, again, err)
		}
	})
}

func TestFormat(t *testing.T) {
	type tc struct {
		ev   Event
		want string
	}
	for _, c := range []tc{
		{Event{Time: t0.Add(123 * time.Millisecond), Stream: "2026/11/22/[$LATEST]abc", Message: "hello\r"},
			"2026-11-22T10:00:00.123Z  2026/11/22/[$LATEST]abc  hello"},
		{Event{Time: t0.In(time.FixedZone("X", 3600)), Stream: "s", Message: "a\tb"}, "2026-11-22T10:00:00.000Z  s  a\tb"},
	} {
		if got := Format(c.ev); got != c.want {
			t.Errorf("Format = %q, want %q", got, c.want)
		}
	}
	ev := Event{Time: t0.Add(5 * time.Millisecond), Stream: "s/[$LATEST]x", Message: "say \"hi\"\n"}
	for _, c := range []struct{ format, want string }{
		{FormatShort, `2026-11-22T10:00:00.005Z say "hi"`},
		{FormatDetailed, `2026-11-22T10:00:00.005Z  s/[$LATEST]x  say "hi"`},
		{FormatJSON, `{"time":"2026-11-22T10:00:00.005Z","stream":"s/[$LATEST]x","message":"say \"hi\"\n"}`},
	} {
		if got, ok := FormatAs(c.format, ev); !ok || got != c.want {
			t.Errorf("FormatAs(%s) = %q, %v; want %q", c.format, got, ok, c.want)
		}
	}
	if _, ok := FormatAs("long", ev); ok {
		t.Error("FormatAs took an unknown format")
	}
	name := StreamName(t0, "$LATEST")
	if !strings.HasPrefix(name, "2026/11/22/[$LATEST]") || len(name) != len("2026/11/22/[$LATEST]")+32 || name == StreamName(t0, "$LATEST") {
		t.Errorf("StreamName = %q", name)
	}
}
