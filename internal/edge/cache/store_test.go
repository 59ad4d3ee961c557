package cache

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func entryOf(key, dist, path string, size int) *Entry {
	return &Entry{Key: key, Dist: dist, Path: path, Status: 200,
		Header: http.Header{"Content-Type": {"text/plain"}, "Etag": {`"x"`}},
		Body:   []byte(strings.Repeat("b", size)), ResponseTime: time.Now(), TTL: time.Hour, ETag: `"x"`}
}

func TestMatcher(t *testing.T) {
	type tc struct {
		dist  string
		paths []string
		eDist string
		path  string
		want  bool
	}
	for _, c := range []tc{
		{"site", []string{"/a"}, "site", "/a", true},
		{"site", []string{"/a"}, "site", "/ab", false},
		{"site", []string{"/a*"}, "site", "/ab", true},
		{"site", []string{"/*"}, "other", "/a", false},
		{"", []string{"/*"}, "other", "/a", true},
		{"site", []string{"/img/*", "/x"}, "site", "/img/1.png", true},
	} {
		if got := NewMatcher(c.dist, c.paths).Match(c.eDist, c.path); got != c.want {
			t.Errorf("%v on %s%s = %v, want %v", c.paths, c.eDist, c.path, got, c.want)
		}
	}
}

func TestMemoryBudget(t *testing.T) {
	const budget = 4 << 20
	m := NewMemory(budget)
	defer m.Close()
	for i := range 500 {
		m.Set(entryOf(fmt.Sprint("k", i), "site", fmt.Sprint("/", i), 100<<10))
	}
	m.c.CleanUp()
	if st := m.Stats(); st.Bytes > budget*11/10 || st.Entries == 0 {
		t.Errorf("memory store holds %d bytes in %d entries; budget %d (+10%%)", st.Bytes, st.Entries, budget)
	}
	m.Set(entryOf("huge", "site", "/huge", budget+1))
	if _, ok := m.Get("huge"); ok {
		t.Error("an entry larger than the budget was stored")
	}
}

func TestDiskSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	d, err := OpenDisk(dir, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	e := entryOf("site\x00/a", "site", "/a", 1000)
	e.Vary = []string{"Accept-Language"}
	d.Set(e)
	d.Set(entryOf("site\x00/b", "site", "/b", 10))
	d.Close()

	d2, err := OpenDisk(dir, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := d2.Get("site\x00/a")
	if !ok || string(got.Body) != string(e.Body) || got.ETag != `"x"` || got.TTL != time.Hour ||
		got.Header.Get("Content-Type") != "text/plain" || got.Vary[0] != "Accept-Language" {
		t.Fatalf("after restart: %+v %v", got, ok)
	}
	if n := d2.Purge(NewMatcher("site", []string{"/b"})); n != 1 {
		t.Errorf("purged %d", n)
	}
	if _, ok := d2.Get("site\x00/b"); ok {
		t.Error("purged entry still there")
	}
}

func TestDiskEvictsAndDropsCorrupt(t *testing.T) {
	dir := t.TempDir()
	d, err := OpenDisk(dir, 64<<10)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		d.Set(entryOf(fmt.Sprint("k", i), "site", fmt.Sprint("/", i), 10<<10))
	}
	if st := d.Stats(); st.Bytes > 64<<10 {
		t.Errorf("disk holds %d bytes over its 64 KiB budget", st.Bytes)
	}
	if _, ok := d.Get("k19"); !ok {
		t.Error("the newest entry was evicted")
	}
	// Corrupt every file: a restart drops them instead of serving garbage.
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			os.WriteFile(p, []byte("garbage"), 0o600)
		}
		return nil
	})
	os.WriteFile(filepath.Join(dir, "half.tmp"), []byte("x"), 0o600)
	d2, err := OpenDisk(dir, 64<<10)
	if err != nil {
		t.Fatal(err)
	}
	if st := d2.Stats(); st.Entries != 0 {
		t.Errorf("%d corrupt entries indexed", st.Entries)
	}
	if _, err := os.Stat(filepath.Join(dir, "half.tmp")); !os.IsNotExist(err) {
		t.Error("an interrupted write was left behind")
	}
}

func TestEntryState(t *testing.T) {
	now := time.Now()
	type tc struct {
		name string
		e    *Entry
		want Freshness
	}
	for _, c := range []tc{
		{"fresh", &Entry{ResponseTime: now, TTL: time.Minute}, Fresh},
		{"origin age counts", &Entry{ResponseTime: now, InitialAge: 61 * time.Second, TTL: time.Minute}, Stale},
		{"swr window", &Entry{ResponseTime: now.Add(-70 * time.Second), TTL: time.Minute, StaleWhileRevalidate: time.Minute}, StaleRevalidate},
		{"must-revalidate forbids swr", &Entry{ResponseTime: now.Add(-70 * time.Second), TTL: time.Minute, StaleWhileRevalidate: time.Minute, MustRevalidate: true}, Stale},
		{"past swr", &Entry{ResponseTime: now.Add(-3 * time.Minute), TTL: time.Minute, StaleWhileRevalidate: time.Minute}, Stale},
	} {
		if got := c.e.State(now); got != c.want {
			t.Errorf("%s: state %d, want %d", c.name, got, c.want)
		}
	}
}
