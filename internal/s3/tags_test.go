package s3

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTags: tags live in the sidecar, never in the file, and are announced.
func TestTags(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	os.WriteFile(filepath.Join(h.dir, "disk.txt"), []byte("on disk"), 0o644)
	h.put(t, "api.txt", "via api")
	h.takeEvents()
	for _, key := range []string{"disk.txt", "api.txt"} {
		t.Run(key, func(t *testing.T) {
			before, _ := os.Stat(filepath.Join(h.dir, key))
			tags, err := h.s.Tags(ctx, "b", key)
			if err != nil || tags == nil || len(tags) != 0 {
				t.Fatalf("Tags = %v, %v; want empty", tags, err)
			}
			want := map[string]string{"team": "web", "é": strings.Repeat("v", 256)}
			wantErr(t, h.s.SetTags(ctx, "b", key, want), nil)
			got, err := h.s.Tags(ctx, "b", key)
			if err != nil || !maps.Equal(got, want) {
				t.Errorf("Tags = %v, %v", got, err)
			}
			after, _ := os.Stat(filepath.Join(h.dir, key))
			if identityOf(before) != identityOf(after) {
				t.Error("setting tags changed the file")
			}
			info, _ := h.s.Head(ctx, "b", key)
			if info.TagCount != 2 {
				t.Errorf("TagCount %d", info.TagCount)
			}
			wantErr(t, h.s.SetTags(ctx, "b", key, nil), nil)
			if got, _ := h.s.Tags(ctx, "b", key); len(got) != 0 {
				t.Errorf("after delete: %v", got)
			}
			ev := h.takeEvents()
			if len(ev) != 2 || ev[0].Name != EventTagPut || ev[1].Name != EventTagDelete || ev[0].ETag == "" {
				t.Errorf("events %+v", ev)
			}
		})
	}
	tests := []struct {
		name string
		tags map[string]string
		want error
	}{
		{"ten", map[string]string{"0": "", "1": "", "2": "", "3": "", "4": "", "5": "", "6": "", "7": "", "8": "", "9": ""}, nil},
		{"eleven", map[string]string{"0": "", "1": "", "2": "", "3": "", "4": "", "5": "", "6": "", "7": "", "8": "", "9": "", "10": ""}, ErrInvalidTag},
		{"key 128", map[string]string{strings.Repeat("é", 128): ""}, nil},
		{"key 129", map[string]string{strings.Repeat("é", 129): ""}, ErrInvalidTag},
		{"empty key", map[string]string{"": "v"}, ErrInvalidTag},
		{"value 257", map[string]string{"k": strings.Repeat("v", 257)}, ErrInvalidTag},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantErr(t, h.s.SetTags(ctx, "b", "api.txt", tc.tags), tc.want)
		})
	}
	wantErr(t, h.s.SetTags(ctx, "b", "missing", map[string]string{"a": "b"}), ErrNoSuchKey)
	_, err := h.s.Tags(ctx, "b", "missing")
	wantErr(t, err, ErrNoSuchKey)
}
