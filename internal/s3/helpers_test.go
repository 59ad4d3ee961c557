package s3

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	s3event "github.com/verge-edge/verge/internal/triggers/s3"
)

// harness is a store over a temporary data folder with one stack bucket
// "b" in its own temporary folder, recording events and changes.
type harness struct {
	s         *Store
	data, dir string
	mu        sync.Mutex
	events    []s3event.Event
	changed   []string
	notifyErr error
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	h := &harness{data: t.TempDir(), dir: t.TempDir()}
	h.open(t)
	return h
}

// open (re)opens the store over the harness's folders.
func (h *harness) open(t testing.TB) {
	t.Helper()
	s, err := Open(Options{Dir: h.data, Notify: h.notify, Changed: h.change})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Apply([]BucketConfig{{Name: "b", Dir: h.dir}}); err != nil {
		t.Fatal(err)
	}
	h.s = s
	t.Cleanup(func() { s.Close() })
}

func (h *harness) notify(ctx context.Context, e s3event.Event) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events = append(h.events, e)
	return h.notifyErr
}

func (h *harness) change(bucket, key string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.changed = append(h.changed, bucket+"/"+key)
}

// takeEvents returns and forgets the events so far.
func (h *harness) takeEvents() []s3event.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	e := h.events
	h.events = nil
	return e
}

func (h *harness) put(t testing.TB, key, body string) ObjectInfo {
	t.Helper()
	info, err := h.s.Put(context.Background(), &PutInput{Bucket: "b", Key: key, Body: strings.NewReader(body), Size: int64(len(body))})
	if err != nil {
		t.Fatalf("Put %q: %v", key, err)
	}
	return info
}

func (h *harness) read(t testing.TB, key string) string {
	t.Helper()
	o, err := h.s.Open(context.Background(), "b", key)
	if err != nil {
		t.Fatalf("Open %q: %v", key, err)
	}
	defer o.File.Close()
	b, err := io.ReadAll(o.File)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// tempFiles lists what is left in the temporary folders.
func (h *harness) tempFiles(t testing.TB) []string {
	t.Helper()
	var left []string
	for _, d := range []string{filepath.Join(h.data, tmpDirName), filepath.Join(h.dir, tmpFolder)} {
		ents, _ := os.ReadDir(d)
		for _, e := range ents {
			left = append(left, filepath.Join(d, e.Name()))
		}
	}
	return left
}

func md5ETag(s string) string {
	sum := md5.Sum([]byte(s))
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

func md5B64(s string) string {
	sum := md5.Sum([]byte(s))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// wantErr fails unless err is want (nil for none).
func wantErr(t testing.TB, err, want error) {
	t.Helper()
	if want == nil && err != nil || want != nil && !errors.Is(err, want) {
		t.Fatalf("error %v, want %v", err, want)
	}
}

func stringsReader(s string) io.Reader { return strings.NewReader(s) }
