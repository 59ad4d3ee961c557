package logs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/verge-edge/verge/internal/errs"
)

const apiGroup = "/custom/app"

func TestCreateGroup(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, Options{FlushInterval: time.Hour, SweepInterval: -1})
	if err := s.CreateGroup(apiGroup, 0, "INFREQUENT_ACCESS", nil); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateGroup(apiGroup, 0, "", nil); !errs.Is(errs.Exist, err) {
		t.Errorf("second CreateGroup: %v, want kind Exist", err)
	}
	s.Group(testGroup, 0) // a function's group exists too
	if err := s.CreateGroup(testGroup, 0, "", nil); !errs.Is(errs.Exist, err) {
		t.Errorf("CreateGroup of a function's group: %v, want kind Exist", err)
	}
	if err := s.CreateGroup("", 0, "", nil); !errs.Is(errs.Invalid, err) {
		t.Errorf("CreateGroup(\"\"): %v, want kind Invalid", err)
	}
	if err := s.SetRetention(apiGroup, 3*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := s.SetRetention("/nope", 0); !errs.Is(errs.NotFound, err) {
		t.Errorf("SetRetention of an unknown group: %v", err)
	}
	info, err := s.Info(apiGroup)
	if err != nil || info.Created.IsZero() || info.Retention != 3*24*time.Hour || info.Class != "INFREQUENT_ACCESS" {
		t.Fatalf("Info %+v %v", info, err)
	}
	s.Close()
	s2 := openStore(t, dir, Options{FlushInterval: time.Hour, SweepInterval: -1})
	info2, err := s2.Info(apiGroup)
	if err != nil || info2 != info {
		t.Errorf("after reopening: %+v %v, want %+v", info2, err, info)
	}
}

func TestStreams(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, Options{FlushInterval: time.Hour, SweepInterval: -1})
	if err := s.CreateStream("/nope", "a"); !errs.Is(errs.NotFound, err) {
		t.Errorf("CreateStream in an unknown group: %v", err)
	}
	if err := s.CreateGroup(apiGroup, 0, "", nil); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"b", "a"} {
		if err := s.CreateStream(apiGroup, name); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateStream(apiGroup, "a"); !errs.Is(errs.Exist, err) {
		t.Errorf("second CreateStream: %v, want kind Exist", err)
	}
	if err := s.PutEvents(context.Background(), apiGroup, "nope", []Event{ev(0, "", "x")}); !errors.Is(err, ErrNoStream) || !errs.Is(errs.NotFound, err) {
		t.Errorf("PutEvents to an unknown stream: %v", err)
	}
	if err := s.PutEvents(context.Background(), apiGroup, "a", []Event{ev(0, "ignored", "one"), ev(time.Second, "", "two")}); err != nil {
		t.Fatal(err)
	}
	// A function's stream exists through its events.
	mustAppend(t, s.Group(testGroup, 0), ev(0, "sandbox", "line"))
	if ok, err := s.HasStream(testGroup, "sandbox"); !ok || err != nil {
		t.Errorf("HasStream of a function's stream: %v %v", ok, err)
	}
	if err := s.CreateStream(testGroup, "sandbox"); !errs.Is(errs.Exist, err) {
		t.Errorf("CreateStream of a stream with events: %v", err)
	}

	sts, err := s.Streams(apiGroup)
	if err != nil {
		t.Fatal(err)
	}
	if len(sts) != 2 || sts[0].Name != "a" || sts[0].Events != 2 || sts[0].Ingested.IsZero() || sts[1].Name != "b" || sts[1].Events != 0 || sts[1].Created.IsZero() || !sts[1].First.IsZero() {
		t.Fatalf("streams %+v", sts)
	}
	if got := mustQuery(t, s, apiGroup, Query{}); !slices.Equal(got, []string{"one", "two"}) {
		t.Errorf("events %v", got)
	}
	s.Close()

	s2 := openStore(t, dir, Options{FlushInterval: time.Hour, SweepInterval: -1})
	sts2, err := s2.Streams(apiGroup)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(sts, sts2, func(a, b StreamInfo) bool {
		return a.Name == b.Name && a.Created.Equal(b.Created) && a.Ingested.Equal(b.Ingested) && a.Events == b.Events && a.Bytes == b.Bytes
	}) {
		t.Errorf("after reopening %+v, want %+v", sts2, sts)
	}
}

func TestDeleteStream(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, Options{FlushInterval: time.Hour, SweepInterval: -1})
	g := s.Group(testGroup, 0)
	// Two days written, then one event still queued in each stream.
	mustAppend(t, g, ev(-24*time.Hour, "s1", "old s1"), ev(-24*time.Hour, "s2", "old s2"), ev(0, "s1", "new s1"), ev(0, "s2", "new s2"))
	if err := s.flushAll(); err != nil {
		t.Fatal(err)
	}
	mustAppend(t, g, ev(time.Second, "s1", "queued s1"), ev(time.Second, "s2", "queued s2"))
	if err := s.DeleteStream(testGroup, "s1"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteStream(testGroup, "s1"); !errors.Is(err, ErrNoStream) {
		t.Errorf("second DeleteStream: %v", err)
	}
	want := []string{"old s2", "new s2", "queued s2"}
	if got := mustQuery(t, s, testGroup, Query{}); !slices.Equal(got, want) {
		t.Errorf("after DeleteStream: %v, want %v", got, want)
	}
	// The writer goes on into the rewritten files.
	mustAppend(t, g, ev(2*time.Second, "s2", "later"))
	if err := s.flushAll(); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteStream(testGroup, "s2"); err != nil {
		t.Fatal(err)
	}
	if got := mustQuery(t, s, testGroup, Query{}); len(got) != 0 {
		t.Errorf("after deleting both: %v", got)
	}
	files, _ := filepath.Glob(filepath.Join(dir, groupDir(testGroup), "*"+dayExt))
	if len(files) != 0 {
		t.Errorf("day files left: %v", files)
	}
}

func TestDeleteGroup(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, Options{FlushInterval: time.Hour, SweepInterval: -1})
	g := s.Group(testGroup, 24*time.Hour)
	mustAppend(t, g, ev(0, "s", "before"))
	if err := s.flushAll(); err != nil {
		t.Fatal(err)
	}
	mustAppend(t, g, ev(time.Second, "s", "queued"))
	if err := s.DeleteGroup(testGroup); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteGroup(testGroup); !errs.Is(errs.NotFound, err) {
		t.Errorf("second DeleteGroup: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, groupDir(testGroup))); !os.IsNotExist(err) {
		t.Errorf("folder after DeleteGroup: %v", err)
	}
	if err := s.flushAll(); err != nil { // the queued event went with the group
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, groupDir(testGroup))); !os.IsNotExist(err) {
		t.Errorf("folder after a flush: %v", err)
	}

	// The function logs on: its group comes back, empty but for the new
	// line, with its retention, and survives a restart.
	mustAppend(t, g, ev(2*time.Second, "s", "after"))
	if got := mustQuery(t, s, testGroup, Query{}); !slices.Equal(got, []string{"after"}) {
		t.Errorf("revived group holds %v", got)
	}
	s.Close()
	s2 := openStore(t, dir, Options{FlushInterval: time.Hour, SweepInterval: -1})
	if got := mustQuery(t, s2, testGroup, Query{}); !slices.Equal(got, []string{"after"}) {
		t.Errorf("after reopening: %v", got)
	}
	if info, err := s2.Info(testGroup); err != nil || info.Retention != 24*time.Hour {
		t.Errorf("Info after reopening: %+v %v", info, err)
	}

	// Deleted, then created through the API: the function's lines go to
	// the new group.
	g2 := s2.Group(testGroup, 0)
	if err := s2.DeleteGroup(testGroup); err != nil {
		t.Fatal(err)
	}
	if err := s2.CreateGroup(testGroup, 0, "", nil); err != nil {
		t.Fatal(err)
	}
	mustAppend(t, g2, ev(3*time.Second, "s", "into the new group"))
	if got := mustQuery(t, s2, testGroup, Query{}); !slices.Equal(got, []string{"into the new group"}) {
		t.Errorf("new group holds %v", got)
	}
}

// FuzzRewriteWithout: DeleteStream's rewrite keeps exactly the lines of
// the other streams (and those that do not parse), in order.
func FuzzRewriteWithout(f *testing.F) {
	f.Add("a", "b", "x\ny", "a")
	f.Add("s", "s", "", "s")
	f.Add("é", "\"", "{\"t\":1}", "\"")
	f.Fuzz(func(t *testing.T, s1, s2, msg, del string) {
		if !utf8.ValidString(s1 + s2 + del) {
			t.Skip("stream names come from JSON requests: valid UTF-8")
		}
		path := filepath.Join(t.TempDir(), "d"+dayExt)
		var b []byte
		b = appendRecord(b, 1, s1, msg)
		b = append(b, "not json\n"...)
		b = appendRecord(b, 2, s2, msg)
		b = appendRecord(b, 3, s1, "m")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := rewriteWithout(path, del); err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, r := range []struct {
			ms     int64
			stream string
			m      string
		}{{1, s1, msg}, {2, s2, msg}, {3, s1, "m"}} {
			if r.stream != del {
				want = append(want, strings.TrimSuffix(string(appendRecord(nil, r.ms, r.stream, r.m)), "\n"))
			}
			if r.ms == 1 {
				want = append(want, "not json")
			}
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if g := strings.Split(strings.TrimSuffix(string(got), "\n"), "\n"); !slices.Equal(g, want) {
			t.Errorf("rewritten without %q:\n%q\nwant\n%q", del, g, want)
		}
	})
}

// TestDamagedStreamsFile: a streams.json that does not parse loses the
// empty streams, not the group or its events.
func TestDamagedStreamsFile(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, Options{FlushInterval: time.Hour, SweepInterval: -1})
	if err := s.CreateGroup(apiGroup, 0, "", nil); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"full", "empty"} {
		if err := s.CreateStream(apiGroup, name); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PutEvents(context.Background(), apiGroup, "full", []Event{ev(0, "", "kept")}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := os.WriteFile(filepath.Join(dir, groupDir(apiGroup), streamsFile), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	s2 := openStore(t, dir, Options{FlushInterval: time.Hour, SweepInterval: -1})
	sts, err := s2.Streams(apiGroup)
	if err != nil || len(sts) != 1 || sts[0].Name != "full" || sts[0].Events != 1 {
		t.Errorf("streams %+v %v, want full only", sts, err)
	}
}
