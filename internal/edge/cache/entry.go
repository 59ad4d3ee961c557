package cache

import (
	"net/http"
	"sync/atomic"
	"time"
)

// An Entry is a stored response. It is immutable once stored: revalidation
// and 304 merging store a new Entry under the same key, so readers holding
// an Entry never see it change.
type Entry struct {
	// Key is the cache key the entry is stored under.
	Key string
	// Dist and Path name the distribution and URL path, for invalidation.
	Dist string
	Path string
	// Status is the origin's status code. Zero marks a Vary marker: an entry
	// that holds only Vary, telling the reader to look under a secondary key.
	Status int
	// Header is the stored response header: hop-by-hop fields and Age removed.
	Header http.Header
	// Body is the whole response body (identity, or Encoding when set).
	Body []byte
	// Encoding is "" for the origin's representation, or "gzip" / "br" for a
	// variant Verge compressed itself.
	Encoding string
	// Vary lists the request header names the origin varies on.
	Vary []string
	// ResponseTime is when the response (or its last revalidation) arrived.
	ResponseTime time.Time
	// InitialAge is the RFC 9111 corrected initial age at ResponseTime.
	InitialAge time.Duration
	// TTL is the freshness lifetime, CloudFront-clamped.
	TTL time.Duration
	// StaleWhileRevalidate and StaleIfError are RFC 5861 windows past TTL.
	StaleWhileRevalidate time.Duration
	StaleIfError         time.Duration
	// MustRevalidate forbids serving the entry stale.
	MustRevalidate bool
	// ETag and LastModified are the validators, copied from Header.
	ETag         string
	LastModified string
	// ModTime is LastModified parsed, zero when absent or invalid.
	ModTime time.Time

	// wire is the serialized response head, built once by the edge's fast
	// path. Entries are shared between goroutines, hence the atomic.
	wire atomic.Pointer[[]byte]
}

// Wire returns the serialized response head set by SetWire, or nil.
func (e *Entry) Wire() []byte {
	if p := e.wire.Load(); p != nil {
		return *p
	}
	return nil
}

// SetWire keeps a serialized response head with the entry.
func (e *Entry) SetWire(b []byte) { e.wire.Store(&b) }

// entryOverhead approximates the bytes an entry costs beyond its body, so
// that a million tiny objects still respect the budget.
const entryOverhead = 256

// Size is the entry's weight against a byte budget.
func (e *Entry) Size() int64 {
	n := int64(len(e.Body)) + int64(len(e.Key)) + int64(len(e.Path)) + entryOverhead
	for k, vs := range e.Header {
		n += int64(len(k))
		for _, v := range vs {
			n += int64(len(v)) + 16
		}
	}
	return n
}

// Age is the entry's current age at now.
func (e *Entry) Age(now time.Time) time.Duration {
	return Age(e.InitialAge, e.ResponseTime, now)
}

// Freshness says how an entry may be used at a moment.
type Freshness uint8

// The states of an entry, from best to worst.
const (
	Fresh           Freshness = iota // serve it
	StaleRevalidate                  // serve it and revalidate in the background
	Stale                            // revalidate before serving; on origin error may serve if within StaleIfError
)

// State classifies the entry at now.
func (e *Entry) State(now time.Time) Freshness {
	age := e.Age(now)
	if age < e.TTL {
		return Fresh
	}
	if !e.MustRevalidate && age < e.TTL+e.StaleWhileRevalidate {
		return StaleRevalidate
	}
	return Stale
}

// UsableOnError reports whether a stale entry may stand in for an origin
// error at now (RFC 5861 stale-if-error).
func (e *Entry) UsableOnError(now time.Time) bool {
	return !e.MustRevalidate && e.Age(now) < e.TTL+e.StaleIfError
}

// Retention is how long a store keeps an entry after it was stored: past
// its freshness for as long as it can still be served stale or revalidated.
func (e *Entry) Retention() time.Duration {
	keep := e.TTL + max(e.StaleWhileRevalidate, e.StaleIfError) - e.InitialAge
	if e.ETag != "" || e.LastModified != "" {
		keep += revalidationGrace
	}
	return max(keep, time.Second)
}

// revalidationGrace keeps entries with validators past their freshness, so a
// conditional request can refresh them instead of refetching the body.
const revalidationGrace = 24 * time.Hour
