package s3

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestStaleSidecar: a file changed on disk is reported with defaults; the
// CDN's Info answers only for the version the sidecar describes.
func TestStaleSidecar(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	_, err := h.s.Put(ctx, &PutInput{Bucket: "b", Key: "doc.txt", Body: stringsReader("v1"), Size: 2,
		Headers: Headers{ContentType: "text/x-v1", Metadata: map[string]string{"a": "b"}}})
	wantErr(t, err, nil)
	p := filepath.Join(h.dir, "doc.txt")
	fi, _ := os.Stat(p)
	id := identityOf(fi)
	if etag, ct, ok := h.s.Info("b", "doc.txt", id.Size, id.MTime, id.Ino); !ok || etag != md5ETag("v1") || ct != "text/x-v1" {
		t.Errorf("Info = %q %q %v", etag, ct, ok)
	}
	if err := os.WriteFile(p, []byte("version 2"), 0o644); err != nil {
		t.Fatal(err)
	}
	info, err := h.s.Head(ctx, "b", "doc.txt")
	wantErr(t, err, nil)
	if info.ETag != md5ETag("version 2") || info.Metadata != nil || info.ContentType != "text/plain; charset=utf-8" || info.Size != 9 {
		t.Errorf("Head after a disk write = %+v", info)
	}
	fi, _ = os.Stat(p)
	id = identityOf(fi)
	if _, _, ok := h.s.Info("b", "doc.txt", id.Size, id.MTime, id.Ino); ok {
		t.Error("Info answered for a version it does not describe")
	}
}

// TestOpenRefuses: missing keys, folders, symbolic links out of the folder
// and unknown buckets are not objects.
func TestOpenRefuses(t *testing.T) {
	h := newHarness(t)
	outside := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(outside, []byte("secret"), 0o644)
	os.Symlink(outside, filepath.Join(h.dir, "out"))
	os.Symlink("/etc/passwd", filepath.Join(h.dir, "abs"))
	os.Mkdir(filepath.Join(h.dir, "folder"), 0o755)
	os.WriteFile(filepath.Join(h.dir, "real"), []byte("inside"), 0o644)
	os.Symlink("real", filepath.Join(h.dir, "in"))
	tests := []struct {
		bucket, key string
		want        error
	}{
		{"b", "missing", ErrNoSuchKey},
		{"b", "out", ErrNoSuchKey},
		{"b", "abs", ErrNoSuchKey},
		{"b", "folder", ErrNoSuchKey},
		{"b", "real/x", ErrNoSuchKey},
		{"nope", "real", ErrNoSuchBucket},
		{"b", "in", nil},
		{"b", "real", nil},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			o, err := h.s.Open(context.Background(), tc.bucket, tc.key)
			wantErr(t, err, tc.want)
			if err == nil {
				defer o.File.Close()
				if o.Size != 6 || o.ETag != md5ETag("inside") {
					t.Errorf("Open = %+v", o.ObjectInfo)
				}
			}
		})
	}
	out, err := h.s.List(context.Background(), &ListInput{Bucket: "b", MaxKeys: 100})
	wantErr(t, err, nil)
	var keys []string
	for _, o := range out.Objects {
		keys = append(keys, o.Key)
	}
	if len(keys) != 2 || keys[0] != "in" || keys[1] != "real" {
		t.Errorf("List = %v, want [in real]", keys)
	}
}

// TestDelete: the file, its sidecar and the folders it empties go; only
// the removal of an existing object is announced.
func TestDelete(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.put(t, "x/y/z.txt", "z")
	h.put(t, "x/keep", "k")
	h.takeEvents()
	wantErr(t, h.s.Delete(ctx, "b", "x/y/z.txt"), nil)
	if _, err := os.Stat(filepath.Join(h.dir, "x", "y")); !os.IsNotExist(err) {
		t.Errorf("empty folder x/y stays: %v", err)
	}
	if _, err := os.Stat(filepath.Join(h.dir, "x")); err != nil {
		t.Errorf("folder x went: %v", err)
	}
	if _, err := os.Stat(h.s.sidecarPath("b", "x/y/z.txt")); !os.IsNotExist(err) {
		t.Errorf("sidecar stays: %v", err)
	}
	ev := h.takeEvents()
	if len(ev) != 1 || ev[0].Name != EventDelete || ev[0].Key != "x/y/z.txt" {
		t.Errorf("events %+v", ev)
	}
	wantErr(t, h.s.Delete(ctx, "b", "x/y/z.txt"), nil)
	wantErr(t, h.s.Delete(ctx, "b", "x"), nil) // a folder is no object
	if ev := h.takeEvents(); len(ev) != 0 {
		t.Errorf("events for missing objects: %+v", ev)
	}
	wantErr(t, h.s.Delete(ctx, "nope", "k"), ErrNoSuchBucket)
	wantErr(t, h.s.Delete(ctx, "b", "x/keep"), nil)
	if _, err := os.Stat(h.dir); err != nil {
		t.Errorf("the bucket folder went: %v", err)
	}
}

// TestStaleCache: a cached record that does not describe the file (a
// reader that read the sidecar just before a write) heals on the next
// read, and a file changed on disk is read once, then answered from the
// cache.
func TestStaleCache(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	put := func(v string) {
		if _, err := h.s.Put(ctx, &PutInput{Bucket: "b", Key: "k", Body: stringsReader(v), Size: int64(len(v)), Headers: Headers{Metadata: map[string]string{"v": v}}}); err != nil {
			t.Fatal(err)
		}
	}
	put("one")
	old := h.s.readSidecar("b", "k")
	put("two")
	h.s.cacheRecord(bucketKey{"b", "k"}, old)
	info, err := h.s.Head(ctx, "b", "k")
	if err != nil || info.Metadata["v"] != "two" {
		t.Fatalf("Head = %+v, %v; want the second version's metadata", info, err)
	}
	os.WriteFile(filepath.Join(h.dir, "k"), []byte("three!"), 0o644)
	if info, _ := h.s.Head(ctx, "b", "k"); info.Metadata != nil {
		t.Errorf("changed file kept metadata %v", info.Metadata)
	}
	os.Remove(h.s.sidecarPath("b", "k")) // a second read would now see no file; the cache answers
	fi, _ := os.Stat(filepath.Join(h.dir, "k"))
	if e := h.s.records[bucketKey{"b", "k"}]; e.miss != identityOf(fi) {
		t.Errorf("the miss is not cached: %+v", e)
	}
}
