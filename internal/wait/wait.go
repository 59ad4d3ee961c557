// Package wait holds the waits the event pollers share: a sleep that a
// context cuts short, and draining a group of goroutines within a
// deadline.
package wait

import (
	"context"
	"sync"
	"time"
)

// Sleep waits d or until ctx ends, and reports whether d passed.
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// Drain waits for wg. When ctx ends first it calls cancel, so that the
// work in flight stops, waits for wg all the same (no goroutine outlives
// Drain) and returns ctx's error.
func Drain(ctx context.Context, wg *sync.WaitGroup, cancel func()) error {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		cancel()
		<-done
		return ctx.Err()
	}
}
