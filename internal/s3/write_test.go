package s3

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

// TestPutPaths: objects land at the mapped path, read back, and are
// announced with increasing sequencers.
func TestPutPaths(t *testing.T) {
	h := newHarness(t)
	long := strings.Repeat("L", 300)
	tests := []struct{ key, path string }{
		{"index.html", "index.html"},
		{"img/a.png", "img/a.png"},
		{"a/b/", "a/b/.verge~"},
		{"a//b", "a/.verge~/b"},
		{"../escape", ".verge~5on0/escape"},
		{"/abs", ".verge~/abs"},
		{"dir/" + long, "dir/" + hashName(long)},
		{"é/ü.txt", "é/ü.txt"},
	}
	last := ""
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			body := "body of " + tc.key
			info := h.put(t, tc.key, body)
			if info.ETag != md5ETag(body) || info.Size != int64(len(body)) || info.Key != tc.key {
				t.Errorf("Put = %+v", info)
			}
			got, err := os.ReadFile(filepath.Join(h.dir, filepath.FromSlash(tc.path)))
			if err != nil || string(got) != body {
				t.Fatalf("file %s: %q, %v", tc.path, got, err)
			}
			if r := h.read(t, tc.key); r != body {
				t.Errorf("Open = %q", r)
			}
			ev := h.takeEvents()
			if len(ev) != 1 || ev[0].Name != EventPut || ev[0].Key != tc.key || ev[0].ETag != strings.Trim(info.ETag, `"`) || ev[0].Size != info.Size {
				t.Fatalf("events %+v", ev)
			}
			if len(ev[0].Sequencer) != 16 || ev[0].Sequencer <= last || strings.ToUpper(ev[0].Sequencer) != ev[0].Sequencer {
				t.Errorf("sequencer %q after %q", ev[0].Sequencer, last)
			}
			last = ev[0].Sequencer
		})
	}
	// The hashed name survives a restart through the index.
	h.s.Close()
	h.open(t)
	if r := h.read(t, "dir/"+long); r != "body of dir/"+long {
		t.Errorf("after reopen: %q", r)
	}
	out, err := h.s.List(context.Background(), &ListInput{Bucket: "b", Prefix: "dir/", MaxKeys: 10})
	if err != nil || len(out.Objects) != 1 || out.Objects[0].Key != "dir/"+long {
		t.Errorf("List dir/: %+v, %v", out, err)
	}
	if left := h.tempFiles(t); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestPutHeaders: stored headers, metadata and checksums come back; the
// content type defaults from the extension as the CDN's.
func TestPutHeaders(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	_, err := h.s.Put(ctx, &PutInput{Bucket: "b", Key: "x.bin", Body: strings.NewReader("hello world"), Size: 11,
		Headers:   Headers{ContentType: "text/x-mine", CacheControl: "max-age=1", Metadata: map[string]string{"color": "red"}},
		Tags:      map[string]string{"a": "1"},
		Algorithm: AlgSHA256, ContentMD5: md5B64("hello world")})
	if err != nil {
		t.Fatal(err)
	}
	info, err := h.s.Head(ctx, "b", "x.bin")
	if err != nil {
		t.Fatal(err)
	}
	if info.ContentType != "text/x-mine" || info.CacheControl != "max-age=1" || info.Metadata["color"] != "red" || info.TagCount != 1 ||
		info.Checksums.SHA256 != "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=" || info.Checksums.Type != "FULL_OBJECT" {
		t.Errorf("Head = %+v", info)
	}
	h.put(t, "page.html", "<p>")
	if info, _ := h.s.Head(ctx, "b", "page.html"); info.ContentType != "text/html; charset=utf-8" {
		t.Errorf("default type %q", info.ContentType)
	}
}

// TestPutErrors: each refusal leaves no object and no temporary file.
func TestPutErrors(t *testing.T) {
	h := newHarness(t)
	h.put(t, "exists", "old")
	body := "hello world"
	tests := []struct {
		name string
		in   PutInput
		want error
		msg  string
	}{
		{"no bucket", PutInput{Bucket: "nope", Key: "k"}, ErrNoSuchBucket, ""},
		{"empty key", PutInput{Key: ""}, ErrInvalidArgument, ""},
		{"key too long", PutInput{Key: strings.Repeat("k", 1025)}, ErrKeyTooLong, ""},
		{"too large", PutInput{Key: "k", Size: 5<<30 + 1}, ErrEntityTooLarge, ""},
		{"bad Content-MD5", PutInput{Key: "k", ContentMD5: "abc"}, ErrInvalidDigest, ""},
		{"wrong Content-MD5", PutInput{Key: "k", ContentMD5: md5B64("other")}, ErrBadDigest, "Content-MD5"},
		{"short body", PutInput{Key: "k", Size: 100}, ErrIncompleteBody, ""},
		{"long body", PutInput{Key: "k", Size: 5}, ErrInvalidRequest, ""},
		{"checksum mismatch", PutInput{Key: "k", Expected: &Checksums{CRC32: "AAAAAA=="}}, ErrChecksumMismatch, "CRC32"},
		{"trailer checksum mismatch", PutInput{Key: "k", Algorithm: AlgCRC32C, Expected: &Checksums{}}, ErrChecksumMismatch, "CRC32C"},
		{"unknown algorithm", PutInput{Key: "k", Algorithm: "MD4"}, ErrInvalidArgument, ""},
		{"too many tags", PutInput{Key: "k", Tags: map[string]string{"1": "", "2": "", "3": "", "4": "", "5": "", "6": "", "7": "", "8": "", "9": "", "10": "", "11": ""}}, ErrInvalidTag, ""},
		{"long tag value", PutInput{Key: "k", Tags: map[string]string{"k": strings.Repeat("é", 257)}}, ErrInvalidTag, ""},
		{"if-none-match", PutInput{Key: "exists", IfNoneMatch: "*"}, ErrPreconditionFailed, ""},
		{"if-match", PutInput{Key: "exists", IfMatch: `"0123"`}, ErrPreconditionFailed, ""},
		{"if-match missing", PutInput{Key: "k", IfMatch: "*"}, ErrNoSuchKey, ""},
		{"reader error", PutInput{Key: "k", Body: iotest.ErrReader(errors.New("boom"))}, ErrInternal, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			if in.Bucket == "" {
				in.Bucket = "b"
			}
			if in.Body == nil {
				r := strings.NewReader(body)
				in.Body = r
				if in.Size == 0 {
					in.Size = int64(len(body))
				}
				if tc.name == "trailer checksum mismatch" {
					in.Body = &trailer{r: r, set: func() { in.Expected.CRC32C = "AAAAAA==" }}
				}
			}
			_, err := h.s.Put(context.Background(), &in)
			wantErr(t, err, tc.want)
			if tc.msg != "" && !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("message %q lacks %q", err, tc.msg)
			}
			if in.Key != "exists" {
				if _, err := h.s.Head(context.Background(), in.Bucket, in.Key); err == nil {
					t.Errorf("object %q exists after a failed put", in.Key)
				}
			} else if h.read(t, "exists") != "old" {
				t.Error("the object changed")
			}
			if left := h.tempFiles(t); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
	if ev := h.takeEvents(); len(ev) != 1 {
		t.Errorf("events %+v, want only the first put's", ev)
	}
}

// trailer calls set when r reaches io.EOF, as an aws-chunked reader fills
// the trailing checksum.
type trailer struct {
	r   io.Reader
	set func()
}

func (t *trailer) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if err == io.EOF && t.set != nil {
		t.set()
		t.set = nil
	}
	return n, err
}

// TestPutConditional: If-None-Match creates once; If-Match with the
// current ETag overwrites.
func TestPutConditional(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	in := func(body, inm, im string) *PutInput {
		return &PutInput{Bucket: "b", Key: "k", Body: strings.NewReader(body), Size: int64(len(body)), IfNoneMatch: inm, IfMatch: im}
	}
	info, err := h.s.Put(ctx, in("one", "*", ""))
	wantErr(t, err, nil)
	_, err = h.s.Put(ctx, in("two", "*", ""))
	wantErr(t, err, ErrPreconditionFailed)
	_, err = h.s.Put(ctx, in("two", "", strings.Trim(info.ETag, `"`)))
	wantErr(t, err, nil)
	if h.read(t, "k") != "two" {
		t.Error("If-Match put did not write")
	}
}

// TestKeyConflict: a key cannot be a file and a folder at once; the
// message names both keys.
func TestKeyConflict(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.put(t, "a", "file")
	_, err := h.s.Put(ctx, &PutInput{Bucket: "b", Key: "a/b", Body: strings.NewReader("x"), Size: 1})
	wantErr(t, err, ErrKeyConflict)
	if !strings.Contains(err.Error(), `"a/b"`) || !strings.Contains(err.Error(), `"a"`) {
		t.Errorf("message %q", err)
	}
	h.put(t, "d/e", "x")
	_, err = h.s.Put(ctx, &PutInput{Bucket: "b", Key: "d", Body: strings.NewReader("x"), Size: 1})
	wantErr(t, err, ErrKeyConflict)
	if !strings.Contains(err.Error(), `"d/"`) {
		t.Errorf("message %q", err)
	}
	// Once d/e is gone, its empty folder is too, and d can be a file.
	wantErr(t, h.s.Delete(ctx, "b", "d/e"), nil)
	h.put(t, "d", "now a file")
	// An empty folder made on disk is no object and gives way.
	if err := os.Mkdir(filepath.Join(h.dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	h.put(t, "empty", "file")
	if left := h.tempFiles(t); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestNotifyError: Notify's error fails the call, and the object stays.
func TestNotifyError(t *testing.T) {
	h := newHarness(t)
	h.notifyErr = errors.New("queue down")
	_, err := h.s.Put(context.Background(), &PutInput{Bucket: "b", Key: "k", Body: strings.NewReader("x"), Size: 1})
	if err == nil || !strings.Contains(err.Error(), "queue down") {
		t.Fatalf("error %v", err)
	}
	if h.read(t, "k") != "x" {
		t.Error("object missing")
	}
}

// TestLocalTemp: a bucket on another file system keeps its temporary files
// in .verge~tmp, which is no object and is cleared on open.
func TestLocalTemp(t *testing.T) {
	h := newHarness(t)
	h.s.buckets["b"].localTmp = true
	h.put(t, "k", "v")
	if fi, err := os.Stat(filepath.Join(h.dir, tmpFolder)); err != nil || !fi.IsDir() {
		t.Fatalf("no %s: %v", tmpFolder, err)
	}
	os.WriteFile(filepath.Join(h.dir, tmpFolder, "left.tmp"), []byte("torn"), 0o644)
	out, err := h.s.List(context.Background(), &ListInput{Bucket: "b", MaxKeys: 100})
	if err != nil || len(out.Objects) != 1 || out.Objects[0].Key != "k" {
		t.Errorf("List: %+v, %v", out, err)
	}
	h.s.Close()
	h.open(t)
	if _, err := os.Stat(filepath.Join(h.dir, tmpFolder)); err == nil {
		t.Error("reopen left the temporary folder")
	}
}

// TestCopy: COPY keeps the source's headers and tags, REPLACE takes the
// request's; an object cannot be copied onto itself unchanged.
func TestCopy(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	_, err := h.s.Put(ctx, &PutInput{Bucket: "b", Key: "src", Body: strings.NewReader("data"), Size: 4,
		Headers: Headers{ContentType: "text/a", Metadata: map[string]string{"m": "1"}}, Tags: map[string]string{"t": "1"}, Algorithm: AlgCRC32})
	wantErr(t, err, nil)
	h.takeEvents()
	tests := []struct {
		name     string
		in       CopyInput
		want     error
		ctype, m string
		tags     int
	}{
		{"copy", CopyInput{Key: "c1"}, nil, "text/a", "1", 1},
		{"replace", CopyInput{Key: "c2", Replace: true, Headers: Headers{ContentType: "text/b", Metadata: map[string]string{"m": "2"}}}, nil, "text/b", "2", 1},
		{"replace tags", CopyInput{Key: "c3", ReplaceTags: true}, nil, "text/a", "1", 0},
		{"onto itself", CopyInput{Key: "src"}, ErrInvalidRequest, "", "", 0},
		{"onto itself, replacing", CopyInput{Key: "src", Replace: true, Headers: Headers{ContentType: "text/c"}}, nil, "text/c", "", 1},
		{"missing source", CopyInput{SrcKey: "nope", Key: "c4"}, ErrNoSuchKey, "", "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.SrcBucket, in.Bucket = "b", "b"
			if in.SrcKey == "" {
				in.SrcKey = "src"
			}
			info, err := h.s.Copy(ctx, &in)
			wantErr(t, err, tc.want)
			if err != nil {
				return
			}
			if info.ContentType != tc.ctype || info.Metadata["m"] != tc.m || info.TagCount != tc.tags || info.ETag != md5ETag("data") || info.Checksums.CRC32 == "" {
				t.Errorf("Copy = %+v", info)
			}
			if h.read(t, in.Key) != "data" {
				t.Error("content")
			}
			if ev := h.takeEvents(); len(ev) != 1 || ev[0].Name != EventCopy {
				t.Errorf("events %+v", ev)
			}
		})
	}
}

// TestConcurrentPuts: racing writers of one key leave one whole version
// whose sidecar matches it; writers of other keys do not interfere.
func TestConcurrentPuts(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	done := make(chan error)
	for w := range 8 {
		go func() {
			var err error
			for i := range 10 {
				body := strings.Repeat(string(rune('a'+w)), 100+i)
				key := "shared"
				if i%2 == 1 {
					key = "own/" + string(rune('a'+w))
				}
				_, e := h.s.Put(ctx, &PutInput{Bucket: "b", Key: key, Body: strings.NewReader(body), Size: int64(len(body)),
					Headers: Headers{Metadata: map[string]string{"body": body}}})
				if e != nil && err == nil {
					err = e
				}
			}
			done <- err
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	for _, key := range []string{"shared", "own/a", "own/h"} {
		body := h.read(t, key)
		info, err := h.s.Head(ctx, "b", key)
		if err != nil || info.ETag != md5ETag(body) || info.Metadata["body"] != body {
			t.Errorf("%s: %q with %+v, %v", key, body, info, err)
		}
	}
	if ev := h.takeEvents(); len(ev) != 80 {
		t.Errorf("%d events, want 80", len(ev))
	}
}

// TestPutEmpty: a nil body is an empty object (a folder marker).
func TestPutEmpty(t *testing.T) {
	h := newHarness(t)
	info, err := h.s.Put(context.Background(), &PutInput{Bucket: "b", Key: "folder/", Size: 0})
	if err != nil || info.Size != 0 || info.ETag != md5ETag("") {
		t.Fatalf("Put = %+v, %v", info, err)
	}
	if fi, err := os.Stat(filepath.Join(h.dir, "folder", escapePrefix)); err != nil || fi.Size() != 0 {
		t.Errorf("marker file: %v", err)
	}
}
