package kinesis

import (
	"sync"
	"time"
)

// A bucket is a token bucket: rate tokens a second, holding at most burst.
// A take may overdraw it (a read larger than what is left), which delays
// the next takes as AWS's read limit does.
type bucket struct {
	mu     sync.Mutex
	rate   float64
	burst  float64
	tokens float64
	at     time.Time
}

func newBucket(rate, burst float64) *bucket {
	return &bucket{rate: rate, burst: burst, tokens: burst}
}

func (b *bucket) refill(now time.Time) {
	if !b.at.IsZero() {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.at).Seconds()*b.rate)
	}
	b.at = now
}

// take takes n tokens when all are there.
func (b *bucket) take(now time.Time, n float64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill(now)
	if b.tokens < n {
		return false
	}
	b.tokens -= n
	return true
}

// overdraw takes n tokens when any are there, going below zero if needed.
func (b *bucket) overdraw(now time.Time, n float64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill(now)
	if b.tokens <= 0 {
		return false
	}
	b.tokens -= n
	return true
}

// charge takes n tokens unconditionally (bytes already read).
func (b *bucket) charge(now time.Time, n float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill(now)
	b.tokens -= n
}

// give returns n tokens (a write that failed).
func (b *bucket) give(n float64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tokens = min(b.burst, b.tokens+n)
}
