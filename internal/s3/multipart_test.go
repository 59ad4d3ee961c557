package s3

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func (h *harness) part(t testing.TB, id string, n int, body []byte) PartInfo {
	t.Helper()
	p, err := h.s.UploadPart(context.Background(), &PartInput{Bucket: "b", Key: "big", UploadID: id, Number: n, Body: bytes.NewReader(body), Size: int64(len(body))})
	if err != nil {
		t.Fatalf("UploadPart %d: %v", n, err)
	}
	return p
}

// TestMultipart uploads, lists, replaces and completes parts; the ETag and
// the composite checksum are S3's.
func TestMultipart(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	u, err := h.s.CreateUpload(ctx, &PutInput{Bucket: "b", Key: "big", Headers: Headers{ContentType: "video/x"}, Tags: map[string]string{"t": "v"}, Algorithm: AlgCRC32C})
	if err != nil {
		t.Fatal(err)
	}
	p1 := bytes.Repeat([]byte("1"), minPartSize)
	p2 := []byte("tail")
	h.part(t, u.UploadID, 1, []byte("to be replaced"))
	i1 := h.part(t, u.UploadID, 1, p1)
	i2 := h.part(t, u.UploadID, 2, p2)
	sum1, sum2 := md5.Sum(p1), md5.Sum(p2)
	if i1.ETag != `"`+hex.EncodeToString(sum1[:])+`"` || i1.Size != minPartSize || i1.Checksums.CRC32C == "" {
		t.Errorf("part 1 = %+v", i1)
	}
	// The store survives a restart with the upload.
	h.s.Close()
	h.open(t)
	ups, err := h.s.Uploads(ctx, "b", "")
	if err != nil || len(ups) != 1 || ups[0].UploadID != u.UploadID || ups[0].Algorithm != AlgCRC32C {
		t.Fatalf("Uploads = %+v, %v", ups, err)
	}
	parts, trunc, err := h.s.Parts(ctx, "b", "big", u.UploadID, 0, 1)
	if err != nil || len(parts) != 1 || !trunc || parts[0].Number != 1 {
		t.Errorf("Parts page 1 = %+v %v %v", parts, trunc, err)
	}
	parts, trunc, err = h.s.Parts(ctx, "b", "big", u.UploadID, 1, 10)
	if err != nil || len(parts) != 1 || trunc || parts[0].Number != 2 {
		t.Errorf("Parts page 2 = %+v %v %v", parts, trunc, err)
	}

	errTests := []struct {
		name string
		list []CompletedPart
		want error
	}{
		{"none", nil, ErrMalformedXML},
		{"order", []CompletedPart{{Number: 2, ETag: i2.ETag}, {Number: 1, ETag: i1.ETag}}, ErrInvalidPartOrder},
		{"repeat", []CompletedPart{{Number: 1, ETag: i1.ETag}, {Number: 1, ETag: i1.ETag}}, ErrInvalidPartOrder},
		{"missing", []CompletedPart{{Number: 1, ETag: i1.ETag}, {Number: 3, ETag: i2.ETag}}, ErrInvalidPart},
		{"etag", []CompletedPart{{Number: 1, ETag: i2.ETag}, {Number: 2, ETag: i2.ETag}}, ErrInvalidPart},
		{"checksum", []CompletedPart{{Number: 1, ETag: i1.ETag, Checksums: Checksums{CRC32C: "AAAAAA=="}}, {Number: 2, ETag: i2.ETag}}, ErrInvalidPart},
		{"no etag", []CompletedPart{{Number: 1, ETag: i1.ETag}, {Number: 2}}, ErrInvalidPart},
	}
	for _, tc := range errTests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := h.s.Complete(ctx, "b", "big", u.UploadID, tc.list)
			wantErr(t, err, tc.want)
		})
	}
	info, err := h.s.Complete(ctx, "b", "big", u.UploadID, []CompletedPart{{Number: 1, ETag: strings.Trim(i1.ETag, `"`)}, {Number: 2, ETag: i2.ETag}})
	if err != nil {
		t.Fatal(err)
	}
	etag := md5.Sum(append(sum1[:], sum2[:]...))
	if info.ETag != `"`+hex.EncodeToString(etag[:])+`-2"` || info.Parts != 2 || info.Size != minPartSize+4 || info.ContentType != "video/x" || info.TagCount != 1 {
		t.Errorf("Complete = %+v", info)
	}
	wantSum, _ := composite(AlgCRC32C, []string{i1.Checksums.CRC32C, i2.Checksums.CRC32C})
	if info.Checksums.CRC32C != wantSum || info.Checksums.Type != "COMPOSITE" || !strings.HasSuffix(wantSum, "-2") {
		t.Errorf("checksums %+v, want %s", info.Checksums, wantSum)
	}
	got, _ := os.ReadFile(filepath.Join(h.dir, "big"))
	if !bytes.Equal(got, append(p1, p2...)) {
		t.Error("content differs")
	}
	if _, err := os.Stat(h.s.uploadDir(u.UploadID)); !os.IsNotExist(err) {
		t.Error("upload folder stays")
	}
	if ev := h.takeEvents(); len(ev) != 1 || ev[0].Name != EventComplete {
		t.Errorf("events %+v", ev)
	}
	_, err = h.s.Complete(ctx, "b", "big", u.UploadID, []CompletedPart{{Number: 1, ETag: i1.ETag}})
	wantErr(t, err, ErrNoSuchUpload)
}

// TestMultipartSmall: every part but the last must be 5 MiB.
func TestMultipartSmall(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	u, _ := h.s.CreateUpload(ctx, &PutInput{Bucket: "b", Key: "big"})
	a, b := h.part(t, u.UploadID, 1, []byte("small")), h.part(t, u.UploadID, 2, []byte("last"))
	_, err := h.s.Complete(ctx, "b", "big", u.UploadID, []CompletedPart{{Number: 1, ETag: a.ETag}, {Number: 2, ETag: b.ETag}})
	wantErr(t, err, ErrEntityTooSmall)
	// A single small part is a whole object.
	info, err := h.s.Complete(ctx, "b", "big", u.UploadID, []CompletedPart{{Number: 2, ETag: b.ETag}})
	if err != nil || info.Size != 4 || !strings.HasSuffix(info.ETag, `-1"`) {
		t.Errorf("Complete = %+v, %v", info, err)
	}
}

// TestMultipartErrors covers the refusals around parts and uploads.
func TestMultipartErrors(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	u, _ := h.s.CreateUpload(ctx, &PutInput{Bucket: "b", Key: "big"})
	_, err := h.s.CreateUpload(ctx, &PutInput{Bucket: "nope", Key: "big"})
	wantErr(t, err, ErrNoSuchBucket)
	_, err = h.s.CreateUpload(ctx, &PutInput{Bucket: "b", Key: "k", Algorithm: "MD5"})
	wantErr(t, err, ErrInvalidArgument)
	for _, tc := range []struct {
		name string
		in   PartInput
		want error
	}{
		{"number 0", PartInput{Number: 0}, ErrInvalidArgument},
		{"number 10001", PartInput{Number: 10001}, ErrInvalidArgument},
		{"unknown upload", PartInput{Number: 1, UploadID: "x"}, ErrNoSuchUpload},
		{"traversal", PartInput{Number: 1, UploadID: "../../meta"}, ErrNoSuchUpload},
		{"other key", PartInput{Number: 1, Key: "other"}, ErrNoSuchUpload},
		{"bad md5", PartInput{Number: 1, ContentMD5: md5B64("x")}, ErrBadDigest},
		{"short", PartInput{Number: 1, Size: 10}, ErrIncompleteBody},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.Bucket = "b"
			if in.Key == "" {
				in.Key = "big"
			}
			if in.UploadID == "" {
				in.UploadID = u.UploadID
			}
			if in.Size == 0 {
				in.Size = 4
			}
			in.Body = strings.NewReader("data")
			_, err := h.s.UploadPart(ctx, &in)
			wantErr(t, err, tc.want)
		})
	}
	ents, _ := os.ReadDir(h.s.uploadDir(u.UploadID))
	if len(ents) != 1 {
		t.Errorf("upload folder holds %d entries, want the record only", len(ents))
	}
	wantErr(t, h.s.Abort(ctx, "b", "big", u.UploadID), nil)
	wantErr(t, h.s.Abort(ctx, "b", "big", u.UploadID), ErrNoSuchUpload)
	if ups, _ := h.s.Uploads(ctx, "b", ""); len(ups) != 0 {
		t.Errorf("Uploads after abort: %+v", ups)
	}
}

// TestUploadPartCopy copies ranges of an object as parts.
func TestUploadPartCopy(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.put(t, "src", "0123456789")
	u, _ := h.s.CreateUpload(ctx, &PutInput{Bucket: "b", Key: "big"})
	for _, tc := range []struct {
		first, last int64
		want        string
		err         error
	}{
		{2, 4, "234", nil},
		{0, -1, "0123456789", nil},
		{5, 10, "", ErrInvalidArgument},
		{6, 5, "", ErrInvalidArgument},
	} {
		p, err := h.s.UploadPartCopy(ctx, "b", "big", u.UploadID, 1, "b", "src", tc.first, tc.last)
		wantErr(t, err, tc.err)
		if err != nil {
			continue
		}
		f, _ := os.Open(filepath.Join(h.s.uploadDir(u.UploadID), "1"))
		got, _ := io.ReadAll(f)
		f.Close()
		if string(got) != tc.want || p.Size != int64(len(tc.want)) || p.ETag != md5ETag(tc.want) {
			t.Errorf("range %d-%d: %q %+v", tc.first, tc.last, got, p)
		}
	}
	_, err := h.s.UploadPartCopy(ctx, "b", "big", u.UploadID, 1, "b", "missing", 0, -1)
	wantErr(t, err, ErrNoSuchKey)
}

// TestStreaming: a large Put and a Complete stream through the disk; the
// Go heap grows by buffers, not by the object.
func TestStreaming(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	allocated := func(fn func()) uint64 {
		var a, b runtime.MemStats
		runtime.ReadMemStats(&a)
		fn()
		runtime.ReadMemStats(&b)
		return b.TotalAlloc - a.TotalAlloc
	}
	const size = 32 << 20
	n := allocated(func() {
		if _, err := h.s.Put(ctx, &PutInput{Bucket: "b", Key: "big", Body: &repeat{c: 'x', n: size}, Size: size}); err != nil {
			t.Fatal(err)
		}
	})
	if n > 2<<20 {
		t.Errorf("Put of 32 MiB allocated %d bytes", n)
	}
	u, _ := h.s.CreateUpload(ctx, &PutInput{Bucket: "b", Key: "big"})
	var list []CompletedPart
	for i := 1; i <= 3; i++ {
		p, err := h.s.UploadPart(ctx, &PartInput{Bucket: "b", Key: "big", UploadID: u.UploadID, Number: i, Body: &repeat{c: 'y', n: minPartSize}, Size: minPartSize})
		if err != nil {
			t.Fatal(err)
		}
		list = append(list, CompletedPart{Number: i, ETag: p.ETag})
	}
	n = allocated(func() {
		if _, err := h.s.Complete(ctx, "b", "big", u.UploadID, list); err != nil {
			t.Fatal(err)
		}
	})
	if n > 1<<20 {
		t.Errorf("Complete of 15 MiB allocated %d bytes", n)
	}
}
