package logs

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/errs"
)

// sample is a day and a half of a function's log, appended slightly out of
// order as concurrent sandboxes do.
var sample = []Event{
	ev(-24*time.Hour, "s1", "START RequestId: a"),
	ev(-24*time.Hour+time.Second, "s1", "ERROR boom a"),
	ev(0, "s2", "START RequestId: b"),
	ev(2*time.Second, "s2", "ERROR timeout after 3s"),
	ev(time.Second, "s3", "INFO hello world\tand a tab\r"),
	ev(3*time.Second, "s2", "WARN slow"),
	ev(4*time.Second, "s2", "END RequestId: b"),
}

func TestQuery(t *testing.T) {
	type tc struct {
		name string
		q    Query
		want []string
	}
	cases := []tc{
		{"all", Query{}, []string{"START RequestId: a", "ERROR boom a", "START RequestId: b", "INFO hello world\tand a tab\r", "ERROR timeout after 3s", "WARN slow", "END RequestId: b"}},
		{"since", Query{Since: t0}, []string{"START RequestId: b", "INFO hello world\tand a tab\r", "ERROR timeout after 3s", "WARN slow", "END RequestId: b"}},
		{"until inclusive", Query{Until: t0.Add(time.Second)}, []string{"START RequestId: a", "ERROR boom a", "START RequestId: b", "INFO hello world\tand a tab\r"}},
		{"window", Query{Since: t0.Add(time.Second), Until: t0.Add(3 * time.Second)}, []string{"INFO hello world\tand a tab\r", "ERROR timeout after 3s", "WARN slow"}},
		{"since future", Query{Since: t0.Add(time.Hour)}, []string{}},
		{"term", Query{Filter: "ERROR"}, []string{"ERROR boom a", "ERROR timeout after 3s"}},
		{"terms all", Query{Filter: "ERROR timeout"}, []string{"ERROR timeout after 3s"}},
		{"case-sensitive", Query{Filter: "error"}, []string{}},
		{"phrase", Query{Filter: `"hello world"`}, []string{"INFO hello world\tand a tab\r"}},
		{"phrase not terms", Query{Filter: `"world hello"`}, []string{}},
		{"exclude", Query{Filter: "-START -END"}, []string{"ERROR boom a", "INFO hello world\tand a tab\r", "ERROR timeout after 3s", "WARN slow"}},
		{"any", Query{Filter: "?WARN ?INFO"}, []string{"INFO hello world\tand a tab\r", "WARN slow"}},
		{"regex", Query{Filter: `%after \d+s$%`}, []string{"ERROR timeout after 3s"}},
		{"limit newest", Query{Limit: 2}, []string{"WARN slow", "END RequestId: b"}},
		{"limit spans days", Query{Limit: 6}, []string{"ERROR boom a", "START RequestId: b", "INFO hello world\tand a tab\r", "ERROR timeout after 3s", "WARN slow", "END RequestId: b"}},
		{"limit filter", Query{Filter: "ERROR", Limit: 1}, []string{"ERROR timeout after 3s"}},
		{"limit large", Query{Filter: "START", Limit: 100}, []string{"START RequestId: a", "START RequestId: b"}},
		{"limit since", Query{Since: t0.Add(-time.Hour), Limit: 1}, []string{"END RequestId: b"}},
	}
	s := openStore(t, t.TempDir(), Options{FlushInterval: time.Hour})
	mustAppend(t, s.Group(testGroup, 0), sample...)
	// Once with the events still queued, once written to the day files.
	for _, state := range []string{"queued", "written"} {
		if state == "written" {
			if err := s.flushAll(); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range cases {
			t.Run(state+"/"+c.name, func(t *testing.T) {
				equal(t, "messages", mustQuery(t, s, testGroup, c.q), c.want)
			})
		}
	}
	days, _ := filepath.Glob(filepath.Join(s.dir, groupDir(testGroup), "*"+dayExt))
	if len(days) != 2 {
		t.Fatalf("day files = %q, want yesterday and today", days)
	}
}

func TestQueryErrors(t *testing.T) {
	type tc struct {
		name  string
		group string
		q     Query
		kind  errs.Kind
	}
	s := openStore(t, t.TempDir(), Options{})
	s.Group(testGroup, 0)
	for _, c := range []tc{
		{"unknown group", "/aws/lambda/nope", Query{}, errs.NotFound},
		{"bad filter", testGroup, Query{Filter: `"open`}, errs.Invalid},
		{"malformed json filter", testGroup, Query{Filter: `{ $.level = }`}, errs.Invalid},
		{"negative limit", testGroup, Query{Limit: -1}, errs.Invalid},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Query(c.group, c.q)
			if !errs.Is(c.kind, err) {
				t.Fatalf("err = %v, want kind %v", err, c.kind)
			}
		})
	}
}

func TestRestart(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	mustAppend(t, s.Group(testGroup, 48*time.Hour), sample...)
	mustAppend(t, s.Group("/aws/lambda/other", 0), ev(0, "x", "other"))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Group(testGroup, 0).Append(ev(0, "x", "late")); !errs.Is(errs.Unavailable, err) {
		t.Fatalf("Append after Close = %v, want unavailable", err)
	}

	s = openStore(t, dir, Options{SweepInterval: -1})
	equal(t, "groups", s.Groups(), []string{"/aws/lambda/hello", "/aws/lambda/other"})
	equal(t, "after restart", mustQuery(t, s, testGroup, Query{Filter: "RequestId"}),
		[]string{"START RequestId: a", "START RequestId: b", "END RequestId: b"})
	g, _ := s.lookup("test", testGroup)
	if r := time.Duration(g.retention.Load()); r != 48*time.Hour {
		t.Fatalf("retention after restart = %v, want 48h", r)
	}
	// Appending after a restart continues the same files.
	mustAppend(t, s.Group(testGroup, 48*time.Hour), ev(5*time.Second, "s2", "again"))
	equal(t, "appended", mustQuery(t, s, testGroup, Query{Limit: 2}), []string{"END RequestId: b", "again"})
}

func TestFlushIsPrompt(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{FlushInterval: 20 * time.Millisecond})
	mustAppend(t, s.Group(testGroup, 0), Event{Stream: "s", Message: "now"})
	path := filepath.Join(s.dir, groupDir(testGroup), time.Now().UTC().Format(dayFmt)+dayExt)
	eventually(t, "the event on disk", func() bool {
		b, _ := os.ReadFile(path)
		return strings.Contains(string(b), `"m":"now"`)
	})
}

func TestSweep(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{FlushInterval: time.Hour, SweepInterval: -1})
	keep := s.Group("/aws/lambda/forever", 0)
	week := s.Group(testGroup, 7*24*time.Hour)
	for d := -10; d <= 0; d++ {
		e := ev(time.Duration(d)*24*time.Hour, "s", fmt.Sprintf("day %d", d))
		mustAppend(t, keep, e)
		mustAppend(t, week, e)
	}
	if err := s.flushAll(); err != nil {
		t.Fatal(err)
	}
	type tc struct {
		now   time.Time
		first string // oldest message left in the week group
	}
	for _, c := range []tc{
		{t0, "day -7"}, // day -8 ended 7 days and 10 h before now
		{t0, "day -7"}, // idempotent
		{t0.Add(14 * time.Hour), "day -6"},
		{t0.Add(30 * 24 * time.Hour), ""},
	} {
		if err := s.Sweep(c.now); err != nil {
			t.Fatal(err)
		}
		got := mustQuery(t, s, testGroup, Query{})
		first := ""
		if len(got) > 0 {
			first = got[0]
		}
		if first != c.first {
			t.Fatalf("Sweep(%v): oldest = %q, want %q (all %q)", c.now, first, c.first, got)
		}
	}
	if n := len(mustQuery(t, s, "/aws/lambda/forever", Query{})); n != 11 {
		t.Fatalf("retention 0 kept %d events, want 11", n)
	}
	// The group still takes events after its files were swept.
	mustAppend(t, week, ev(31*24*time.Hour, "s", "new"))
	if err := s.flushAll(); err != nil {
		t.Fatal(err)
	}
	equal(t, "after sweep", mustQuery(t, s, testGroup, Query{}), []string{"new"})
}

func TestGroupNameEscape(t *testing.T) {
	type tc struct{ name string }
	root := t.TempDir()
	dir := filepath.Join(root, "logs")
	s := openStore(t, dir, Options{FlushInterval: time.Hour})
	names := []tc{
		{"../x"}, {".."}, {"."}, {"../../etc/passwd"}, {"/aws/lambda/../../../x"}, {`..\x`},
		{"a/b"}, {"a%2Fb"}, {"a\x00b"}, {"us-east-1.fn"}, {strings.Repeat("ab/", 300)}, {strings.Repeat("ab/", 300) + "c"},
	}
	for _, c := range names {
		d := groupDir(c.name)
		if d == "" || d == "." || d == ".." || strings.ContainsAny(d, `/\`+"\x00") || len(d) > maxDirName {
			t.Errorf("groupDir(%q) = %q: not a safe folder name", c.name, d)
		}
		mustAppend(t, s.Group(c.name, 0), ev(0, "s", c.name))
	}
	if err := s.flushAll(); err != nil {
		t.Fatal(err)
	}
	// Nothing but dir was written under root, and each group reads its own.
	entries, _ := os.ReadDir(root)
	if len(entries) != 1 || entries[0].Name() != "logs" {
		t.Fatalf("root holds %v, want only logs/", entries)
	}
	for _, c := range names {
		equal(t, c.name, mustQuery(t, s, c.name, Query{}), []string{c.name})
	}
	if err := s.Group("", 0).Append(ev(0, "s", "x")); !errs.Is(errs.Invalid, err) {
		t.Fatalf("Append to the empty name = %v, want invalid", err)
	}
}

func TestDropWhenFull(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{MaxPendingBytes: 10 * (eventOverhead + 10)})
	g := s.Group(testGroup, 0)
	// Hold the writer off, as a slow disk would.
	g.flushMu.Lock()
	for i := range 25 {
		if err := g.Append(ev(time.Duration(i)*time.Millisecond, "s", fmt.Sprintf("line %04d", i))); err != nil {
			t.Fatal(err)
		}
	}
	g.flushMu.Unlock()
	if d := s.Dropped(); d != 15 {
		t.Fatalf("Dropped = %d, want 15 (10 events of 74 bytes fit)", d)
	}
	s.Close()
	s = openStore(t, s.dir, Options{})
	got := mustQuery(t, s, testGroup, Query{})
	if len(got) != 11 || got[9] != "line 0009" || !strings.HasPrefix(got[10], "[verge] 15 log events dropped") {
		t.Fatalf("after a flood: %q", got)
	}
}

func TestConcurrentAppend(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{FlushInterval: time.Millisecond})
	g := s.Group(testGroup, 0)
	const writers, each = 4, 500
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				if err := g.Append(Event{Stream: fmt.Sprint(w), Message: fmt.Sprintf("w%d %d", w, i)}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	// Queries race with the writer and each other; they must never see an
	// event twice.
	for range 20 {
		evs, err := s.Query(testGroup, Query{})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, e := range evs {
			if seen[e.Message] {
				t.Fatalf("event %q seen twice", e.Message)
			}
			seen[e.Message] = true
		}
	}
	wg.Wait()
	if n := len(mustQuery(t, s, testGroup, Query{})); n != writers*each {
		t.Fatalf("got %d events, want %d", n, writers*each)
	}
}

func TestTornLine(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	mustAppend(t, s.Group(testGroup, 0), ev(0, "s", "before"))
	s.Close()
	// A crash cut the last write short.
	path := filepath.Join(dir, groupDir(testGroup), t0.Format(dayFmt)+dayExt)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"t":1,"s":"s","m":"cut sh`)
	f.Close()
	s = openStore(t, dir, Options{})
	mustAppend(t, s.Group(testGroup, 0), ev(time.Second, "s", "after"))
	if err := s.flushAll(); err != nil {
		t.Fatal(err)
	}
	equal(t, "around a torn line", mustQuery(t, s, testGroup, Query{}), []string{"before", "after"})
}

func TestEventNormalized(t *testing.T) {
	s := openStore(t, t.TempDir(), Options{})
	g := s.Group(testGroup, 0)
	before := time.Now().Add(-time.Second)
	long := strings.Repeat("é", MaxMessageBytes) // 2 bytes a rune
	mustAppend(t, g, Event{Stream: "s", Message: long}, Event{Time: t0.Add(1234567 * time.Nanosecond), Stream: "s", Message: "ms"})
	evs, err := s.Query(testGroup, Query{})
	if err != nil {
		t.Fatal(err)
	}
	if evs[0].Time != t0.Add(time.Millisecond) {
		t.Errorf("time = %v, want rounded down to the millisecond", evs[0].Time)
	}
	if evs[1].Time.Before(before) {
		t.Errorf("zero time became %v, want now", evs[1].Time)
	}
	if m := evs[1].Message; len(m) > MaxMessageBytes || !strings.HasPrefix(long, m) || len(m) < MaxMessageBytes-1 {
		t.Errorf("long message kept %d bytes, want %d on a rune boundary", len(m), MaxMessageBytes)
	}
}
