//go:build unix

package origin

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A FIFO in the folder must be a missing object, not a fetch that hangs
// until something writes to it.
func TestBucketFIFO(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	h, err := NewBucket(dir, BucketOptions{})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan int, 1)
	go func() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/pipe", nil))
		done <- rec.Code
	}()
	select {
	case code := <-done:
		if code != http.StatusNotFound {
			t.Errorf("status = %d, want 404", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("GET of a FIFO hangs")
	}
}
