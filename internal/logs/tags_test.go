package logs

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/verge-edge/verge/internal/errs"
)

// TestTags: a group's tags are added, replaced and removed, kept across a
// restart, a function's group takes them too, and no group holds more
// than MaxTags.
func TestTags(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, Options{SweepInterval: -1})
	if err := s.CreateGroup(apiGroup, 0, "", map[string]string{"team": "web"}); err != nil {
		t.Fatal(err)
	}
	s.Group(testGroup, 0)
	for _, c := range []struct {
		name  string
		group string
		do    func(g string) error
		want  map[string]string
	}{
		{"created", apiGroup, func(string) error { return nil }, map[string]string{"team": "web"}},
		{"tag", apiGroup, func(g string) error { return s.Tag(g, map[string]string{"team": "api", "env": "dev"}) }, map[string]string{"team": "api", "env": "dev"}},
		{"untag", apiGroup, func(g string) error { return s.Untag(g, []string{"env", "absent"}) }, map[string]string{"team": "api"}},
		{"function's group", testGroup, func(g string) error { return s.Tag(g, map[string]string{"fn": "yes"}) }, map[string]string{"fn": "yes"}},
	} {
		if err := c.do(c.group); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got, err := s.Tags(c.group); err != nil || !maps.Equal(got, c.want) {
			t.Errorf("%s: tags %v (%v), want %v", c.name, got, err, c.want)
		}
	}
	fifty := map[string]string{}
	for i := range MaxTags {
		fifty[fmt.Sprint("k", i)] = "v"
	}
	if err := s.Tag(apiGroup, fifty); !errors.Is(err, ErrTooManyTags) || !errs.Is(errs.Invalid, err) {
		t.Errorf("Tag to 51 tags: %v, want ErrTooManyTags", err)
	}
	if err := s.CreateGroup("/big", 0, "", map[string]string{"a": "1", "b": "2", "c": "3"}); err != nil {
		t.Fatal(err)
	}
	delete(fifty, "k47")
	delete(fifty, "k48")
	delete(fifty, "k49")
	fifty["a"] = "replaced" // 47 new keys and "a": 50 with "b" and "c"
	if err := s.Tag("/big", fifty); err != nil {
		t.Errorf("Tag to exactly %d tags: %v", MaxTags, err)
	}
	if err := s.Tag("/nope", fifty); !errs.Is(errs.NotFound, err) {
		t.Errorf("Tag of an unknown group: %v", err)
	}
	s.Close()

	s2 := openStore(t, dir, Options{SweepInterval: -1})
	for g, want := range map[string]map[string]string{apiGroup: {"team": "api"}, testGroup: {"fn": "yes"}} {
		if got, err := s2.Tags(g); err != nil || !maps.Equal(got, want) {
			t.Errorf("%s after a restart: tags %v (%v), want %v", g, got, err, want)
		}
	}
}

// TestBornBefore: a group.json without a creation time, as older Verges
// wrote it, gets the older of its own modification time and its oldest
// day file's day.
func TestBornBefore(t *testing.T) {
	dir := t.TempDir()
	gdir := filepath.Join(dir, groupDir("/old"))
	if err := os.MkdirAll(gdir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(gdir, metaFile), []byte(`{"name":"/old"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(gdir, "2026-11-02"+dayExt), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s := openStore(t, dir, Options{SweepInterval: -1})
	info, err := s.Info("/old")
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC); !info.Created.Equal(want) {
		t.Errorf("created %v, want %v", info.Created, want)
	}
}
