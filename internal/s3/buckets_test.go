package s3

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	s3event "github.com/verge-edge/verge/internal/triggers/s3"
)

func TestBucketNames(t *testing.T) {
	for name, ok := range map[string]bool{
		"abc": true, "my.bucket-1": true, "ab": false, strings.Repeat("a", 63): true, strings.Repeat("a", 64): false,
		"Abc": false, "-abc": false, "abc-": false, "a..b": false, "a.-b": false, "192.168.1.1": false,
		"a_b": false, "xn--abc": false, "abc-s3alias": false, "1.2.3": true,
	} {
		if got := validBucketName(name); got != ok {
			t.Errorf("validBucketName(%q) = %v", name, got)
		}
	}
}

// TestBuckets: API buckets persist, are deleted only when empty; stack
// buckets cannot be deleted; a stack bucket without a folder gets one.
func TestBuckets(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	wantErr(t, h.s.CreateBucket(ctx, "Bad_Name"), ErrInvalidBucketName)
	wantErr(t, h.s.CreateBucket(ctx, "api-bucket"), nil)
	wantErr(t, h.s.CreateBucket(ctx, "api-bucket"), ErrBucketAlreadyOwnedByYou)
	wantErr(t, h.s.CreateBucket(ctx, "b"), ErrInvalidBucketName) // too short
	if _, err := h.s.Put(ctx, &PutInput{Bucket: "api-bucket", Key: "k", Body: strings.NewReader("v"), Size: 1}); err != nil {
		t.Fatal(err)
	}
	if got := h.s.Dir("api-bucket"); got != filepath.Join(h.data, "buckets", "api-bucket") {
		t.Errorf("Dir = %q", got)
	}
	info, err := h.s.Bucket("api-bucket")
	if err != nil || info.Stack || info.Created.IsZero() {
		t.Errorf("Bucket = %+v, %v", info, err)
	}
	// Reopen: the API bucket is back with its creation time; Apply keeps it.
	h.s.Close()
	h.open(t)
	again, err := h.s.Bucket("api-bucket")
	if err != nil || !again.Created.Equal(info.Created) {
		t.Errorf("after reopen: %+v, %v", again, err)
	}
	wantErr(t, h.s.Apply([]BucketConfig{{Name: "b", Dir: h.dir}, {Name: "own"}}), nil)
	var names []string
	for _, b := range h.s.Buckets() {
		names = append(names, b.Name)
	}
	if strings.Join(names, ",") != "api-bucket,b,own" {
		t.Errorf("Buckets = %v", names)
	}
	if fi, err := os.Stat(filepath.Join(h.data, "buckets", "own")); err != nil || !fi.IsDir() {
		t.Errorf("no folder for a stack bucket without one: %v", err)
	}
	wantErr(t, h.s.DeleteBucket(ctx, "b"), ErrInvalidRequest)
	wantErr(t, h.s.DeleteBucket(ctx, "api-bucket"), ErrBucketNotEmpty)
	wantErr(t, h.s.Delete(ctx, "api-bucket", "k"), nil)
	wantErr(t, h.s.DeleteBucket(ctx, "api-bucket"), nil)
	wantErr(t, h.s.DeleteBucket(ctx, "api-bucket"), ErrNoSuchBucket)
	_, err = h.s.Bucket("api-bucket")
	wantErr(t, err, ErrNoSuchBucket)
	// Dropping a stack bucket keeps its folder.
	wantErr(t, h.s.Apply(nil), nil)
	if _, err := h.s.Bucket("b"); err == nil {
		t.Error("dropped bucket still served")
	}
	if _, err := os.Stat(h.dir); err != nil {
		t.Error("dropped bucket's folder removed")
	}
	wantErr(t, h.s.Apply([]BucketConfig{{Name: "gone", Dir: filepath.Join(h.dir, "none")}}), os.ErrNotExist)
}

func TestNotifications(t *testing.T) {
	h := newHarness(t)
	c, err := h.s.Notifications("b")
	if err != nil || len(c.Configurations) != 0 {
		t.Fatalf("Notifications = %+v, %v", c, err)
	}
	want := s3event.Config{EventBridge: true, Configurations: []s3event.Configuration{
		{ID: "x", Events: []string{"s3:ObjectCreated:*"}, Prefix: "img/", Kind: s3event.TargetQueue, ARN: "arn:aws:sqs:us-east-1:000000000000:q"}}}
	wantErr(t, h.s.SetNotifications("b", want), nil)
	h.s.Close()
	h.open(t)
	got, err := h.s.Notifications("b")
	if err != nil || !got.EventBridge || len(got.Configurations) != 1 || got.Configurations[0].ARN != want.Configurations[0].ARN || got.Configurations[0].Events[0] != "s3:ObjectCreated:*" {
		t.Errorf("after reopen: %+v, %v", got, err)
	}
	wantErr(t, h.s.SetNotifications("nope", want), ErrNoSuchBucket)
}

// TestAnnounce: the watcher's reports are announced unless they are the
// store's own writes; names that are not objects are skipped.
func TestAnnounce(t *testing.T) {
	h := newHarness(t)
	ctx := WithCaller(context.Background(), s3event.Caller{Principal: "AIDA", SourceIP: "127.0.0.1"})
	if _, err := h.s.Put(ctx, &PutInput{Bucket: "b", Key: "own", Body: strings.NewReader("v"), Size: 1, Headers: Headers{Metadata: map[string]string{"a": "b"}}}); err != nil {
		t.Fatal(err)
	}
	if ev := h.takeEvents(); len(ev) != 1 || ev[0].Caller.Principal != "AIDA" {
		t.Fatalf("put events %+v", ev)
	}
	h.s.Announce(ctx, "b", "own", false)
	if ev := h.takeEvents(); len(ev) != 0 {
		t.Errorf("own write announced again: %+v", ev)
	}
	os.WriteFile(filepath.Join(h.dir, "own"), []byte("rewritten"), 0o644)
	os.WriteFile(filepath.Join(h.dir, "new.txt"), []byte("new"), 0o644)
	os.MkdirAll(filepath.Join(h.dir, "sub"), 0o755)
	os.WriteFile(filepath.Join(h.dir, "sub", ".verge~"), []byte(""), 0o644)
	h.s.Announce(ctx, "b", "own", false)
	h.s.Announce(ctx, "b", "new.txt", false)
	h.s.Announce(ctx, "b", "new.txt", false) // the same version twice
	h.s.Announce(ctx, "b", "sub/.verge~", false)
	h.s.Announce(ctx, "b", ".verge~tmp/x.tmp", false)
	h.s.Announce(ctx, "b", ".verge~zz", false)
	ev := h.takeEvents()
	if len(ev) != 3 || ev[0].Key != "own" || ev[0].ETag != strings.Trim(md5ETag("rewritten"), `"`) || ev[1].Key != "new.txt" || ev[2].Key != "sub/" || ev[0].Caller.Principal != "" {
		t.Fatalf("events %+v", ev)
	}
	if _, err := os.Stat(h.s.sidecarPath("b", "own")); !os.IsNotExist(err) {
		t.Error("stale sidecar stays")
	}
	wantErr(t, h.s.Delete(ctx, "b", "new.txt"), nil)
	h.takeEvents()
	h.s.Announce(ctx, "b", "new.txt", true)
	os.Remove(filepath.Join(h.dir, "own"))
	h.s.Announce(ctx, "b", "own", true)
	ev = h.takeEvents()
	if len(ev) != 1 || ev[0].Name != EventDelete || ev[0].Key != "own" {
		t.Errorf("removal events %+v", ev)
	}
	if k, ok := h.s.KeyOf("b", "sub/.verge~"); !ok || k != "sub/" {
		t.Errorf("KeyOf = %q, %v", k, ok)
	}
	if h.changed == nil {
		t.Error("Changed never called")
	}
}

// TestOpenCleans: Open removes the temporary files a crash left, and keeps
// uploads; Watched lists the watched stack buckets.
func TestOpenCleans(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	u, err := h.s.CreateUpload(ctx, &PutInput{Bucket: "b", Key: "big", Algorithm: "crc64nvme"})
	if err != nil {
		t.Fatal(err)
	}
	h.part(t, u.UploadID, 1, []byte("part"))
	h.s.Close()
	left := []string{filepath.Join(h.data, "tmp", "x.tmp"), filepath.Join(h.s.uploadDir(u.UploadID), "y.tmp")}
	for _, p := range left {
		os.WriteFile(p, []byte("torn"), 0o644)
	}
	h.open(t)
	for _, p := range left {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s stays", p)
		}
	}
	parts, _, err := h.s.Parts(ctx, "b", "big", u.UploadID, 0, 10)
	if err != nil || len(parts) != 1 || parts[0].Checksums.CRC64NVME == "" {
		t.Fatalf("Parts = %+v, %v", parts, err)
	}
	info, err := h.s.Complete(ctx, "b", "big", u.UploadID, []CompletedPart{{Number: 1, ETag: parts[0].ETag}})
	if err != nil || info.Checksums.CRC64NVME != parts[0].Checksums.CRC64NVME || info.Checksums.Type != "FULL_OBJECT" {
		t.Errorf("Complete = %+v, %v", info.Checksums, err)
	}
	if w := h.s.Watched(); len(w) != 0 {
		t.Errorf("Watched = %+v", w)
	}
	wantErr(t, h.s.Apply([]BucketConfig{{Name: "b", Dir: h.dir, Watch: true}}), nil)
	if w := h.s.Watched(); len(w) != 1 || w[0].Dir != h.dir {
		t.Errorf("Watched = %+v", w)
	}
	// Deleting a bucket drops its uploads.
	wantErr(t, h.s.CreateBucket(ctx, "api"), nil)
	if _, err := h.s.CreateUpload(ctx, &PutInput{Bucket: "api", Key: "k"}); err != nil {
		t.Fatal(err)
	}
	wantErr(t, h.s.DeleteBucket(ctx, "api"), nil)
	if ents, _ := os.ReadDir(filepath.Join(h.data, "uploads")); len(ents) != 0 {
		t.Errorf("uploads stay: %d", len(ents))
	}
}
